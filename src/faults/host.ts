// Host crashes: kernel panics, hangs caught by a watchdog, and hardware faults that take
// one machine down.
//
// Model. Every host crashes as a Poisson process of rate 1 / `mtbf`; the processes of all
// hosts are superposed into one of rate hosts / mtbf and each crash picks its host
// uniformly, so a crash costs O(1) whatever the fleet size. A crash takes the host down
// through `trace.down("host.crash", host)`: most come back after `reboot`; a fraction
// `repairFraction` needs hands-on repair (a part swapped) and comes back after `repair`.
// A host already down (a rack or power fault, or its own earlier crash) may still "crash":
// the trace keeps it down until the later of the two repairs. The injector never reads
// host state, so the trace does not depend on what a policy did to a host.
//   Beyond that constant rate, the disk model's failure process (./disk-process.ts: its
//   validators, burst sizes, member placement and frailties are reused), all off by default:
//   Hazard by age (`hazard: [{ until: 90d, afr: 150% }, { afr: 50% }]`, crashes per
//   host-year, which may pass 100%): replaces `mtbf`. Each host has an age: at the start
//   uniform over [ageAtStart, ageAtStart + ageSpread], from the keyed hash
//   `faults.host.age` of the host (src/sim/hash.ts: a function of the seed, so no per-host
//   array and no draw from the stream), then growing with the run. A repaired host does
//   NOT become new: a part is swapped, the machine keeps its age. Crashes are drawn by
//   thinning: candidates over all hosts at a bound (the largest hazard of any age up to
//   the oldest host's at the end of a 30-day window, times the largest frailty), each
//   kept with probability h(age) x frailty / bound.
//   Bursts (`bursts: { size, dispersion, spread, together, sameRack }`): burst starts
//   arrive at h x (1 - repeat chance) / size per host, each holding a negative binomial
//   number of crashes with mean `size` and E[K^2] / E[K] = `dispersion` (the weekly index
//   of dispersion it gives); the first on the chosen host, each other one with it (chance
//   `together`) or an exponential time of mean `spread` later, on a uniform host of its
//   rack (chance `sameRack`) or of its datacenter. A firmware push, a switch or a power
//   blip taking many hosts at once.
//   Repeats (`repeat: { chance, after }`): after every crash, with probability `chance`,
//   the same host crashes again an exponential time of mean `after` later (a "lemon"
//   machine); a repeat can repeat, so a share `chance` of all crashes are repeats.
//   With bursts and repeats the hazard stays the rate of ALL crashes: starts x size x
//   1 / (1 - chance) = h.
//   Places (`places: { variation }`): each host's hazard is multiplied by a frailty drawn
//   at the start, gamma with mean 1 and variance `variation`, scaled to a fleet mean of
//   exactly 1; it applies to burst starts (a burst's other crashes land on uniform hosts).
//   Host dispersion (var / mean of crashes per host) is then about 1 + mean x variation.
//   With none of these keys the injector draws exactly what the plain Poisson process
//   drew before they existed (same numbers, same order, same events; ./host-process.test.ts).
//   The host-loss rate over a range of hosts (a training job's interval) takes every host
//   at its hazard when the run starts, averaged over the spread of ages, frailty 1; a
//   burst that reaches the range counts once, however many of its hosts it takes down
//   (as if its crashes fell within one restart), and each repeat counts.
//
// Defaults and sources.
//   mtbf 1.8y: Dean, "Designs, Lessons and Advice from Building Large Distributed
//     Systems", LADIS 2009 keynote (the same list is in his 2008 talks), "typical first
//     year for a new cluster": ~1000 individual machine failures. The slide does not give
//     the cluster's size; we assume ~1,800 machines (press accounts of the talk say
//     "several thousand"), so 1000 / 1800 = 0.56 failures per host-year, an MTBF of 1.8
//     years. With 5,000 machines it would be 5 years: set `mtbf` from your own fleet.
//   reboot 10m: our own engineering choice (watchdog or remote power cycle, BIOS, kernel
//     and service start; a few minutes on common servers).
//   repairFraction 10%, repair 2d: our own engineering choice (a technician swaps a part
//     within a working day or two). No field source behind the split.
//   ageAtStart 0s, ageSpread 3y: our own choice, read only by `hazard`: hosts bought
//     steadily over the three years before the run (a common server refresh cycle), so
//     the newest are in their early life when it starts. Set them from your purchase dates.
//   hazard, bursts, repeat, places: off. Their values come from your own crash log.
//
// Left out: reboot times that vary, crashes triggered by load or by other faults (a
// machine check from memory errors is the detection layer's `machine.check`), planned
// reboots (kernel upgrades), which are maintenance rather than faults; a hazard set by
// position (height in the rack, row); bursts that span datacenters; a burst's other crashes
// following their own hosts' ages and frailties (they land on uniform hosts). `expected`
// counts the hazard over the horizon and ignores the bursts' and repeats' crashes that
// fall past it (short by about rate x (chance x after + spread) crashes).
import { isScalar } from "yaml";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { duration, either, fraction, map, object, opt, scalar, type Validator } from "../base/schema.js";
import { UnitError } from "../base/units.js";
import type { KeyedHash } from "../sim/hash.js";
import {
  BurstSize,
  type BurstSettings,
  burstMembers,
  burstMemberHost,
  burstSettings,
  NO_PLACES,
  type PlaceSettings,
  placeMultipliers,
  placesDiffer,
  type HazardPiece,
  hazardPiecesOf,
  NO_BURSTS,
  NO_REPEATS,
  pieceCumulativeHazard,
  pieceHazard,
  pieceHazardBound,
  pieceIntegratedHazard,
  placeSettings,
  type RepeatSettings,
  repeatSettings,
} from "./disk-process.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";

const DAY = 86400;
const YEAR = 365 * DAY;
/** Length of a thinning window under a hazard by age: the bound is recomputed at each. */
const WINDOW_SEC = 30 * DAY;
/** The keyed hash (src/sim/hash.ts) that gives each host its age at the start: the fleet's, not the stream's. */
const AGE_HASH = "faults.host.age";

/**
 * A mean time between failures, or `off` (Infinity) to turn that process off. Shared
 * by the power, rack and network models.
 */
export const mtbfOrOff: Validator<number> = either(
  (n) => isScalar(n) && n.value === "off",
  scalar("off", () => Infinity),
  duration({ positive: true }),
);

const EXPECT_HOST_AFR = "failures per host-year as a percentage like 50% or 150%, or a number like 1.5";

/** Failures per host-year: unlike a disk's AFR, it may pass 100% (a new host's first months). */
const hostAfr: Validator<number> = scalar(EXPECT_HOST_AFR, (input) => {
  const m = typeof input === "string" ? /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(input) : null;
  const v = m ? Number(m[1]) / 100 : typeof input === "number" ? input : Number.NaN;
  if (!(v >= 0 && v < Infinity)) throw new UnitError(`expected ${EXPECT_HOST_AFR}, found ${JSON.stringify(input)}`, EXPECT_HOST_AFR);
  return v;
});

export interface HostCrashSettings {
  /** Mean time between crashes of one host, seconds (Infinity: off); unused when `hazard` is given. */
  mtbfSec: number;
  /** Time a crashed host takes to come back, seconds. */
  rebootSec: number;
  /** Fraction of crashes that need a repair instead of a reboot. */
  repairFraction: number;
  /** Time a host needing repair stays down, seconds. */
  repairSec: number;
  /** Crashes per host-year by host age, in pieces; empty: 1 / mtbf at every age. */
  hazard: HazardPiece[];
  /** Youngest host age when the run starts, seconds (read only by `hazard`). */
  ageAtStartSec: number;
  /** Ages at the start are uniform over [ageAtStart, ageAtStart + ageSpread], seconds. */
  ageSpreadSec: number;
  bursts: BurstSettings;
  repeat: RepeatSettings;
  /** How hosts differ: a random multiplier, and by height in the rack and row (./disk-process.ts). */
  places: PlaceSettings;
}

const schema = map(
  object({
    mtbf: opt(mtbfOrOff, 1.8 * YEAR, "mean time between crashes of one host (1.8y, from Dean 2009; `off` to disable)"),
    reboot: opt(duration({ positive: true }), 600, "time a crashed host takes to come back (10m)"),
    repairFraction: opt(fraction(), 0.1, "fraction of crashes that need a hands-on repair (10%)"),
    repair: opt(duration({ positive: true }), 2 * DAY, "time a host needing repair stays down (2d)"),
    hazard: opt(
      hazardPiecesOf(hostAfr, "crashes per host-year in this piece of ages (may pass 100%)"),
      [] as HazardPiece[],
      "crashes per host-year by host age in pieces, replacing mtbf (off)",
    ),
    ageAtStart: opt(duration(), 0, "age of the youngest hosts when the run starts, read by hazard (0s, our choice)"),
    ageSpread: opt(duration(), 3 * YEAR, "host ages at the start are uniform over ageAtStart .. ageAtStart + ageSpread (3y)"),
    bursts: opt(burstSettings, NO_BURSTS, "crashes in bursts: mean size, dispersion, spread, together, sameRack (off)"),
    repeat: opt(repeatSettings, NO_REPEATS, "a crashed host crashes again: chance, after (off)"),
    places: opt(placeSettings, NO_PLACES, "some hosts crash more than others: a gamma multiplier's variation, and by height and row (off)"),
  }),
  (s): HostCrashSettings => ({
    mtbfSec: s.mtbf,
    rebootSec: s.reboot,
    repairFraction: s.repairFraction,
    repairSec: s.repair,
    hazard: s.hazard,
    ageAtStartSec: s.ageAtStart,
    ageSpreadSec: s.ageSpread,
    bursts: s.bursts,
    repeat: s.repeat,
    places: s.places,
  }),
);

/** Expected crashes of one host over [0, T] under a hazard by age, its age at the start uniform over [a0, a0 + spread]. */
export function expectedCrashesPerHost(s: HostCrashSettings, horizonSec: number): number {
  const a0 = s.ageAtStartSec;
  const w = s.ageSpreadSec;
  const T = horizonSec;
  if (w <= 0) return pieceCumulativeHazard(s.hazard, a0 + T) - pieceCumulativeHazard(s.hazard, a0);
  const G = (a: number) => pieceIntegratedHazard(s.hazard, a);
  return (G(a0 + w + T) - G(a0 + T) - G(a0 + w) + G(a0)) / w;
}

/** A host's hazard when the run starts, averaged over the ages at the start: crashes per second. */
function startHazard(s: HostCrashSettings): number {
  const a0 = s.ageAtStartSec;
  const w = s.ageSpreadSec;
  if (w <= 0) return pieceHazard(s.hazard, a0);
  return (pieceCumulativeHazard(s.hazard, a0 + w) - pieceCumulativeHazard(s.hazard, a0)) / w;
}

class HostCrashInjector implements Injector {
  readonly name = "host";
  private env!: FaultEnv;
  private kind = 0;
  private memberKind = 0;
  private repeatKind = 0;
  private windowKind = 0;
  private meanGapSec = Infinity;
  /** Candidates come until here; then a new window (its end is the horizon without `hazard`). */
  private windowEndSec = 0;
  /** Upper bound on any host's hazard x frailty in the window, per second (thinning). */
  private boundPerSec = 0;
  /** Share of kept candidates that start a burst: (1 - repeat chance) / mean burst size. */
  private readonly startShare: number;
  private readonly burstSize: BurstSize;
  private ages: KeyedHash | undefined;
  /** Per-host hazard multipliers (empty: every host alike) and their largest. */
  private frailty: Float32Array = new Float32Array(0);
  private frailtyMax = 1;

  constructor(private readonly s: HostCrashSettings) {
    this.startShare = (1 - s.repeat.chance) / s.bursts.sizeMean;
    this.burstSize = new BurstSize(s.bursts);
  }

  start(env: FaultEnv): void {
    this.env = env;
    const { fleet, sim } = env;
    const s = this.s;
    const n = fleet.hostCount;
    if (n === 0 || (s.hazard.length === 0 && s.mtbfSec === Infinity)) return;
    // Each option defines its events and draws only when on: without them the stream and
    // the event kinds are exactly those of the plain Poisson process.
    if (s.hazard.length) this.ages = sim.streams.hash(AGE_HASH);
    if (placesDiffer(s.places)) ({ multiplier: this.frailty, max: this.frailtyMax } = placeMultipliers(fleet, env.rng, s.places, () => 1));
    this.kind = sim.defineEvent("host.crash", () => this.candidate());
    if (s.bursts.sizeMean > 1) this.memberKind = sim.defineEvent("host.burstMember", (host) => this.crash(host));
    if (s.repeat.chance > 0) this.repeatKind = sim.defineEvent("host.repeat", (host) => this.crash(host));
    if (s.hazard.length) this.windowKind = sim.defineEvent("host.window", () => this.openWindow());
    this.openWindow();
  }

  /**
   * The rate at which crashes take down at least one host of `hosts`, from the settings
   * alone: every host at the hazard of the start of the run averaged over the age spread
   * (the long-run rate of a hazard by age differs; a training job sets its interval when
   * it starts), frailties at their mean of 1. A burst that hits several hosts of the range
   * counts once (as if its crashes fell within one restart); each repeat counts.
   */
  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }): number {
    const s = this.s;
    const c = s.repeat.chance;
    const r = hosts.end - hosts.start;
    // Per unit of one host's hazard: burst starts hitting the range, and repeats on its
    // hosts (each host's crashes from starts and members come at h x (1 - c), so its
    // repeats at h x c).
    const hits = s.bursts.sizeMean > 1 || c > 0 ? ((1 - c) / s.bursts.sizeMean) * this.burstReach(fleet, hosts) + r * c : r;
    return s.hazard.length ? hits * startHazard(s) : hits / s.mtbfSec;
  }

  expected(fleet: Fleet, horizonSec: number): { "host.crash": number } {
    if (this.s.hazard.length) return { "host.crash": fleet.hostCount * expectedCrashesPerHost(this.s, horizonSec) };
    return { "host.crash": (fleet.hostCount * horizonSec) / this.s.mtbfSec };
  }

  /** Age of `host` now, seconds. */
  ageOf(host: number): number {
    const u = this.ages ? this.ages.uniform(host) : 0;
    return this.env.sim.now + this.s.ageAtStartSec + this.s.ageSpreadSec * u;
  }

  /** A new window: the bound is the largest hazard up to the oldest host's age at its end. */
  private openWindow(): void {
    const { fleet, sim, horizonSec } = this.env;
    const s = this.s;
    const n = fleet.hostCount;
    if (s.hazard.length) {
      this.windowEndSec = Math.min(sim.now + WINDOW_SEC, horizonSec);
      this.boundPerSec = pieceHazardBound(s.hazard, s.ageAtStartSec + s.ageSpreadSec + this.windowEndSec) * this.frailtyMax;
      this.meanGapSec = 1 / (n * this.boundPerSec * this.startShare);
    } else {
      // Without options: mtbf / (n x 1 x 1), bit for bit the plain process's mean gap.
      this.windowEndSec = horizonSec;
      this.boundPerSec = this.frailtyMax / s.mtbfSec;
      this.meanGapSec = s.mtbfSec / (n * this.frailtyMax * this.startShare);
    }
    if (this.meanGapSec < Infinity) this.nextCandidate();
    else if (this.windowEndSec < horizonSec) sim.scheduleAt(this.windowEndSec, this.windowKind, 0, 0);
  }

  private nextCandidate(): void {
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(this.meanGapSec);
    if (sim.now + dt <= this.windowEndSec) sim.schedule(dt, this.kind, 0, 0);
    else if (this.windowEndSec < horizonSec) sim.scheduleAt(this.windowEndSec, this.windowKind, 0, 0);
  }

  /** A candidate: a uniform host, kept with probability h(age) x frailty / bound; a kept one may start a burst. */
  private candidate(): void {
    const { fleet, rng } = this.env;
    const s = this.s;
    const host = rng.int(fleet.hostCount);
    let kept = true;
    if (s.hazard.length || this.frailty.length) {
      const h = (s.hazard.length ? pieceHazard(s.hazard, this.ageOf(host)) : 1 / s.mtbfSec) * (this.frailty.length ? this.frailty[host] : 1);
      kept = rng.next() * this.boundPerSec < h;
    }
    if (kept) {
      this.crash(host);
      if (s.bursts.sizeMean > 1) this.burst(host);
    }
    this.nextCandidate();
  }

  private crash(host: number): void {
    const { rng, trace } = this.env;
    const repair = rng.next() < this.s.repairFraction;
    const ref: FleetRef = { kind: "host", index: host };
    trace.down(HOST_CRASH, ref, { repairSec: repair ? this.s.repairSec : this.s.rebootSec, detail: { cause: repair ? "repair" : "reboot" } });
    const r = this.s.repeat;
    if (r.chance > 0 && rng.next() < r.chance) this.scheduleWithin(rng.exp(r.afterSec), this.repeatKind, host);
  }

  /** The other crashes of a burst that started on `host` (./disk-process.ts). */
  private burst(host: number): void {
    const { fleet, rng } = this.env;
    const b = this.s.bursts;
    const dc = fleet.dcOfHost(host);
    burstMembers(
      rng,
      b,
      this.burstSize,
      () => burstMemberHost(fleet, rng, b, host, dc),
      (member, at) => this.scheduleWithin(at, this.memberKind, member),
    );
  }

  private scheduleWithin(delaySec: number, kind: number, host: number): void {
    const { sim, horizonSec } = this.env;
    if (sim.now + delaySec <= horizonSec) sim.schedule(delaySec, kind, host, 0);
  }

  /**
   * The sum over every host x of the chance that a burst starting on x takes down a host
   * of `hosts`: 1 inside the range; outside it, 1 - E[(1 - q)^(K - 1)] where q is the
   * chance that one of its other crashes lands in the range (the same for all hosts of a
   * rack). Only the range's datacenters can reach it.
   */
  private burstReach(fleet: Fleet, hosts: { start: number; end: number }): number {
    const r = hosts.end - hosts.start;
    const b = this.s.bursts;
    if (b.sizeMean <= 1 || r <= 0) return Math.max(r, 0);
    const overlap = (x: { start: number; end: number }) => Math.max(0, Math.min(x.end, hosts.end) - Math.max(x.start, hosts.start));
    let reach = r;
    for (let dc = fleet.dcOfHost(hosts.start); dc <= fleet.dcOfHost(hosts.end - 1); dc++) {
      const inDc = overlap(fleet.hostsOfDc(dc)) / (fleet.dcFirstHost[dc + 1] - fleet.dcFirstHost[dc]);
      const racks = fleet.racksOfDc(dc);
      for (let rack = racks.start; rack < racks.end; rack++) {
        const k = fleet.hostsOfRack(rack);
        const inRack = overlap(k);
        const outside = k.end - k.start - inRack;
        if (outside === 0) continue;
        const q = (b.sameRack * inRack) / (k.end - k.start) + (1 - b.sameRack) * inDc;
        if (q > 0) reach += outside * (1 - this.burstSize.othersPgf(1 - q));
      }
    }
    return reach;
  }
}

/** A host crashed: down for a reboot, or for a repair. */
export const HOST_CRASH = defineKind("host.crash", {
  code: 12,
  summary: "a host crashed: down for a reboot, or for a repair",
  effect: { class: "down", on: "hosts" },
  episode: "repair",
  fields: { cause: "reboot or repair (or incident)" },
});

export const hostCrashModel: FaultModel<HostCrashSettings> = {
  kind: "host",
  kinds: [HOST_CRASH],
  summary: "host crashes (kernel panics, hangs, hardware): down for a reboot, a few for a repair",
  schema,
  create: (s) => new HostCrashInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => HOST_CRASH,
    params: {
      repair: opt(duration({ positive: true }), 600, "how long the host stays down (10m, a reboot)"),
    },
    fire(env, ref, params) {
      env.trace.down(HOST_CRASH, ref, { repairSec: params.repair as number, detail: { cause: "incident" } });
    },
    asScheduled: (e, ctx) => (e.ref ? { target: ctx.fleet.idOf(e.ref), params: { repair: episodeSec(e, ctx) } } : undefined),
  },
};
