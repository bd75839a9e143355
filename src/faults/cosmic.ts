// Cosmic-ray upsets: transient bit flips in DRAM words, with directional bursts.
//
// Model. Single-event upsets arrive as one Poisson process over the fleet's DRAM, at
// `rate` per Mbit (2^20 bits) of each host's dramBitsOfHost, times the neutron flux of
// the host's datacenter relative to sea level, exp(altitudeM / altitudeScale). Each upset
// lands on a host, a word drawn uniformly among the host's dramBits / 64 words, and bit
// positions of that word's 72-bit codeword (64 data + 8 check bits, layout in memory.ts).
// A fraction `multiBit` of upsets flip 2, 3 or 4 ADJACENT positions of one codeword
// (probabilities 70% / 20% / 10%), the rest one position; every position 0..71 is equally
// likely to be hit. The detection layer decodes these bits with the host's real code.
// A burst multiplies the rate of the racks facing its direction by `x` for `duration`:
// gain x for racks whose facing lies within width/2 of the direction, then a raised-cosine
// taper over `edge` degrees down to 1 (no effect) beyond width/2 + edge. Racks facing away
// see nothing, so with alternating rows one side of every aisle is hit and the other not.
// Bursts start at Poisson times (`every`, mean interval) and/or at `at` times; overlapping
// bursts add their excess gains. Each burst start is a `cosmic.burst` record.
// A scheduled upset flips `bits` adjacent positions of a random word, or of the `word`
// and from the `bit` it names (how `fleet shrink` writes a traced upset back exactly).
//
// Defaults and sources.
//   rate 0.02 FIT/Mbit: Sridharan & Liberty, "A Study of DRAM Failures in the Field",
//     SC'12 (Jaguar, DDR2), report transient faults at about 19 FIT per DRAM device, all
//     modes together (14.2 single-bit + 5.0 multi-bit/row/column/bank, as we read their
//     per-mode table; the same Jaguar figures appear in Sridharan et al., "Feng Shui of
//     Supercomputer Memory", SC'13, Table 2 — check the digits before quoting them).
//     Jaguar's devices were 1 Gbit, so 19.2 / 1024 = 0.019 FIT/Mbit, rounded to 0.02.
//     Field transient rates are that small; the "25,000-70,000 FIT/Mbit" of Schroeder,
//     Pinheiro & Weber (SIGMETRICS 2009) counts every error of every fault, mostly
//     repeats of hard faults (their own conclusion), which dram.ts models instead. Type
//     `rate: 25000 FIT/Mbit` to stress a fleet with that figure.
//   altitude scale 1,197 m: JEDEC JESD89A (2006) and Ziegler, "Terrestrial cosmic ray
//     intensities", IBM J. Res. Dev. 40(1), 1996, give a neutron flux about 3.5x sea level
//     at 1,500 m (Denver); exp(1500 / L) = 3.5 gives L = 1,197 m. An exponential fit of
//     our own: it tracks the atmosphere's attenuation length only roughly above ~3 km.
//   multiBit 2%, widths 70/20/10% for 2/3/4 bits: our own engineering choice (published
//     multi-cell-upset shares vary widely with process node and vendor; SC'12's transient
//     single-word share on Jaguar, 1.4 of 19.2 FIT, is ~7%). Set it from your own data.
//   bursts (duration 10m, width 90deg, edge 15deg, x 40, direction east): invented to
//     exercise correlated, directional faults; no field source. Real solar particle
//     events barely reach the ground; this is a what-if knob.
//
// Scale. The intensity is piecewise constant in time (it changes only at burst starts
// and ends), so the injector draws the next upset from the total intensity, then a
// component (the base rate or one burst's excess) by weight, a facing group of racks by
// an alias table, a rack in the group by an alias table (rack weights carry hosts, DRAM
// and altitude), a host uniformly in the rack (a rack's hosts are alike) and a word
// uniformly: O(1) per upset, no per-host loop. A burst costs O(facing groups) to set up
// (racks of one datacenter row share a facing). If the expected number of upsets over
// the run exceeds `aggregateAbove` (20 million), single-bit upsets are aggregated: per
// window of 1 h (cut at burst starts and ends), a Poisson count per rack, recorded with
// trace.countOnly plus one `cosmic.upsets` event per rack-window with a nonzero count
// (journal: false, for listeners) and one summary record per window. Multi-bit upsets
// stay individual. `cosmic.upsets` counts in the trace equal the number of upsets (the
// listener event counts as one of them).
//
// Excluded bursts (a counterfactual run, ./exclude.ts). The burst still changes the
// regime and every draw is made as before; an upset drawn from its excess is then dropped
// (thinning), and an aggregated count loses a binomial share, excess / multiplier, drawn on
// a stream of its own (`<stream>.excluded`), so every other upset keeps its time and place.
//
// Host loss (hostLossRatePerSec, for a training job's M). An upset takes its host down
// only if the detection layer finds it uncorrectable (a machine check, consequences.ts):
// the code decides (SECDED detects every 2-bit pattern, 56% of the adjacent 3-bit ones,
// miscorrecting the rest silently, and 93% of the 4-bit ones; chipkill corrects a pattern
// inside one x4 device and detects one across two), and a lane may swap every host's code.
// The codes sit above this layer (src/checksums), so rather than re-derive them here the
// rate takes the detection layer's odds for a bit pattern (injector.ts MemoryOdds, from the
// real codes in src/run/lane.ts) and is 0 without them, like a run without detection. It is
// the racks' upset rate over the range, raised by the random bursts' long-run mean, times
// the share of upsets that are machine checks (formula: ./cosmic-rates.ts): 1.8% at the
// defaults under SECDED.
//
// Leaves out: upsets in SRAM, caches and logic; the real device/pin layout of adjacent
// cells (adjacency is adjacency in the codeword); multi-word upsets; latitude and solar
// cycle (only altitude scales the flux); shielding by the building; upsets of words that
// are never read (the detection layer decides what a reader sees). In the host-loss rate:
// scheduled bursts (not a rate), the clustering of a burst's machine checks, upsets on a
// word with a latent error (rare) or on a host that is down, and under parity the
// aggregated single-bit upsets of a host and window being one machine check, not several.
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { maybe, number, opt } from "../base/schema.js";
import type { Rng } from "../sim/rng.js";
import { type BurstComponent, CosmicRates, type CosmicSettings, machineCheckRatePerSec, multiBitWidth } from "./cosmic-rates.js";
import { AGGREGATE_WINDOW_SEC, schema } from "./cosmic-settings.js";
import type { FaultEnv, FaultModel, Injector, MemoryOdds } from "./injector.js";
import { defineKind } from "./kind.js";
import { AliasTable, WORD_DATA_BITS, WORD_TOTAL_BITS, adjacentBits, dimmGeometry, dimmOfWord } from "./memory.js";

/** Transient bit flips in one DRAM word (one bit, or adjacent bits of a multi-bit upset). */
export const UPSET = defineKind("cosmic.upset", {
  code: 0,
  summary: "transient bit flips in one DRAM word (single or multi-bit)",
  effect: { class: "errors", on: "memory-word" },
  fields: { word: "host word address", bits: "flipped positions of the 72-bit word", dimm: "DIMM index in the host", origin: "incident for a scheduled upset" },
});
/** Single-bit upsets counted, not listed: a count on a rack over a window. */
export const UPSETS = defineKind("cosmic.upsets", {
  code: 1,
  summary: "single-bit upsets aggregated: a count on a rack over a window",
  effect: { class: "errors", on: "memory-count" },
  fields: { count: "upsets", window: "[start, end] simulated seconds", racks: "racks hit (summary records)", bits: "bits per upset (1)" },
});
/** A directional burst began. */
export const BURST = defineKind("cosmic.burst", {
  code: 2,
  summary: "a directional burst began: the racks facing it see a raised upset rate",
  effect: { class: "none", because: "a marker: what a burst does arrives as the cosmic.upset and cosmic.upsets records of the racks it lights" },
  correlated: true,
  fields: {
    direction: "azimuth the burst comes from, degrees",
    width: "full angular width, degrees",
    edge: "raised-cosine edge, degrees",
    gain: "rate multiplier at the centre",
    duration: "seconds",
    racks: "racks facing it",
    hosts: "hosts in those racks",
    origin: "random or scheduled",
  },
});

/** One burst in force: its excess per facing group and a table to draw a group from it. */
interface ActiveBurst {
  id: number;
  endSec: number;
  excess: Float64Array;
  /** Extra upsets per second over the fleet. */
  extraPerSec: number;
  table: AliasTable;
  /** Left out of this run (./exclude.ts): its share of the upsets is drawn, then dropped. */
  excluded: boolean;
}

class CosmicInjector implements Injector {
  readonly name = "cosmic";
  private env!: FaultEnv;
  private rates!: CosmicRates;
  private aggregated = false;
  private generation = 0;
  private upsetKind = 0;
  private burstStartKind = 0;
  private burstEndKind = 0;
  private windowKind = 0;
  private windowStart = 0;
  private burstIds = 0;
  private readonly active: ActiveBurst[] = [];
  /** Summed extraPerSec of the active bursts. */
  private extraPerSec = 0;
  /** The burst whose excess the last drawRack drew from (undefined: the base rate). */
  private drawnFrom: ActiveBurst | undefined;
  /** Draws the excluded bursts' share of aggregated counts; created when first needed. */
  private thinning: Rng | undefined;
  /** Burst components by direction, for bursts with a fixed direction (all alike). */
  private readonly byDirection = new Map<number, BurstComponent>();
  /** Words per host and DIMM geometry, by datacenter (hosts of a datacenter are alike). */
  private wordsOfDc: number[] = [];
  private dimmWordsOfDc: ReturnType<typeof dimmGeometry>[] = [];

  constructor(private readonly s: CosmicSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    const { sim, fleet, horizonSec } = env;
    this.rates = new CosmicRates(fleet, this.s);
    for (let d = 0; d < fleet.dcCount; d++) {
      const h = fleet.hostSpecOfDc(d);
      this.wordsOfDc.push(Math.floor((h.dimms * h.dimmBytes * 8) / WORD_DATA_BITS));
      this.dimmWordsOfDc.push(dimmGeometry(h.dimmBytes));
    }
    this.aggregated = this.rates.expectedUpsets(horizonSec) > this.s.aggregateAbove;
    this.upsetKind = sim.defineEvent("cosmic.upset", (_t, gen) => this.onUpset(gen));
    this.burstStartKind = sim.defineEvent("cosmic.burst", (random) => this.onBurstStart(random === 1));
    this.burstEndKind = sim.defineEvent("cosmic.burstEnd", (id) => this.onBurstEnd(id));
    const b = this.s.bursts;
    if (b) {
      for (const at of b.atSec) if (at <= horizonSec) sim.scheduleAt(at, this.burstStartKind, 0, 0);
      if (b.everySecMean !== undefined) this.scheduleRandomBurst();
    }
    if (this.aggregated) {
      this.windowKind = sim.defineEvent("cosmic.window", () => this.onWindow());
      this.scheduleWindow();
    }
    this.scheduleUpset();
  }

  expected(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    const rates = new CosmicRates(fleet, this.s);
    const all = rates.expectedUpsets(horizonSec);
    const aggregated = all > this.s.aggregateAbove;
    const mb = this.s.multiBitFraction;
    return {
      "cosmic.upset": aggregated ? all * mb : all,
      "cosmic.upsets": aggregated ? all * (1 - mb) : 0,
      "cosmic.burst": rates.expectedBursts(horizonSec),
    };
  }

  variance(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    const rates = new CosmicRates(fleet, this.s);
    const aggregated = rates.expectedUpsets(horizonSec) > this.s.aggregateAbove;
    return { "cosmic.upset": rates.upsetVariance(horizonSec, aggregated ? this.s.multiBitFraction : 1) };
  }

  /**
   * Machine checks per second on `hosts` (Injector.hostLossRatePerSec): each rack's upset
   * rate x its share of the range x (1 + the random bursts' long-run mean excess), times
   * the chance that an upset is a machine check under the rack's code. 0 without `memory`.
   */
  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }, memory?: MemoryOdds): number {
    return machineCheckRatePerSec(fleet, this.s, hosts, memory);
  }

  /** True when single-bit upsets are counted per rack and window (see the header). */
  get isAggregated(): boolean {
    return this.aggregated;
  }

  // ---- upsets drawn one by one ------------------------------------------------------

  /** Rate of upsets drawn one by one, per second, in the current regime. */
  private individualPerSec(): number {
    const total = this.rates.basePerSec + this.extraPerSec;
    return this.aggregated ? total * this.s.multiBitFraction : total;
  }

  private scheduleUpset(): void {
    const { sim, rng, horizonSec } = this.env;
    const rate = this.individualPerSec();
    if (!(rate > 0)) return;
    const t = sim.now + rng.exp(1 / rate);
    if (t <= horizonSec) sim.scheduleAt(t, this.upsetKind, 0, this.generation);
  }

  private onUpset(gen: number): void {
    if (gen !== this.generation) return; // drawn under an earlier regime: superseded
    const { rng } = this.env;
    const rack = this.drawRack(rng);
    const dropped = this.drawnFrom?.excluded === true;
    const multi = this.aggregated || rng.next() < this.s.multiBitFraction;
    this.upset(rack, multi ? multiBitWidth(rng.next()) : 1, dropped);
    this.scheduleUpset();
  }

  /** A rack drawn in proportion to its rate in the current regime (and in drawnFrom, whose excess it came from). */
  private drawRack(rng: Rng): number {
    const r = this.rates;
    let table = r.groupTable;
    let from: ActiveBurst | undefined;
    if (this.active.length > 0) {
      let u = rng.next() * (r.basePerSec + this.extraPerSec);
      if (u >= r.basePerSec) {
        u -= r.basePerSec;
        for (const b of this.active) {
          table = b.table;
          from = b;
          if (u < b.extraPerSec) break;
          u -= b.extraPerSec;
        }
      }
    }
    this.drawnFrom = from;
    const g = table.sample(rng);
    return r.groupRacks[g][r.groupRackTable[g].sample(rng)];
  }

  /** One upset of `width` adjacent bits on a uniform host of `rack` and a uniform word; `dropped`: drawn, not emitted. */
  private upset(rack: number, width: number, dropped: boolean): void {
    const { fleet, rng, trace } = this.env;
    const { start, end } = fleet.hostsOfRack(rack);
    const host = start + rng.int(end - start);
    const dc = fleet.dcOfHost(host);
    const word = rng.int(this.wordsOfDc[dc]);
    const first = rng.int(WORD_TOTAL_BITS - width + 1);
    if (dropped) return;
    trace.emit(
      UPSET,
      { kind: "host", index: host },
      {
        detail: { word, bits: adjacentBits(first, width), dimm: dimmOfWord(this.dimmWordsOfDc[dc], word) },
      },
    );
  }

  // ---- bursts ---------------------------------------------------------------------

  private scheduleRandomBurst(): void {
    const { sim, rng, horizonSec } = this.env;
    const t = sim.now + rng.exp(this.s.bursts!.everySecMean!);
    if (t <= horizonSec) sim.scheduleAt(t, this.burstStartKind, 1, 0);
  }

  private component(directionDeg: number): BurstComponent {
    let c = this.byDirection.get(directionDeg);
    if (!c) {
      c = this.rates.burstComponent(directionDeg, this.s.bursts!);
      // Random directions are (almost) never repeated: cache only the fixed one.
      if (this.s.bursts!.directionDeg !== "random") this.byDirection.set(directionDeg, c);
    }
    return c;
  }

  private onBurstStart(random: boolean): void {
    const { sim, rng, trace } = this.env;
    const b = this.s.bursts!;
    if (random) this.scheduleRandomBurst();
    const dir = b.directionDeg === "random" ? rng.next() * 360 : b.directionDeg;
    const c = this.component(dir);
    const id = ++this.burstIds;
    const endSec = sim.now + b.durationSec;
    this.beforeRegimeChange();
    const excluded = trace.excluded(BURST, undefined, sim.now);
    this.active.push({ id, endSec, excess: c.excess, extraPerSec: c.extraPerSec, table: c.table, excluded });
    this.afterRegimeChange();
    if (endSec <= this.env.horizonSec) sim.scheduleAt(endSec, this.burstEndKind, id, 0);
    trace.emit(BURST, undefined, {
      untilSec: endSec,
      detail: {
        direction: Math.round(dir * 100) / 100,
        width: b.widthDeg,
        edge: b.edgeDeg,
        gain: b.gain,
        duration: b.durationSec,
        racks: c.racks,
        hosts: c.hosts,
        origin: random ? "random" : "scheduled",
      },
    });
  }

  private onBurstEnd(id: number): void {
    const i = this.active.findIndex((b) => b.id === id);
    if (i < 0) return;
    this.beforeRegimeChange();
    this.active.splice(i, 1);
    this.afterRegimeChange();
  }

  private beforeRegimeChange(): void {
    if (this.aggregated) this.flushWindow();
  }

  /** The intensity changed: redraw the next upset (memoryless) under the new regime. */
  private afterRegimeChange(): void {
    this.extraPerSec = 0;
    for (const b of this.active) this.extraPerSec += b.extraPerSec;
    this.generation++;
    this.scheduleUpset();
  }

  // ---- aggregated single-bit upsets ---------------------------------------------------

  private scheduleWindow(): void {
    const { sim, horizonSec } = this.env;
    if (sim.now >= horizonSec) return;
    sim.scheduleAt(Math.min(horizonSec, sim.now + AGGREGATE_WINDOW_SEC), this.windowKind, 0, 0);
  }

  private onWindow(): void {
    this.flushWindow();
    this.scheduleWindow();
  }

  /** Counts the single-bit upsets of [windowStart, now) per rack under the current regime. */
  private flushWindow(): void {
    const { sim, rng, trace, fleet } = this.env;
    const t0 = this.windowStart;
    const t1 = sim.now;
    if (!(t1 > t0)) return;
    this.windowStart = t1;
    const r = this.rates;
    const groups = r.groupFacing.length;
    const mult = new Float64Array(groups).fill(1);
    let dropped: Float64Array | undefined; // the excluded bursts' excess, by group
    for (const b of this.active) {
      for (let g = 0; g < groups; g++) mult[g] += b.excess[g];
      if (b.excluded) for (let g = 0; g < groups; g++) (dropped ??= new Float64Array(groups))[g] += b.excess[g];
    }
    const scale = (1 - this.s.multiBitFraction) * (t1 - t0);
    const window = [t0, t1];
    let total = 0;
    let racksHit = 0;
    for (let rack = 0; rack < fleet.rackCount; rack++) {
      const g = r.rackGroup[rack];
      let n = rng.poisson(r.rackPerSec[rack] * mult[g] * scale);
      if (n > 0 && dropped !== undefined && dropped[g] > 0) {
        this.thinning ??= sim.streams.get(`${rng.name}.excluded`);
        n -= this.thinning.binomial(n, Math.min(1, dropped[g] / mult[g]));
      }
      if (n === 0) continue;
      total += n;
      racksHit++;
      const ref: FleetRef = { kind: "rack", index: rack };
      // emit counts one event; countOnly adds the rest, so the kind's count is n.
      trace.countOnly(UPSETS, ref, n - 1);
      trace.emit(UPSETS, ref, { detail: { count: n, window }, journal: false });
    }
    trace.summarize(UPSETS, { count: total, racks: racksHit, window, bits: 1 });
  }
}

export const cosmicModel: FaultModel<CosmicSettings> = {
  kind: "cosmic",
  summary: "transient DRAM bit flips from cosmic rays, scaled by altitude, with directional bursts",
  kinds: [UPSET, UPSETS, BURST],
  schema,
  create: (s) => new CosmicInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => UPSET,
    params: {
      bits: opt(number({ min: 1, max: 4, integer: true }), 1, "adjacent bits flipped in one word (1)"),
      word: maybe(number({ min: 0, integer: true }), "the word hit, by its address in the host (random if absent)"),
      bit: maybe(number({ min: 0, max: WORD_TOTAL_BITS - 1, integer: true }), "the first flipped position of the 72-bit codeword (random if absent)"),
    },
    fire(env, ref, params) {
      const { fleet, rng, trace } = env;
      const h = fleet.hostSpec(ref.index);
      const words = Math.floor((h.dimms * h.dimmBytes * 8) / WORD_DATA_BITS);
      const width = params.bits as number;
      const word = (params.word as number | undefined) ?? rng.int(words);
      const first = (params.bit as number | undefined) ?? rng.int(WORD_TOTAL_BITS - width + 1);
      if (word >= words || first + width > WORD_TOTAL_BITS)
        throw new RangeError(
          `cosmic upset on ${fleet.idOf(ref)}: word ${word}, bits ${first}+${width}: the host has ${words} words of ${WORD_TOTAL_BITS} bits`,
        );
      trace.emit(UPSET, ref, {
        detail: { word, bits: adjacentBits(first, width), dimm: dimmOfWord(dimmGeometry(h.dimmBytes), word), origin: "incident" },
      });
    },
    // A burst's start is a marker: "none". A large fleet's per-rack counts: undefined.
    asScheduled: (e, ctx) => {
      if (e.kind === BURST) return "none";
      const bits = e.detail.bits;
      if (e.kind !== UPSET || !e.ref || !Array.isArray(bits) || bits.length === 0 || bits.length > 4) return undefined;
      const first = bits[0] as number;
      return !bits.every((b, i) => b === first + i)
        ? undefined
        : { target: ctx.fleet.idOf(e.ref), params: { bits: bits.length, word: e.detail.word, bit: first } };
    },
  },
};
