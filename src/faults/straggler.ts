// Stragglers: hosts that stay up but run slow, in two kinds.
//
// Transient episodes (a co-located batch job, a background daemon, a garbage-collection
// storm): episodes start as one Poisson process over the whole fleet, each on a host
// drawn uniformly, and last an exponential time of mean `duration`. The arrival rate is
// sized by Little's law so that on average a fraction `hosts` of the fleet is in an
// episode: rate = hosts x fleet size / duration. The run starts in that steady state:
// at t = 0 a Poisson(hosts x fleet size) number of episodes is already under way, with
// (memoryless) exponential remaining durations. An episode's factor is 1 + a log-normal
// whose median is `slowdown` - 1 and whose log-standard-deviation is `spread`, so every
// episode is slower than normal, half are slower than `slowdown`, and a few are far slower.
// Persistent slowdowns (thermal or power throttling, a failing fan, a degraded part): at
// start a Binomial(fleet size, `throttled`) number of distinct hosts, sampled without
// touching the others, run `throttle` times slower for the whole run.
// Both go through `trace.slow`, which keeps overlapping episodes straight: a host runs at
// the largest factor in force, and a throttled host stays throttled when an episode ends.
//
// Scale. Per episode the work is O(1) (a victim, a factor, a duration, an end event);
// there is no per-host loop. But the defaults make many episodes on a large fleet (1% of
// 1M hosts in 20-minute episodes is 8.3 episodes per second, 21.6M in 30 days), so when
// the expected number over the run exceeds `aggregateAbove` (1M), two things change.
// Episodes are not journaled one by one: one `straggler` summary record per hour
// (episodes started, watched hosts slow at the end of the hour) goes to the journal and
// the digest instead. And episodes are simulated one by one only on the hosts a workload
// runs on (`env.watched`, fixed by the scenario, the same for every policy): the episodes
// of the other hosts split off as an independent Poisson process (thinning) whose count
// per hour is drawn at once and added to the counters, since nothing reads those hosts'
// speed. The counts stay exact in distribution; a million-host fleet with no workload
// costs 720 draws a month instead of 21.6M episodes. Throttled hosts and incidents are
// always simulated and journaled.
//
// Sources. Dean & Barroso, "The Tail at Scale", CACM 56(2), 2013, list the sources of
// per-machine variability this models: shared resources and co-located jobs, background
// daemons, maintenance activities and garbage collection, and power/thermal throttling
// of CPUs. Gunawi et al., "Fail-Slow at Scale: Evidence of Hardware Performance Faults in
// Large Production Systems", FAST 2018 (101 reports from 12 institutions), show that
// slowdowns come both as transient and as permanent ("fail-slow") faults, with causes
// that include temperature and power, and that one slow part can slow a whole cluster.
// Neither paper gives a fleet-wide fraction or factor to plug in, so the model is off by
// default: `hosts` and `throttled` are 0 until a scenario sets them from its own fleet's
// telemetry. The shape defaults (a 5x median episode of mean 20 minutes, spread 0.5; a
// 1.5x throttle) are our own illustrative choices, used only once a fraction is set. A
// synchronous training job waits for its slowest participant, so even 0.1% of hosts
// throttled for good slows every large job for the whole run: set it knowingly.
//
// Left out: slowdowns that depend on load or time of day, correlated slowdowns (a whole
// rack behind one slow switch: see rack.wonky), partial slowdowns (one disk of a host),
// throttling that comes and goes, and hosts that recover from throttling.
import type { Fleet } from "../fleet/fleet.js";
import type { Rng } from "../sim/rng.js";
import { duration, factor, fraction, map, number, object, opt } from "../base/schema.js";
import { HostFlag } from "../fleet/state.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";

const STRAGGLER_FLAG = HostFlag.STRAGGLER;

export interface StragglerSettings {
  /** Fraction of hosts in a transient episode at any time, on average. */
  hostsFraction: number;
  /** Median slowdown factor of an episode (>= 1). */
  slowdownMedian: number;
  /** Log-standard-deviation of (factor - 1); 0 makes every episode exactly `slowdownMedian`. */
  slowdownSpread: number;
  /** Mean episode length in seconds (exponentially distributed). */
  durationSecMean: number;
  /** Fraction of hosts throttled for the whole run. */
  throttledFraction: number;
  /** Slowdown factor of a throttled host (>= 1). */
  throttleFactor: number;
  /** Above this many expected episodes per run, episodes are summarized per hour in the journal. */
  aggregateAbove: number;
}

/** The window of a summary record when episodes are aggregated. */
export const SUMMARY_WINDOW_SEC = 3600;

const schema = map(
  object({
    hosts: opt(fraction(), 0, "fraction of hosts slow at any time from transient episodes (0: off; no field figure, set it from your fleet)"),
    slowdown: opt(factor({ min: 1 }), 5, "median slowdown of an episode (5x, illustrative)"),
    spread: opt(number({ min: 0, max: 5 }), 0.5, "log-standard-deviation of the slowdown above 1 (0.5; 0: every episode the same)"),
    duration: opt(duration({ positive: true }), 20 * 60, "mean length of an episode, exponential (20m, illustrative)"),
    throttled: opt(fraction(), 0, "fraction of hosts throttled for the whole run (0: off; no field figure, set it from your fleet)"),
    throttle: opt(factor({ min: 1 }), 1.5, "slowdown of a throttled host (1.5x, illustrative)"),
    aggregateAbove: opt(number({ min: 0 }), 1e6, "above this many expected episodes per run, journal hourly summaries instead of each episode (1,000,000)"),
  }),
  (s): StragglerSettings => ({
    hostsFraction: s.hosts,
    slowdownMedian: s.slowdown,
    slowdownSpread: s.spread,
    durationSecMean: s.duration,
    throttledFraction: s.throttled,
    throttleFactor: s.throttle,
    aggregateAbove: s.aggregateAbove,
  }),
);

/** An episode's factor: 1 + log-normal with median (median - 1). */
export function episodeFactor(rng: Rng, median: number, spread: number): number {
  if (median <= 1) return 1;
  return spread > 0 ? 1 + (median - 1) * rng.lognormal(0, spread) : median;
}

/**
 * Fills a sorted Int32Array with k distinct values of [0, n), uniformly, touching only
 * k of them (Floyd's algorithm: k draws and a set of k).
 */
export function sampleDistinct(rng: Rng, n: number, k: number): Int32Array {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}

class StragglerInjector implements Injector {
  readonly name = "straggler";
  private env!: FaultEnv;
  private episodeKind = 0;
  private ratePerSec = 0;
  /** Episodes are summarized per window rather than journaled one by one. */
  private aggregate = false;
  private episodesInWindow = 0;
  /** Hosts whose episodes are simulated one by one (all of them unless aggregated). */
  private ranges: { start: number; end: number }[] = [];
  private simulatedHosts = 0;
  /** Episode rate of the other hosts, counted per window (aggregated mode only). */
  private countedRatePerSec = 0;

  constructor(private readonly s: StragglerSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    const { fleet, rng, trace } = env;
    const n = fleet.hostCount;
    const s = this.s;
    // Throttled hosts first, so that episodes on them end back at the throttle factor.
    const throttled = sampleDistinct(rng, n, rng.binomial(n, s.throttledFraction));
    for (let i = 0; i < throttled.length; i++) trace.slow(STRAGGLER, throttled[i], s.throttleFactor, Infinity, { cause: "throttle" });

    if (!(s.hostsFraction > 0)) return;
    this.aggregate = this.expectedEpisodes(n, env.horizonSec) > s.aggregateAbove;
    this.ranges = this.aggregate ? mergeRanges(env.watched ?? [], n) : [{ start: 0, end: n }];
    this.simulatedHosts = this.ranges.reduce((a, r) => a + r.end - r.start, 0);
    this.ratePerSec = (s.hostsFraction * this.simulatedHosts) / s.durationSecMean;
    this.countedRatePerSec = (s.hostsFraction * (n - this.simulatedHosts)) / s.durationSecMean;
    if (this.aggregate) {
      const summary = env.sim.defineEvent("straggler.summary", () => this.summary());
      for (let t = SUMMARY_WINDOW_SEC; t <= env.horizonSec; t += SUMMARY_WINDOW_SEC) env.sim.scheduleAt(t, summary, 0, 0);
      // episodes under way at the start on the counted hosts
      const counted = rng.poisson(s.hostsFraction * (n - this.simulatedHosts));
      trace.countOnly(STRAGGLER, undefined, counted);
      this.episodesInWindow += counted;
    }
    if (!(this.ratePerSec > 0)) return;
    const already = rng.poisson(s.hostsFraction * this.simulatedHosts);
    for (let i = 0; i < already; i++) this.episode();
    this.episodeKind = env.sim.defineEvent("straggler.episode", () => this.arrival());
    this.scheduleNext();
  }

  private expectedEpisodes(hosts: number, horizonSec: number): number {
    const s = this.s;
    return s.hostsFraction > 0 ? s.hostsFraction * hosts * (1 + horizonSec / s.durationSecMean) : 0;
  }

  /**
   * One record per window: episodes started in it (simulated and counted) and the
   * simulated hosts slow at its end. The counted hosts' episodes of the window are drawn here.
   */
  private summary(): void {
    const { fleet, trace, rng } = this.env;
    const counted = this.countedRatePerSec > 0 ? rng.poisson(this.countedRatePerSec * SUMMARY_WINDOW_SEC) : 0;
    trace.countOnly(STRAGGLER, undefined, counted);
    this.episodesInWindow += counted;
    let slow = 0;
    const flags = fleet.flags;
    for (const r of this.ranges) for (let h = r.start; h < r.end; h++) if (flags[h] & STRAGGLER_FLAG) slow++;
    trace.summarize(STRAGGLER, { windowSec: SUMMARY_WINDOW_SEC, episodes: this.episodesInWindow, slowWatchedHosts: slow, watchedHosts: this.simulatedHosts });
    this.episodesInWindow = 0;
  }

  expected(fleet: Fleet, horizonSec: number): { straggler: number } {
    const n = fleet.hostCount;
    return { straggler: this.expectedEpisodes(n, horizonSec) + this.s.throttledFraction * n };
  }

  private arrival(): void {
    this.episode();
    this.scheduleNext();
  }

  private episode(): void {
    const { fleet, rng, sim, trace } = this.env;
    const s = this.s;
    const host =
      this.ranges.length === 1 && this.ranges[0].start === 0 && this.ranges[0].end === fleet.hostCount
        ? rng.int(fleet.hostCount)
        : this.pickSimulated(rng.int(this.simulatedHosts));
    const f = episodeFactor(rng, s.slowdownMedian, s.slowdownSpread);
    trace.slow(STRAGGLER, host, f, sim.now + rng.exp(s.durationSecMean), { cause: "episode" }, !this.aggregate);
    this.episodesInWindow++;
  }

  /** The i-th simulated host, counting through the ranges. */
  private pickSimulated(i: number): number {
    for (const r of this.ranges) {
      const len = r.end - r.start;
      if (i < len) return r.start + i;
      i -= len;
    }
    throw new RangeError("straggler: host index out of the simulated ranges");
  }

  private scheduleNext(): void {
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(1 / this.ratePerSec);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, this.episodeKind, 0, 0);
  }
}

/** Sorted, disjoint, clipped to [0, n). */
function mergeRanges(ranges: readonly { start: number; end: number }[], n: number): { start: number; end: number }[] {
  const sorted = ranges
    .map((r) => ({ start: Math.max(0, r.start), end: Math.min(n, r.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** A host runs slow: a transient episode, or for good (throttling). */
export const STRAGGLER = defineKind("straggler", {
  code: 17,
  summary: "a host runs slow for a while (an episode) or for good (throttling)",
  effect: { class: "slow", on: "host" },
  episode: "duration",
  fields: {
    factor: "how many times slower",
    cause: "episode, throttle or incident",
    windowSec: "summary records: the window",
    episodes: "summary records: episodes in the window",
    slowWatchedHosts: "summary records: slow hosts among those workloads run on",
    watchedHosts: "summary records: hosts workloads run on",
  },
});

export const stragglerModel: FaultModel<StragglerSettings> = {
  kind: "straggler",
  kinds: [STRAGGLER],
  summary: "hosts that run slow: transient episodes (co-located jobs) and persistent throttling",
  schema,
  create: (s) => new StragglerInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => STRAGGLER,
    params: {
      slowdown: opt(factor({ min: 1 }), 5, "how many times slower the host runs (5x)"),
      duration: opt(duration({ positive: true }), 20 * 60, "how long the episode lasts (20m)"),
    },
    fire(env, ref, params) {
      env.trace.slow(STRAGGLER, ref.index, params.slowdown as number, env.sim.now + (params.duration as number), { cause: "incident" });
    },
    // A summary record (episodes counted over a window) is not one fault: undefined.
    asScheduled: (e, ctx) =>
      e.ref && typeof e.detail.factor === "number"
        ? { target: ctx.fleet.idOf(e.ref), params: { slowdown: e.detail.factor, duration: episodeSec(e, ctx) } }
        : undefined,
  },
};
