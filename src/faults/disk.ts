// Disk faults: whole-disk failures whose rate rises with age, latent sector errors that
// come in clusters, and disks that run slow.
//
// Model.
//   Failures. Each disk slot (host x disk index) holds a disk of some age a. Its hazard
//   (failures per year of disk time, the field's "annualized failure rate") is
//       h(a) = afr                                 for a < wearOut
//       h(a) = afr + risePerYear x (a - wearOut)   after it,
//   a constant random-failure rate plus a wear-out term that grows linearly with age (a
//   Weibull wear-out hazard of shape 2 switched on at `wearOut`). At the start of the run
//   the disks' ages are uniform over [ageAtStart, ageAtStart + ageSpread]; a disk's age is
//   a hash of (a seed drawn from the stream, its slot), so no per-disk array is kept. A
//   failed disk emits `disk.fail` (host, disk index, age) and its slot is empty until a
//   new disk, of age 0, is in `replace` later; the slots that were replaced are the only
//   per-disk state (a Map). Host state does not change: the storage layer reads the record.
//   Scale: the hazard rises, so failures are drawn by thinning. Candidates come as one
//   Poisson process over all slots at the upper bound N x h(oldest age by the end of the
//   window), in windows of 30 days; each candidate picks a slot uniformly and is kept
//   with probability h(its age) / bound. O(1) per candidate; with the defaults about half
//   the candidates are kept.
//   Beyond that smooth hazard (./disk-process.ts, off by default): a hazard by age in
//   pieces (`hazard:`, early-life failures), failures in bursts (`bursts:`, a compound
//   Poisson process whose burst sizes are negative binomial) and slots whose next disk
//   fails again (`repeat:`), and hosts whose disks fail more than others' (`places:`, a
//   per-host multiplier, random and by height and row). With them, candidates are thinned
//   down to burst starts at h(a) x the host's multiplier x (1 - repeat chance) / mean
//   burst size, so h stays the fleet's rate of all failures. `fleet fit` sets them from a
//   failure log (src/field/fit.ts).
//   Latent sector errors. Clusters arrive on each disk as a Poisson process of rate
//   `lse` per disk-year (superposed over all slots, each picking its slot uniformly; an
//   empty slot gets none). A cluster holds a geometric number of errors of mean
//   `lseCluster`: one sector uniform over the disk and the others uniform within
//   `lseSpan` after it. Each error is one `disk.lse` record (host, disk, sector in units of
//   SECTOR_BYTES), all at the cluster's time. Only a read or a scrub finds them: that is
//   the detection and storage layers' business; this model only places them.
//   Slow disks. Episodes arrive per disk at `slow` per disk-year (superposed the same
//   way); the disk runs a factor drawn uniformly from `slowdown` (a range like 10x..20x)
//   slower for `slowFor`: one `disk.slow` record (host, disk, factor, untilSec). The host
//   itself does not slow down: the storage layer reads from the disk as little as it can
//   and pays the factor when it must (src/workloads/storage/store.ts), and scrubs wait
//   for the episode to end (the store's and the detection layer's, src/checksums/scrub.ts).
//
// Defaults and sources.
//   afr 2%: Schroeder & Gibson, "Disk failures in the real world: what does an MTTF of
//     1,000,000 hours mean to you?", FAST 2007, find field replacement rates of 2-4% per
//     year typical (up to ~13% at some sites), far above datasheet AFRs of 0.5-0.9%.
//     Pinheiro, Weber & Barroso, "Failure Trends in a Large Disk Drive Population", FAST
//     2007, Fig. 2: AFR about 1.7% in the first year, rising to 8.1% and 8.6% at two and
//     three years (read off the figure from memory: check the digits before quoting them).
//   wearOut 3y, risePerYear 3%: our own fit of a simple shape to those two papers. Schroeder
//     & Gibson see replacement rates grow steadily with age from as early as the second
//     or third year, with no early "infant mortality" bump; Pinheiro's older drives run at
//     6-9% a year. Our line gives 2% up to 3 years, 5% at 4, 8% at 5. Pinheiro's jump at
//     two years (which the authors tie partly to drive models) is not reproduced; use
//     `wearOut: 2y, risePerYear: 6%` to get near it.
//   ageAtStart 1y, ageSpread 3y: our own choice, a fleet bought over three years; ages
//     1-4 years give an average AFR of 2.5% at the start, inside Schroeder & Gibson's range.
//   replace 24h: our own engineering choice (a technician swaps the drive within a day).
//   lse 3%: Bairavasundaram et al., "An Analysis of Latent Sector Errors in Disk Drives",
//     SIGMETRICS 2007 (1.53 million disks, 32 months): 3.15% of nearline disks develop at
//     least one LSE in their first 12 months (1.46% of enterprise disks); 8.5% of nearline
//     and 1.9% of enterprise disks, 3.45% of all, over the 32 months. 3% per disk-year is
//     the nearline figure (figures as summarised from the paper's abstract and results;
//     check them against its tables before quoting). The same paper and Schroeder, Damouras & Gill, "Understanding
//     Latent Sector Errors and How to Protect Against Them", FAST 2010, find that LSEs
//     cluster in space (nearby sectors) and in time (bursts).
//   lseCluster 4, lseSpan 1MiB: our own choice to give clusters (the papers' counts per
//     disk are heavy-tailed: a few disks have thousands of errors; a geometric count does
//     not reproduce that tail).
//   slow 1%, slowdown 10x..20x, slowFor 1h: our own choices. Gunawi et al., "Fail-Slow at
//     Scale: Evidence of Hardware Performance Faults in Large Production Systems", FAST
//     2018, document disks that keep working but far slower than normal, transiently or
//     for good, without giving a rate per disk.
//
// Left out: failure rates that depend on temperature, utilisation or model (Pinheiro),
// SMART warnings before a failure, the heavy tail of LSEs per disk and errors that make
// more errors likely on the same disk later, LSEs spread over days, disks that stay slow
// for good, and wear while a host is powered off. `expected` counts each slot's disk at
// the configured hazard and ignores what replacement changes (a replaced disk is younger
// and the slot is briefly empty): over a horizon in which a fraction f of disks fail, the
// true count is lower by about f x (h(old) - afr) x the rest of the horizon.
import { mix32 } from "../sim/hash.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { duration, factorRange, fraction, map, number, object, opt, size } from "../base/schema.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import {
  BurstSize,
  type BurstSettings,
  burstMembers,
  burstMemberSlot,
  burstSettings,
  type HazardPiece,
  hazardPieces,
  NO_BURSTS,
  NO_REPEATS,
  pieceHazard,
  pieceHazardBound,
  type RepeatSettings,
  repeatSettings,
  NO_PLACES,
  type PlaceSettings,
  placeMultipliers,
  placesDiffer,
  placeSettings,
} from "./disk-process.js";
import { defineKind } from "./kind.js";
import { diskCounts } from "./disk-counts.js";

export { expectedFailuresPerDisk } from "./disk-counts.js";

const HOUR = 3600;
const DAY = 86400;
const YEAR = 365 * DAY;
/** Bytes of one sector: `disk.lse` sectors are numbered in these units (4 KiB logical blocks). */
export const SECTOR_BYTES = 4096;
/** Length of a thinning window: the bound on the hazard is recomputed at each. */
const WINDOW_SEC = 30 * DAY;

export interface DiskSettings {
  /** Hazard before wear-out, failures per disk-year. */
  afrPerYear: number;
  /** Age at which wear-out starts, seconds. */
  wearOutSec: number;
  /** Hazard added per year of age past wearOut, failures per disk-year per year. */
  risePerYearPerYear: number;
  /** Youngest disk age at the start of the run, seconds. */
  ageAtStartSec: number;
  /** Ages at the start are uniform over [ageAtStart, ageAtStart + ageSpread], seconds. */
  ageSpreadSec: number;
  /** Time from a failure until a new disk is in, seconds. */
  replaceSec: number;
  /** LSE clusters per disk-year. */
  lsePerYear: number;
  /** Mean errors per LSE cluster (>= 1). */
  lseClusterMean: number;
  /** Bytes over which a cluster's errors spread. */
  lseSpanBytes: number;
  /** Slow episodes per disk-year. */
  slowPerYear: number;
  /** Slowdown of an episode, uniform over [min, max]. */
  slowdownMin: number;
  slowdownMax: number;
  /** Length of a slow episode, seconds. */
  slowSec: number;
  /** A hazard by age in pieces; empty: the afr / wearOut / risePerYear line. */
  hazard: HazardPiece[];
  bursts: BurstSettings;
  repeat: RepeatSettings;
  /** How hosts differ: a random multiplier, and by height in the rack and row (./disk-process.ts). */
  places: PlaceSettings;
}

const schema = map(
  object({
    afr: opt(fraction(), 0.02, "failures per disk-year before wear-out (2%, Schroeder & Gibson 2007, Pinheiro et al. 2007)"),
    wearOut: opt(duration(), 3 * YEAR, "age at which the failure rate starts to rise (3y, our fit)"),
    risePerYear: opt(fraction(), 0.03, "failure rate added per year of age past wearOut (3%, our fit)"),
    ageAtStart: opt(duration(), YEAR, "age of the youngest disks when the run starts (1y, our choice)"),
    ageSpread: opt(duration(), 3 * YEAR, "ages at the start are uniform over ageAtStart .. ageAtStart + ageSpread (3y)"),
    replace: opt(duration(), 24 * HOUR, "time until a failed disk is replaced by a new one (24h, our choice)"),
    lse: opt(fraction(), 0.03, "latent-sector-error clusters per disk-year (3%, Bairavasundaram et al. 2007, nearline)"),
    lseCluster: opt(number({ min: 1 }), 4, "mean errors per cluster, geometric (4, our choice)"),
    lseSpan: opt(size(), 2 ** 20, "a cluster's errors lie within this span after its first (1MiB, our choice)"),
    slow: opt(fraction(), 0.01, "slow-disk episodes per disk-year (1%, our choice)"),
    slowdown: opt(factorRange, [10, 20] as [number, number], "slowdown of an episode, uniform over a range (10x..20x)"),
    slowFor: opt(duration({ positive: true }), HOUR, "length of a slow episode (1h, our choice)"),
    hazard: opt(hazardPieces, [] as HazardPiece[], "failures per disk-year by age in pieces, replacing afr / wearOut / risePerYear (off)"),
    bursts: opt(burstSettings, NO_BURSTS, "failures in bursts: mean size, dispersion, spread, together, sameRack (off)"),
    repeat: opt(repeatSettings, NO_REPEATS, "a failed slot's next disk fails again: chance, after (off)"),
    places: opt(placeSettings, NO_PLACES, "some hosts fail more than others: a gamma multiplier's variation, and by height and row (off)"),
  }),
  (s): DiskSettings => ({
    afrPerYear: s.afr,
    wearOutSec: s.wearOut,
    risePerYearPerYear: s.risePerYear,
    ageAtStartSec: s.ageAtStart,
    ageSpreadSec: s.ageSpread,
    replaceSec: s.replace,
    lsePerYear: s.lse,
    lseClusterMean: s.lseCluster,
    lseSpanBytes: s.lseSpan,
    slowPerYear: s.slow,
    slowdownMin: s.slowdown[0],
    slowdownMax: s.slowdown[1],
    slowSec: s.slowFor,
    hazard: s.hazard,
    bursts: s.bursts,
    repeat: s.repeat,
    places: s.places,
  }),
);

/** Failure hazard per second at age `ageSec`. */
export function diskHazard(s: DiskSettings, ageSec: number): number {
  if (s.hazard.length) return pieceHazard(s.hazard, ageSec);
  const wear = ageSec - s.wearOutSec;
  return (s.afrPerYear + (wear > 0 ? (s.risePerYearPerYear * wear) / YEAR : 0)) / YEAR;
}

/** Disk slots of the fleet: host x disks per host, summed over datacenters. */
export function slotCount(fleet: Fleet): number {
  let n = 0;
  for (let d = 0; d < fleet.dcCount; d++) n += (fleet.dcFirstHost[d + 1] - fleet.dcFirstHost[d]) * fleet.hostSpecOfDc(d).disks;
  return n;
}

/** A uniform in [0, 1) from (salt, x): the shared mixer (src/sim/hash.ts) over salt ^ x. */
function unitHash(salt: number, x: number): number {
  return mix32((x ^ salt) | 0) / 4294967296;
}

class DiskInjector implements Injector {
  readonly name = "disk";
  private env!: FaultEnv;
  private slots = 0;
  /** First slot of each datacenter, and one past the last (dcCount + 1 entries). */
  private dcFirstSlot = new Float64Array(1);
  private salt = 0;
  /** Birth time of the disk in each replaced slot; Infinity while the slot is empty. */
  private readonly born = new Map<number, number>();
  private candidateKind = 0;
  private windowKind = 0;
  private replaceKind = 0;
  private lseKind = 0;
  private slowKind = 0;
  private memberKind = 0;
  private repeatKind = 0;
  private windowEndSec = 0;
  private boundPerSec = 0;
  /** Share of thinned candidates that start a burst: (1 - repeat chance) / mean burst size. */
  private readonly startShare: number;
  private readonly burstSize: BurstSize;
  /** Slots whose repeat came while they were empty: their next disk fails as it arrives. */
  private readonly doomed = new Set<number>();
  /** Per-host hazard multipliers (empty: every host alike) and their largest. */
  private frailty: Float32Array = new Float32Array(0);
  private frailtyMax = 1;

  constructor(private readonly s: DiskSettings) {
    this.startShare = (1 - s.repeat.chance) / s.bursts.sizeMean;
    this.burstSize = new BurstSize(s.bursts);
  }

  start(env: FaultEnv): void {
    this.env = env;
    const { fleet, sim } = env;
    this.slots = slotCount(fleet);
    this.dcFirstSlot = new Float64Array(fleet.dcCount + 1);
    for (let d = 0; d < fleet.dcCount; d++) {
      this.dcFirstSlot[d + 1] = this.dcFirstSlot[d] + (fleet.dcFirstHost[d + 1] - fleet.dcFirstHost[d]) * fleet.hostSpecOfDc(d).disks;
    }
    this.salt = env.rng.int(2 ** 32) | 0;
    if (this.slots === 0) return;
    if (placesDiffer(this.s.places))
      ({ multiplier: this.frailty, max: this.frailtyMax } = placeMultipliers(fleet, env.rng, this.s.places, (h) => fleet.hostSpec(h).disks));
    this.candidateKind = sim.defineEvent("disk.candidate", () => this.candidate());
    this.windowKind = sim.defineEvent("disk.window", () => this.openWindow());
    this.replaceKind = sim.defineEvent("disk.replace", (slot) => this.replaced(slot));
    this.memberKind = sim.defineEvent("disk.burstMember", (slot) => this.later(slot, false));
    this.repeatKind = sim.defineEvent("disk.repeat", (slot) => this.later(slot, true));
    this.lseKind = sim.defineEvent("disk.lse", () => this.lse());
    this.slowKind = sim.defineEvent("disk.slow", () => this.slow());
    this.openWindow();
    this.nextArrival(this.lseKind, this.s.lsePerYear);
    this.nextArrival(this.slowKind, this.s.slowPerYear);
  }

  expected(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    return diskCounts(this.s, slotCount(fleet), horizonSec).expected;
  }

  /** disk.lse comes in clusters: ./disk-counts.ts. */
  variance(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    return diskCounts(this.s, slotCount(fleet), horizonSec).variance;
  }

  /** Age of the disk in `slot` now, or -1 if the slot is empty. */
  ageOf(slot: number): number {
    const b = this.born.get(slot);
    if (b === undefined) return this.env.sim.now + this.s.ageAtStartSec + this.s.ageSpreadSec * unitHash(this.salt, slot);
    return b === Infinity ? -1 : this.env.sim.now - b;
  }

  // ---- failures (thinning) -------------------------------------------------------------

  /** A new window: the bound is the hazard of the oldest possible disk at its end. */
  private openWindow(): void {
    const { sim, horizonSec } = this.env;
    this.windowEndSec = Math.min(sim.now + WINDOW_SEC, horizonSec);
    const oldest = this.s.ageAtStartSec + this.s.ageSpreadSec + this.windowEndSec;
    // A replaced disk starts at age 0: with a hazard in pieces (early-life failures) the
    // bound is the largest piece up to the oldest age; the smooth hazard only rises.
    this.boundPerSec = (this.s.hazard.length ? pieceHazardBound(this.s.hazard, oldest) : diskHazard(this.s, oldest)) * this.frailtyMax;
    if (this.boundPerSec > 0) this.nextCandidate();
    // A hazard in pieces may be 0 for a while and rise later: look again at the next window.
    else if (this.s.hazard.length && this.windowEndSec < horizonSec) sim.scheduleAt(this.windowEndSec, this.windowKind, 0, 0);
  }

  private nextCandidate(): void {
    const { sim, rng, horizonSec } = this.env;
    const share = this.startShare;
    const t = sim.now + rng.exp(1 / (share === 1 ? this.slots * this.boundPerSec : this.slots * this.boundPerSec * share));
    if (t <= this.windowEndSec) sim.scheduleAt(t, this.candidateKind, 0, 0);
    else if (this.windowEndSec < horizonSec) sim.scheduleAt(this.windowEndSec, this.windowKind, 0, 0);
  }

  private candidate(): void {
    const { rng } = this.env;
    const slot = rng.int(this.slots);
    const age = this.ageOf(slot);
    const place = this.frailty.length ? this.frailty[this.hostRefOf(slot).index] : 1;
    if (age >= 0 && rng.next() * this.boundPerSec < diskHazard(this.s, age) * place) {
      this.fail(slot, age);
      if (this.s.bursts.sizeMean > 1) this.burst(slot);
    }
    this.nextCandidate();
  }

  private fail(slot: number, ageSec: number): void {
    const { sim, trace, rng } = this.env;
    const ref = this.hostRefOf(slot);
    this.born.set(slot, Infinity);
    sim.schedule(this.s.replaceSec, this.replaceKind, slot, 0);
    trace.emit(DISK_FAIL, ref, { untilSec: sim.now + this.s.replaceSec, detail: { disk: this.diskOf(slot), ageDays: Math.round(ageSec / DAY) } });
    const r = this.s.repeat;
    if (r.chance > 0 && rng.next() < r.chance) this.scheduleWithin(rng.exp(r.afterSec), this.repeatKind, slot);
  }

  /** The other failures of a burst that started on `slot` (./disk-process.ts). */
  private burst(slot: number): void {
    const { fleet, rng } = this.env;
    const b = this.s.bursts;
    const host = this.hostRefOf(slot).index;
    const dc = this.dcOfSlot(slot);
    burstMembers(
      rng,
      b,
      this.burstSize,
      () => burstMemberSlot(fleet, rng, b, host, dc, this.dcFirstSlot[dc]),
      (member, at) => this.scheduleWithin(at, this.memberKind, member),
    );
  }

  /** A burst member or a repeat comes due: the slot's disk fails (a repeat on an empty slot: its next disk, on arrival). */
  private later(slot: number, repeat: boolean): void {
    const age = this.ageOf(slot);
    if (age >= 0) this.fail(slot, age);
    else if (repeat) this.doomed.add(slot);
  }

  private replaced(slot: number): void {
    this.born.set(slot, this.env.sim.now);
    if (this.doomed.delete(slot)) this.fail(slot, 0);
  }

  private scheduleWithin(delaySec: number, kind: number, slot: number): void {
    const { sim, horizonSec } = this.env;
    if (sim.now + delaySec <= horizonSec) sim.schedule(delaySec, kind, slot, 0);
  }

  // ---- latent sector errors and slow disks ---------------------------------------------

  private lse(): void {
    const { fleet, rng, trace } = this.env;
    const s = this.s;
    const slot = rng.int(this.slots);
    if (this.ageOf(slot) >= 0) {
      const ref = this.hostRefOf(slot);
      const disk = this.diskOf(slot);
      const sectors = Math.max(1, Math.floor(fleet.hostSpec(ref.index).diskBytes / SECTOR_BYTES));
      const span = Math.max(1, Math.min(sectors, Math.floor(s.lseSpanBytes / SECTOR_BYTES)));
      const first = rng.int(sectors);
      // Geometric count on 1, 2, ... with mean lseCluster.
      const p = 1 / s.lseClusterMean;
      const count = p >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
      for (let i = 0; i < count; i++) {
        const sector = i === 0 ? first : Math.min(sectors - 1, first + rng.int(span));
        trace.emit(DISK_LSE, ref, { detail: { disk, sector, cluster: count } });
      }
    }
    this.nextArrival(this.lseKind, s.lsePerYear);
  }

  private slow(): void {
    const { rng, sim, trace } = this.env;
    const s = this.s;
    const slot = rng.int(this.slots);
    const factor = s.slowdownMin + (s.slowdownMax - s.slowdownMin) * rng.next();
    if (this.ageOf(slot) >= 0) {
      trace.emit(DISK_SLOW, this.hostRefOf(slot), { untilSec: sim.now + s.slowSec, detail: { disk: this.diskOf(slot), factor } });
    }
    this.nextArrival(this.slowKind, s.slowPerYear);
  }

  /** Schedules the next event of a process of `perYear` events per disk-year over all slots. */
  private nextArrival(kind: number, perYear: number): void {
    if (!(perYear > 0)) return;
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(YEAR / (perYear * this.slots));
    if (sim.now + dt <= horizonSec) sim.schedule(dt, kind, 0, 0);
  }

  // ---- slots -------------------------------------------------------------------------

  private dcOfSlot(slot: number): number {
    const f = this.dcFirstSlot;
    let d = 0;
    while (f[d + 1] <= slot) d++;
    return d;
  }

  private hostRefOf(slot: number): FleetRef {
    const { fleet } = this.env;
    const d = this.dcOfSlot(slot);
    const disks = fleet.hostSpecOfDc(d).disks;
    return { kind: "host", index: fleet.dcFirstHost[d] + Math.floor((slot - this.dcFirstSlot[d]) / disks) };
  }

  private diskOf(slot: number): number {
    const d = this.dcOfSlot(slot);
    return (slot - this.dcFirstSlot[d]) % this.env.fleet.hostSpecOfDc(d).disks;
  }
}

/** A disk died: its slot is empty until a new disk is in. */
export const DISK_FAIL = defineKind("disk.fail", {
  code: 5,
  summary: "a disk died; a new one is in at until",
  effect: { class: "down", on: "disk" },
  episode: "replace",
  fields: { disk: "disk index in the host", ageDays: "the disk's age", cause: "incident when scheduled" },
});
/** A latent sector error: found only by a read or a scrub. */
export const DISK_LSE = defineKind("disk.lse", {
  code: 6,
  summary: "a latent sector error appeared (found only by a read or a scrub)",
  effect: { class: "errors", on: "disk-sector" },
  fields: { disk: "disk index in the host", sector: "sector (SECTOR_BYTES units)", cluster: "errors in its cluster" },
});
/** A disk runs slow for a while. */
export const DISK_SLOW = defineKind("disk.slow", {
  code: 7,
  summary: "a disk runs several times slower for a while (fail-slow)",
  effect: { class: "slow", on: "disk" },
  fields: { disk: "disk index in the host", factor: "how many times slower" },
});

export const diskModel: FaultModel<DiskSettings> = {
  kind: "disk",
  summary: "disk failures rising with age, clustered latent sector errors, slow disks",
  kinds: [DISK_FAIL, DISK_LSE, DISK_SLOW],
  schema,
  create: (s) => new DiskInjector(s),
  incident: {
    // `- at: 5h, disk: dc1/row01/rack02/host03, index: 1, replace: 24h`
    // A scheduled failure does not reset the disk injector's age of that slot.
    targets: ["host"],
    kindOf: () => DISK_FAIL,
    params: {
      index: opt(number({ min: 0, integer: true }), 0, "which disk of the host fails (0, the first)"),
      replace: opt(duration(), 24 * HOUR, "time until a new disk is in (24h)"),
    },
    fire(env, ref, params) {
      const index = params.index as number;
      const disks = env.fleet.hostSpec(ref.index).disks;
      if (index >= disks) throw new RangeError(`disk incident on ${env.fleet.idOf(ref)}: index ${index}, but the host has ${disks} disks`);
      env.trace.emit(DISK_FAIL, ref, { untilSec: env.sim.now + (params.replace as number), detail: { disk: index, cause: "incident" } });
    },
    // Latent sector errors and slow disks have no scheduled form (yet): undefined.
    asScheduled: (e, ctx) =>
      e.kind === DISK_FAIL && e.ref ? { target: ctx.fleet.idOf(e.ref), params: { index: e.detail.disk, replace: episodeSec(e, ctx) } } : undefined,
  },
};
