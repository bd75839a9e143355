// A sharded, replicated service under a fan-out query load (a search service): the
// `serving:` workload. Each query asks every shard (or `fanout` of them); its latency is
// that of its slowest leaf; it must be answered correctly by its deadline. Replicas sit one
// per host on shards x replicas hosts from firstHost, placed by the policy's `placement`
// (./placement.ts), and suffer the fault trace: crashed or unpowered hosts (failover after
// the policy's health check), stragglers (slower service), silently corrupted words in a
// replica's shard (./corruption.ts: answers that read one are wrong) and defective cores
// (wrong answers), caught or not by an end-to-end CRC. Hedged and tied
// requests, retries within a budget, and balancing are the policy's (src/recovery/
// hedging.ts). The request-level model is in ./window.ts.
//
// Sampling. Simulating every query of a long run is out of reach (2,000 qps x 60 shards x
// 72 h is 3e10 leaf requests), and the fleet's state changes slowly next to a query (faults
// come minutes to hours apart; a query lasts milliseconds). So the run is split into
// `windows` equal strata of the horizon, and in each stratum one window start u is drawn
// uniformly (stratified sampling, from the workload's own stream: the same times in every
// lane). At u the main simulation holds the fleet state the fault trace has made; the
// window simulator then runs every query and leaf request at full rate for `warmup`
// (queues fill; not measured) plus `window` (measured) over that state, frozen. Why this
// is unbiased: let f(x) be the expected value of a per-query quantity (a failure, a wrong
// answer, latency above t) for queries served under fleet state x. Since u is uniform in
// its stratum, E[f(x(u))] is the time average of f over the stratum, and the mean over
// strata is the time average over the run: every time-averaged metric (availability, wrong
// answer rate, the fraction of queries slower than t, hence the latency distribution that
// percentiles are read from) is an unbiased estimate of the run's, and counts scaled by
// stratum / window (wrong answers, queries) are unbiased estimates of the run's totals.
// What it leaves out: state changes inside a window (a host that fails during one is seen
// only by later windows); the error that makes is of order (window length x fault rate).
// Percentiles are read from one HDR histogram (hdr-histogram-js, 3 significant digits) over
// every measured query of every window, so each stratum weighs the same; a query not
// answered by its deadline enters at the deadline. Failed queries and the tail's excess
// latency are also tallied by cause (host down, straggler, corrupted replica, defective
// core, packet loss, hedging load, other), with parts that add up to their totals: the rule
// is in ./causes.ts.
//
// Several serving workloads in one scenario: the first reports `serving.<metric>` (the
// names SLOs use); when there are several, each also reports `serving.<name>.<metric>`.
import { build, type Histogram } from "hdr-histogram-js";
import { HostFlag, HostState } from "../../fleet/state.js";
import type { FleetRef } from "../../fleet/ref.js";
import type { EffectKey } from "../../faults/kind.js";
import type { FaultEvent, FaultListener } from "../../faults/trace.js";
import type { Policy } from "../../recovery/policy.js";
import { metric } from "../../base/metric.js";
import type { Workload, WorkloadEnv } from "../workload.js";
import { serviceSampler } from "./latency.js";
import { placeReplicas } from "./placement.js";
import { ShardCorruption } from "./corruption.js";
import { servingHostRange, type ServingSpec } from "./schema.js";
import { CauseTally, SERVING_CAUSE_METRICS } from "./causes.js";
import { addStats, emptyStats, WindowSim, type ReplicaConditions, type WindowStats } from "./window.js";

/** The service's metrics, `serving.<suffix>` (and `serving.<name>.<suffix>` per service when there are several). */
export const SERVING_METRICS = [
  metric("serving.p50", "seconds", "median query latency (a query not answered by its deadline counts at the deadline)"),
  metric("serving.p99", "seconds", "99th percentile query latency"),
  metric("serving.p999", "seconds", "99.9th percentile query latency"),
  metric("serving.meanLatency", "seconds", "mean latency of the queries answered by their deadline"),
  metric("serving.availability", "fraction", "fraction of queries answered correctly within the deadline"),
  metric("serving.extraLoad", "fraction", "extra leaf requests (hedges, retries, tied twins) per base leaf request", "sum", { max: Infinity }),
  // Can pass 1 under overload: the measured queries' service runs on past the window.
  metric("serving.utilization", "fraction", "busy server time / server time of the replicas in rotation (wasted copies included)", "sum", {
    max: Infinity,
  }),
  metric("serving.extraServed", "fraction", "extra leaf requests served: backups, retries, tied twins that started service, per base leaf request", "sum", {
    max: Infinity,
  }),
  metric("serving.wastedWork", "fraction", "share of busy server time spent on copies whose answer went unused (losers, timed-out tries, CRC failures)"),
  metric("serving.wrongAnswers", "count", "estimated queries answered with a wrong result over the run"),
  metric("serving.wrongAnswerRate", "fraction", "fraction of queries answered with a wrong result"),
  metric(
    "serving.crcCaught",
    "count",
    "corrupted leaf answers the end-to-end CRC caught in the simulated windows, warm-up included (each quarantines its replica: a count, not scaled to the run)",
  ),
  metric("serving.queries", "count", "estimated queries over the run"),
  metric("serving.sampledQueries", "count", "queries simulated in the measured windows"),
  metric("serving.quarantined", "count", "replicas taken out of rotation after a failed end-to-end CRC"),
  metric("serving.powerDrains", "count", "replicas taken out of rotation on a power warning before their hosts lost power (onPowerWarning: migrate)"),
  ...SERVING_CAUSE_METRICS,
].map((m) => ({ ...m, instanced: true as const }));

/** The fault effects the service reacts to: hosts down (failover), slow hosts, defective cores, lossy racks, power warnings (src/faults/kind.ts). */
export const SERVING_CONSUMES: readonly EffectKey[] = ["down:hosts", "slow:host", "corrupt:core", "link:rack-loss", "warning:power"];

/** `p999` of `serving.p999`. */
const suffixOf = (name: string) => name.slice("serving.".length);

/** Whether a serving workload reports the unprefixed names and whether it also reports prefixed ones. */
export interface ServingRole {
  first: boolean;
  prefixed: boolean;
}

/** The role of serving workload `name` among a scenario's workloads. */
export function servingRole(workloads: readonly { kind: string; spec: unknown }[], name: string): ServingRole {
  const names = workloads.filter((w) => w.kind === "serving").map((w) => (w.spec as { name: string }).name);
  return { first: names[0] === name, prefixed: names.length > 1 };
}

export class ServingService implements Workload, FaultListener {
  readonly name: string;
  /** Host of each replica (index shard x replicas + r). */
  readonly replicaHost: Int32Array;
  /** Start times of the windows (seconds), one per stratum. */
  readonly windowStarts: Float64Array;
  private readonly range: { start: number; end: number };
  /** When each host of the range went down (NaN: up). */
  private readonly downSince: Float64Array;
  private readonly quarantined: Uint8Array;
  /** Replicas taken out of rotation on a power warning (onPowerWarning: migrate), until their host is back. */
  private readonly powerDrained: Uint8Array;
  private powerDrains = 0;
  /** Replica on each host of the range (-1: none). */
  private readonly replicaOf: Int32Array;
  /** Corrupted words in the replicas' shards (./corruption.ts). */
  private readonly corrupt: ShardCorruption;
  private readonly sim: WindowSim;
  private readonly cond: ReplicaConditions;
  private readonly hist: Histogram;
  private readonly totals: WindowStats = emptyStats();
  /** Failed queries and the tail's excess latency by cause (./causes.ts). */
  readonly causes: CauseTally;
  private windowsDone = 0;
  private quarantinedTotal = 0;
  private readonly stratumSec: number;
  private readonly role: ServingRole;

  constructor(
    private readonly env: WorkloadEnv,
    readonly spec: ServingSpec,
    private readonly policy: Policy,
    role: ServingRole = { first: true, prefixed: false },
  ) {
    this.name = spec.name;
    this.role = role;
    const fleet = env.fleet;
    this.range = servingHostRange(spec);
    const n = spec.shards * spec.replicas;
    this.replicaHost = placeReplicas(fleet, this.range, spec.shards, spec.replicas, policy.placement, env.sim.streams.get(`workloads.${spec.name}.placement`));
    this.downSince = new Float64Array(n).fill(NaN);
    for (let h = this.range.start; h < this.range.end; h++) if (fleet.state[h] === HostState.DOWN) this.downSince[h - this.range.start] = -Infinity;
    this.quarantined = new Uint8Array(n);
    this.powerDrained = new Uint8Array(n);
    this.replicaOf = new Int32Array(this.range.end - this.range.start).fill(-1);
    this.replicaHost.forEach((h, i) => {
      this.replicaOf[h - this.range.start] = i;
    });
    const memBytes = (i: number) => {
      const hs = fleet.hostSpec(this.replicaHost[i]);
      return hs.dimms * hs.dimmBytes * spec.memory.shardMemory;
    };
    const hash = (what: string) => env.sim.streams.hash(`workloads.${spec.name}.${what}`);
    this.corrupt = new ShardCorruption(n, spec.memory, memBytes, hash("corruptLands"), hash("reloadPhase"));
    this.cond = {
      up: new Uint8Array(n),
      inRotation: new Uint8Array(n),
      detectAtSec: new Float64Array(n),
      slowdown: new Float64Array(n),
      corruptP: new Float64Array(n),
      mercurialP: new Float64Array(n),
      lossP: new Float64Array(n),
      quarantined: new Uint8Array(n),
    };
    this.causes = new CauseTally(spec.deadlineSec);
    this.sim = new WindowSim({
      shards: spec.shards,
      replicas: spec.replicas,
      servers: spec.servers,
      fanout: spec.fanout,
      qps: spec.qps,
      deadlineSec: spec.deadlineSec,
      rttSec: spec.rttSec,
      service: serviceSampler(spec.serviceTime),
      policy,
    });
    this.hist = build({ numberOfSignificantValueDigits: 3 });
    // Stratified window starts from the workload's own stream: identical in every lane.
    const N = spec.sample.windows;
    const t0 = env.sim.now;
    this.stratumSec = (env.horizonSec - t0) / N;
    this.windowStarts = new Float64Array(N);
    const kind = env.sim.defineEvent(`serving.${spec.name}.window`, (k) => this.runWindow(k));
    for (let k = 0; k < N; k++) {
      this.windowStarts[k] = t0 + (k + env.rng.next()) * this.stratumSec;
      env.sim.scheduleAt(this.windowStarts[k], kind, k, 0);
    }
    env.trace.addListener(this);
  }

  // ---- the fault trace ----

  onFault(e: FaultEvent): void {
    if (!e.ref) return;
    if (e.kind.effect.class === "warning") {
      this.powerWarning(e);
      return;
    }
    this.forRangeHosts(e.ref, (h) => {
      const i = h - this.range.start;
      if (this.env.fleet.state[h] !== HostState.DOWN) return;
      if (Number.isNaN(this.downSince[i])) this.downSince[i] = this.env.sim.now;
      if (this.replicaOf[i] >= 0) this.corrupt.rebooted(this.replicaOf[i]);
    });
  }

  /** Silently corrupted words on `host`: those in a replica's shard stay until a reload or a reboot. */
  memoryCorrupted(host: number, count: number): boolean {
    const i = host - this.range.start;
    if (i < 0 || i >= this.replicaOf.length || this.replicaOf[i] < 0) return false;
    return this.corrupt.escaped(this.replicaOf[i], count, this.env.sim.now) > 0;
  }

  onRepair(ref: FleetRef): void {
    this.forRangeHosts(ref, (h) => {
      if (this.env.fleet.state[h] !== HostState.DOWN) {
        const i = h - this.range.start;
        this.downSince[i] = NaN;
        if (this.replicaOf[i] >= 0) this.powerDrained[this.replicaOf[i]] = 0;
      }
    });
  }

  /**
   * A power warning names hosts that lose power at e.untilSec. With onPowerWarning
   * "migrate" the replicas on them leave rotation now, before the trip, and come back with
   * their hosts: no request is sent to them while they die or before the health check
   * sees them gone. Otherwise they serve until the trip and fail over after it.
   */
  private powerWarning(e: FaultEvent): void {
    if (this.policy.onPowerWarning !== "migrate") return;
    const drained: number[] = [];
    this.forRangeHosts(e.ref!, (h) => {
      const rep = this.replicaOf[h - this.range.start];
      if (rep >= 0 && !this.powerDrained[rep]) {
        this.powerDrained[rep] = 1;
        drained.push(h);
      }
    });
    if (drained.length === 0) return;
    this.powerDrains += drained.length;
    this.env.record("recovery", this.env.sim.now, {
      service: this.name,
      action: "power-drain",
      replicas: drained.length,
      target: this.env.fleet.idOf(e.ref!),
      failsAt: e.untilSec,
    });
  }

  private forRangeHosts(ref: FleetRef, fn: (h: number) => void): void {
    const { start, end } = this.range;
    this.env.fleet.forEachHostRange(ref, (s, e) => {
      const a = Math.max(s, start);
      const b = Math.min(e, end);
      for (let h = a; h < b; h++) fn(h);
    });
  }

  // ---- windows ----

  /** The replicas' conditions now, as the window simulator takes them. */
  conditionsNow(): ReplicaConditions {
    const fleet = this.env.fleet;
    const now = this.env.sim.now;
    const c = this.cond;
    const hc = this.policy.healthCheck;
    const { mercurialReads } = this.spec;
    for (let i = 0; i < this.replicaHost.length; i++) {
      const h = this.replicaHost[i];
      const st = fleet.state[h];
      const since = this.downSince[h - this.range.start];
      const down = st === HostState.DOWN;
      c.up[i] = st === HostState.UP || st === HostState.DRAINING ? 1 : 0;
      c.inRotation[i] = !this.quarantined[i] && !this.powerDrained[i] && (st === HostState.UP || (down && now - since < hc)) ? 1 : 0;
      c.detectAtSec[i] = down ? since + hc - now : 0;
      c.slowdown[i] = Math.max(1, fleet.slowdown[h]);
      const flags = fleet.flags[h];
      c.corruptP[i] = this.corrupt.readP(i, now);
      c.mercurialP[i] = flags & HostFlag.MERCURIAL ? mercurialReads : 0;
      c.lossP[i] = fleet.rackLoss[fleet.rackOf[h]];
      c.quarantined[i] = this.quarantined[i];
    }
    return c;
  }

  private runWindow(k: number): void {
    const env = this.env;
    const name = this.spec.name;
    const cond = this.conditionsNow();
    const at = env.sim.now;
    const s = this.sim.run(cond, {
      warmupSec: this.spec.sample.warmupSec,
      measureSec: this.spec.sample.windowSec,
      arrivals: env.sim.streams.get(`workloads.${name}.w${k}`),
      client: env.sim.streams.get(`workloads.${name}.w${k}.client`),
      payloadSeed: env.sim.streams.hash(`workloads.${name}.payload`).u32(k),
      latencies: this.hist,
      causes: this.causes,
      onQuarantine: (rep) => {
        this.quarantined[rep] = 1;
        this.quarantinedTotal++;
        env.record("recovery", at, { service: name, action: "quarantine", host: env.fleet.hostId(this.replicaHost[rep]), cause: "end-to-end CRC mismatch" });
      },
    });
    addStats(this.totals, s);
    this.windowsDone++;
    env.record("milestone", at, {
      service: name,
      event: "window",
      window: k,
      queries: s.queries,
      good: s.good,
      late: s.late,
      unavailable: s.unavailable,
      wrong: s.wrong,
    });
  }

  // ---- metrics ----

  metrics(): Record<string, number> {
    const t = this.totals;
    const scale = t.measuredSec > 0 ? (this.stratumSec * this.windowsDone) / t.measuredSec : NaN;
    const pct = (p: number) => (t.queries > 0 ? this.hist.getValueAtPercentile(p) / 1e6 : NaN);
    const values: Record<string, number> = {
      p50: pct(50),
      p99: pct(99),
      p999: pct(99.9),
      meanLatency: t.good + t.wrong > 0 ? t.latencySumSec / (t.good + t.wrong) : NaN,
      availability: t.queries > 0 ? t.good / t.queries : NaN,
      extraLoad: t.baseRequests > 0 ? (t.hedges + t.retries + t.twins) / t.baseRequests : NaN,
      utilization: t.capacitySec > 0 ? t.busySec / t.capacitySec : NaN,
      extraServed: t.baseRequests > 0 ? (t.hedgesServed + t.retriesServed + t.twinsServed) / t.baseRequests : NaN,
      wastedWork: t.busySec > 0 ? t.wastedSec / t.busySec : NaN,
      wrongAnswers: t.wrong * scale,
      wrongAnswerRate: t.queries > 0 ? t.wrong / t.queries : NaN,
      crcCaught: t.crcCaught,
      queries: t.queries * scale,
      sampledQueries: t.queries,
      quarantined: this.quarantinedTotal,
      powerDrains: this.powerDrains,
      ...this.causes.metrics(scale),
    };
    const m: Record<string, number> = {};
    for (const { name } of SERVING_METRICS) {
      const suffix = suffixOf(name);
      if (this.role.first) m[`serving.${suffix}`] = values[suffix];
      if (this.role.prefixed) m[`serving.${this.name}.${suffix}`] = values[suffix];
    }
    return m;
  }

  snapshot(): Record<string, number> {
    const t = this.totals;
    const out: Record<string, number> = { windows: this.windowsDone, queries: t.queries };
    if (t.queries > 0) out.availability = t.good / t.queries;
    return out;
  }

  /** The counts over every window so far (tests and reports). */
  stats(): WindowStats {
    return { ...this.totals };
  }
}
