// Mercurial cores: a few hosts carry a defective CPU core that, now and then, silently
// computes a wrong result. Nothing crashes and nothing is logged; only the data shows it.
//
// Model. At start a Binomial(fleet size, `hosts`) number of distinct hosts is picked
// (sampling touches only the chosen hosts); each gets HostFlag.MERCURIAL and one journaled
// `mercurial.core` record (the ground truth a detector is scored against). Each defective
// core then corrupts results as a Poisson process of `rate`, drawn from a stream of its
// own named after its host (`faults.mercurial.core<host>`): a core's corruptions are a
// function of the seed, its host and its start, so the same core written as a scheduled
// entry (`fleet shrink`) corrupts at the same times. A corruption sets bit `bit` of a float32 result (bit 30, the
// top exponent bit, turns a gradient-sized value x into about x * 2^128): the record
// carries the real value before and after, computed on a Float32Array. The clean value is
// a pure function of (host, that host's corruption count), a gradient-like number of
// magnitude 1e-5 to 1e-1 and either sign, so a replay or a checker can recompute it.
// A scheduled incident (`- at: 5h, mercurialCore: dc1/row01/rack02/host03`) makes one host
// mercurial from that time on, with its own bit and rate.
//
// Sources. Hochschild et al., "Cores that don't count", HotOS 2021 (Google): mercurial
// cores are seen "on the order of a few mercurial cores per several thousand machines",
// they corrupt computations silently, often deterministically for specific instructions
// and data, and their rate varies a great deal from core to core. Dixit et al., "Silent
// Data Corruptions at Scale", arXiv 2102.11245, 2021 (Meta): silent data corruptions from
// defective CPUs in production at a rate of hundreds of CPUs across hundreds of thousands
// of machines, including a bad core that computed a wrong power (math.pow) in a
// decompression library. Default `hosts: 0.05%` (one in 2,000 hosts) sits inside both.
// `rate: 1/h` and `bit: 30` are our own choices: the papers report neither a single rate
// (it spans orders of magnitude) nor a single bit; bit 30 makes the worst gradient spike.
//
// Left out: corruption that depends on temperature, frequency, voltage or age (the
// papers report all four), cores that become mercurial during the run (only through an
// incident), corruption patterns other than one stuck-at-1 bit, and which workload's
// result is hit (the detail gives the value; workloads decide what it was). The trace does
// not depend on policy: a retired host's core keeps "corrupting" in the trace, and the
// workloads ignore results from hosts that no longer compute.
import type { KeyedHash } from "../sim/hash.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { HostFlag } from "../fleet/state.js";
import type { Rng } from "../sim/rng.js";
import { fraction, map, number, object, opt, ratePerSec } from "../base/schema.js";
import type { FaultEnv, FaultModel, Injector } from "./injector.js";
import { defineKind } from "./kind.js";
import { sampleDistinct } from "./straggler.js";

export interface MercurialSettings {
  /** Fraction of hosts with a defective core. */
  hostsFraction: number;
  /** The bit of a float32 result a corruption sets (0..31; 30 = top exponent bit). */
  bit: number;
  /** Corruptions per second per defective host. */
  ratePerSec: number;
}

const DEFAULT_BIT = 30;
const DEFAULT_RATE_PER_SEC = 1 / 3600;

const bitField = () =>
  opt(number({ integer: true, min: 0, max: 31 }), DEFAULT_BIT, "bit of a float32 result set by a corruption, 0..31 (30: top exponent bit)");
const rateField = () => opt(ratePerSec(), DEFAULT_RATE_PER_SEC, "corruptions per defective host (1/h)");

const schema = map(
  object({
    hosts: opt(fraction(), 0.0005, "fraction of hosts with a defective core (0.05%)"),
    bit: bitField(),
    rate: rateField(),
  }),
  (s): MercurialSettings => ({ hostsFraction: s.hosts, bit: s.bit, ratePerSec: s.rate }),
);

// One float32 and its bits on the same buffer: setting a bit of `bits` changes `value`.
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** x (rounded to float32) with bit `bit` set, as float32 arithmetic would see it. */
export function setFloat32Bit(x: number, bit: number): number {
  scratch[0] = x;
  scratchBits[0] = (scratchBits[0] | (1 << bit)) >>> 0;
  return scratch[0];
}

/**
 * The clean result the `n`th corruption of `host` hits: gradient-like, |x| in
 * [1e-5, 1e-1), either sign, exactly a float32. A pure function of (seed, host, n): the
 * keyed hash `values` (src/sim/hash.ts, "faults.mercurial.value").
 */
export function cleanValue(values: KeyedHash, host: number, n: number): number {
  const a = values.u32(host, n);
  const b = values.u32(host, n, 1);
  const magnitude = 10 ** (-5 + (4 * a) / 2 ** 32);
  return Math.fround(b & 1 ? -magnitude : magnitude);
}

/** One defective core: its host, bit, rate, corruptions so far, and its own stream. */
interface Core {
  host: number;
  count: number;
  bit: number;
  ratePerSec: number;
  rng: Rng;
}

/** The defective cores started by one injector or one incident, and their event chain. */
class MercurialCores {
  private readonly cores: Core[] = [];
  private readonly kind: number;
  private readonly ref: FleetRef = { kind: "host", index: 0 };
  /** The clean results the cores corrupt (cleanValue). */
  private readonly values: KeyedHash;

  constructor(private readonly env: FaultEnv) {
    this.kind = env.sim.defineEvent("mercurial.corrupt", (g) => this.corrupt(g));
    this.values = env.sim.streams.hash("faults.mercurial.value");
  }

  /** Makes `hosts` mercurial now (ground-truth records) and starts their corruptions. */
  add(hosts: Int32Array, bit: number, ratePerSec: number): void {
    const { fleet, trace } = this.env;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      fleet.flags[h] |= HostFlag.MERCURIAL;
      trace.emit(MERCURIAL_CORE, { kind: "host", index: h }, { untilSec: Infinity, detail: { bit, ratePerHour: ratePerSec * 3600 } });
    }
    if (!(ratePerSec > 0)) return;
    for (const host of hosts) {
      this.cores.push({ host, count: 0, bit, ratePerSec, rng: this.env.sim.streams.get(`faults.mercurial.core${host}`) });
      this.scheduleNext(this.cores.length - 1);
    }
  }

  private corrupt(i: number): void {
    const core = this.cores[i];
    const n = ++core.count;
    const before = cleanValue(this.values, core.host, n);
    const after = setFloat32Bit(before, core.bit);
    this.ref.index = core.host;
    this.env.trace.emit(MERCURIAL_CORRUPT, this.ref, { detail: { bit: core.bit, before, after, n } });
    this.scheduleNext(i);
  }

  private scheduleNext(i: number): void {
    const { sim, horizonSec } = this.env;
    const core = this.cores[i];
    const dt = core.rng.exp(1 / core.ratePerSec);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, this.kind, i, 0);
  }
}

class MercurialInjector implements Injector {
  readonly name = "mercurialCore";
  /** Defective hosts picked at start (-1 before start). */
  private picked = -1;

  constructor(private readonly s: MercurialSettings) {}

  start(env: FaultEnv): void {
    const n = env.fleet.hostCount;
    const hosts = sampleDistinct(env.rng, n, env.rng.binomial(n, this.s.hostsFraction));
    this.picked = hosts.length;
    new MercurialCores(env).add(hosts, this.s.bit, this.s.ratePerSec);
  }

  /**
   * Cores: fleet size x `hosts`. Corruptions: once started, given the number of defective
   * hosts actually picked (a handful, so their count swings the corruptions far more than
   * Poisson noise does: given it, the corruption count is Poisson); before start, from
   * the expected number of defective hosts.
   */
  expected(fleet: Fleet, horizonSec: number): { "mercurial.core": number; "mercurial.corrupt": number } {
    const cores = fleet.hostCount * this.s.hostsFraction;
    const given = this.picked >= 0 ? this.picked : cores;
    return { "mercurial.core": cores, "mercurial.corrupt": given * this.s.ratePerSec * horizonSec };
  }
}

/** A host carries a defective core (ground truth: nothing signals it). */
export const MERCURIAL_CORE = defineKind("mercurial.core", {
  code: 18,
  summary: "a host carries a defective core that silently miscomputes some results",
  effect: { class: "corrupt", on: "core" },
  fields: { bit: "the float32 bit it sets", ratePerHour: "corruptions per hour" },
});
/** A defective core silently corrupted one result. */
export const MERCURIAL_CORRUPT = defineKind("mercurial.corrupt", {
  code: 19,
  summary: "a defective core silently corrupted one result",
  effect: { class: "corrupt", on: "result" },
  fields: { bit: "bit set", before: "the clean result", after: "the corrupted result", n: "corruption number on that host" },
});

export const mercurialModel: FaultModel<MercurialSettings> = {
  kind: "mercurialCore",
  kinds: [MERCURIAL_CORE, MERCURIAL_CORRUPT],
  summary: "a few hosts with a defective core that silently sets a bit in some results",
  schema,
  create: (s) => new MercurialInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => MERCURIAL_CORE,
    params: { bit: bitField(), rate: rateField() },
    fire(env, ref, params) {
      // Rare (one per scheduled incident), so each gets its own small event chain.
      new MercurialCores(env).add(Int32Array.of(ref.index), params.bit as number, params.rate as number);
    },
    // A corruption follows from its core: "none". The core's corruptions come from the
    // timeline's stream, at the same rate but other times.
    asScheduled: (e, ctx) => {
      if (e.kind === MERCURIAL_CORRUPT) return "none";
      if (!e.ref || typeof e.detail.ratePerHour !== "number") return undefined;
      return { target: ctx.fleet.idOf(e.ref), params: { bit: e.detail.bit, rate: e.detail.ratePerHour / 3600 } };
    },
  },
};
