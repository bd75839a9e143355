// A co-located batch job: a web crawler (or an indexer, a MapReduce) that runs on some of
// the same machines as the workloads and takes a share of their CPUs that follows the
// day. A named straggler cause: the hosts it shares run 1 / (1 - share) times slower for a
// CPU-bound request or step while it runs hot.
//
// Model. At start a fraction `hosts` of the hosts firstHost..firstHost+count-1 (the whole
// fleet by default) is drawn, each host independently, from this model's own stream: the
// batch job's machines (put it on a service's hosts to see what a crawler next to search
// leaves does to its tail). Every `step` its CPU share on them is
// re-evaluated on a daily cycle,
//   share(t) = trough + (peak - trough) x (1 + cos(2 pi (t - peakAt) / 1 day)) / 2,
// at the middle of the step, and each of its hosts is slowed by 1 / (1 - share) until the
// next step, through `trace.slow` (so a host that is also a straggler runs at the larger
// factor). All its hosts move together: the batch job is one job, scheduled by the day.
//
// Sources. Dean & Barroso, "The Tail at Scale", CACM 56(2), 2013, name shared resources
// and co-located applications (contending for CPU cores, caches, memory and network
// bandwidth) and background batch work among the causes of latency variability, and
// describe the diurnal load of services. They give no fraction, share or schedule to plug
// in, so the model is off by default (`hosts: 0`, like the straggler model); its shape
// defaults (a CPU share from 10% at night to 40% at the 14:00 peak, re-read hourly) are
// our own illustrative choices. Set them from your cluster scheduler's data.
//
// Left out: contention other than CPU (caches, memory bandwidth, disks, network), a batch
// job that yields to latency-sensitive work (priority, CPU shares), days that differ
// (weekends), and hosts that join or leave the batch job during the run.
import type { Fleet } from "../fleet/fleet.js";
import { duration, fraction, map, maybe, number, object, opt, refine } from "../base/schema.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";

const HOUR = 3600;
const DAY = 86400;

export interface ColocatedSettings {
  /** Fraction of the range's hosts the batch job runs on. */
  hostsFraction: number;
  /** The range its machines are drawn from: firstHost and how many (Infinity: to the end of the fleet). */
  firstHost: number;
  count: number;
  /** Its CPU share at the daily peak and at the trough (0..1). */
  peakShare: number;
  troughShare: number;
  /** Time of day of the peak, seconds after midnight of day 0. */
  peakAtSec: number;
  /** Seconds between re-evaluations of the share. */
  stepSec: number;
}

const schema = refine(
  map(
    object({
      hosts: opt(fraction(), 0, "fraction of the range's hosts the batch job runs on (0: off; no field figure, set it from your scheduler, e.g. 5%)"),
      firstHost: opt(number({ min: 0, integer: true }), 0, "first host of the range its machines are drawn from (0)"),
      count: maybe(number({ min: 1, integer: true }), "hosts in that range (all from firstHost on)"),
      peak: opt(fraction(), 0.4, "its CPU share at the daily peak (40%, illustrative)"),
      trough: opt(fraction(), 0.1, "its CPU share at the daily trough (10%, illustrative)"),
      peakAt: opt(duration({ min: 0, max: DAY }), 14 * HOUR, "time of day of the peak (14h, illustrative)"),
      step: opt(duration({ positive: true, max: DAY }), HOUR, "how often its share is re-read (1h)"),
    }),
    (s): ColocatedSettings => ({
      hostsFraction: s.hosts,
      firstHost: s.firstHost,
      count: s.count ?? Infinity,
      peakShare: s.peak,
      troughShare: s.trough,
      peakAtSec: s.peakAt,
      stepSec: s.step,
    }),
  ),
  (s, path, ctx, node) => {
    if (s.peakShare >= 1) {
      ctx.report(
        "invalid_value",
        [...path, "peak"],
        node,
        "expected a peak share below 100%: a batch job that takes the whole CPU stops the host",
        "use e.g. 90%",
      );
      return false;
    }
    if (s.troughShare > s.peakShare) {
      ctx.report("invalid_value", [...path, "trough"], node, `expected a trough share at most the peak (${s.peakShare * 100}%)`);
      return false;
    }
    return true;
  },
);

/** The batch job's CPU share at `tSec`. */
export function colocatedShare(s: ColocatedSettings, tSec: number): number {
  const phase = (2 * Math.PI * (tSec - s.peakAtSec)) / DAY;
  return s.troughShare + ((s.peakShare - s.troughShare) * (1 + Math.cos(phase))) / 2;
}

class ColocatedInjector implements Injector {
  readonly name = "colocated";
  private env!: FaultEnv;
  private kind = 0;
  /** The batch job's hosts. */
  hosts: Int32Array = new Int32Array(0);

  constructor(private readonly s: ColocatedSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    const picked: number[] = [];
    const end = Math.min(env.fleet.hostCount, this.s.firstHost + this.s.count);
    for (let h = this.s.firstHost; h < end; h++) if (env.rng.next() < this.s.hostsFraction) picked.push(h);
    this.hosts = Int32Array.from(picked);
    if (this.hosts.length === 0 || this.s.peakShare === 0) return;
    this.kind = env.sim.defineEvent("colocated.load", () => this.step());
    env.sim.scheduleAt(env.sim.now, this.kind, 0, 0);
  }

  expected(fleet: Fleet, horizonSec: number): { "colocated.load": number } {
    const hosts = Math.max(0, Math.min(fleet.hostCount, this.s.firstHost + this.s.count) - this.s.firstHost);
    return { "colocated.load": hosts * this.s.hostsFraction * Math.ceil(horizonSec / this.s.stepSec) };
  }

  /** The hosts are a binomial draw, each with one event per step: steps^2 x n p (1 - p). */
  variance(fleet: Fleet, horizonSec: number): { "colocated.load": number } {
    const hosts = Math.max(0, Math.min(fleet.hostCount, this.s.firstHost + this.s.count) - this.s.firstHost);
    const steps = Math.ceil(horizonSec / this.s.stepSec);
    const p = this.s.hostsFraction;
    return { "colocated.load": steps * steps * hosts * p * (1 - p) };
  }

  private step(): void {
    const { sim, trace, horizonSec } = this.env;
    const now = sim.now;
    const share = colocatedShare(this.s, now + this.s.stepSec / 2);
    const factor = 1 / (1 - share);
    const until = now + this.s.stepSec;
    const detail = { share: Math.round(share * 1000) / 1000 };
    for (const h of this.hosts) trace.slow(COLOCATED_LOAD, h, factor, until, detail);
    if (until < horizonSec) sim.scheduleAt(until, this.kind, 0, 0);
  }
}

/** The co-located batch job's share of a host's CPU for the next step: the host runs slower. */
export const COLOCATED_LOAD = defineKind("colocated.load", {
  code: 29,
  summary: "a co-located batch job takes a share of a host's CPU for a while: the host runs slower",
  effect: { class: "slow", on: "host" },
  fields: { factor: "how many times slower (1 / (1 - share))", share: "the batch job's CPU share" },
});

export const colocatedModel: FaultModel<ColocatedSettings> = {
  kind: "colocated",
  kinds: [COLOCATED_LOAD],
  summary: "a co-located batch job (a web crawler) taking a daily-varying share of some hosts' CPUs",
  schema,
  create: (s) => new ColocatedInjector(s),
  incident: {
    // `- at: 14h, colocated: dc1/row01/rack02/host03, share: 40%, duration: 1h`
    targets: ["host"],
    kindOf: () => COLOCATED_LOAD,
    params: {
      share: opt(
        refine(fraction(), (v, path, ctx, node) =>
          v < 1
            ? true
            : (ctx.report("invalid_value", path, node, "expected a share below 100%: a batch job that takes the whole CPU stops the host", "use e.g. 90%"),
              false),
        ),
        0.4,
        "the batch job's CPU share (40%; below 100%)",
      ),
      duration: opt(duration({ positive: true }), HOUR, "how long it holds that share (1h)"),
    },
    fire(env, ref, params) {
      const share = params.share as number;
      env.trace.slow(COLOCATED_LOAD, ref.index, 1 / (1 - share), env.sim.now + (params.duration as number), { share, cause: "incident" });
    },
    // The share from the factor the host really ran at (the record's share is rounded).
    asScheduled: (e, ctx) =>
      e.ref && typeof e.detail.factor === "number" && e.detail.factor >= 1
        ? { target: ctx.fleet.idOf(e.ref), params: { share: 1 - 1 / e.detail.factor, duration: episodeSec(e, ctx) } }
        : undefined,
  },
};
