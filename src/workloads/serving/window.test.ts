// The window simulator against queueing theory, and the hedging effects emerging from it.
// Tolerances are a few standard errors of the run's estimate (seeds fixed), tight enough
// that a wrong model fails: M/D/1's wait is half M/M/1's, and a fan-out or hedging model
// that is off by a factor misses by far more than the tolerance.
import { describe, expect, it } from "vitest";
import { build } from "hdr-histogram-js";
import type { ServingPolicy } from "../../recovery/hedging.js";
import { Streams } from "../../sim/streams.js";
import { serviceSampler, type ServiceTime } from "./latency.js";
import { healthyReplicas, Outcome, WindowSim, type ReplicaConditions, type WindowConfig, type WindowStats } from "./window.js";
import { PLAIN_POLICY } from "./testing.js";

const POLICY = PLAIN_POLICY;
const LOGNORMAL: ServiceTime = { dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 };

interface Setup {
  shards?: number;
  replicas?: number;
  servers?: number;
  fanout?: number;
  qps: number;
  deadlineSec?: number;
  rttSec?: number;
  service: ServiceTime;
  policy?: Partial<ServingPolicy>;
}

interface Result {
  stats: WindowStats;
  latencies: number[];
  outcomes: number[];
  p999: number;
}

function simulate(s: Setup, measureSec: number, seed: number, opts: { warmupSec?: number; cond?: ReplicaConditions } = {}): Result {
  const shards = s.shards ?? 1;
  const replicas = s.replicas ?? 1;
  const cfg: WindowConfig = {
    shards,
    replicas,
    servers: s.servers ?? 1,
    fanout: s.fanout ?? shards,
    qps: s.qps,
    deadlineSec: s.deadlineSec ?? 1000,
    rttSec: s.rttSec ?? 0,
    service: serviceSampler(s.service),
    policy: { ...POLICY, ...s.policy },
  };
  const streams = new Streams(seed);
  const hist = build({ numberOfSignificantValueDigits: 3 });
  const latencies: number[] = [];
  const outcomes: number[] = [];
  const stats = new WindowSim(cfg).run(opts.cond ?? healthyReplicas(shards * replicas), {
    warmupSec: opts.warmupSec ?? 10,
    measureSec,
    arrivals: streams.get("arrivals"),
    client: streams.get("client"),
    payloadSeed: seed,
    latencies: hist,
    observer: (_at, lat, outcome) => {
      latencies.push(lat);
      outcomes.push(outcome);
    },
  });
  return { stats, latencies, outcomes, p999: hist.getValueAtPercentile(99.9) / 1e6 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fractionAbove = (xs: number[], t: number) => xs.filter((x) => x > t).length / xs.length;

describe("a single replica is the queue of the textbook", () => {
  const seeds = [1, 2, 3];
  const meanSojourn = (service: ServiceTime, qps: number, servers = 1, measureSec = 2000) =>
    mean(seeds.flatMap((seed) => simulate({ qps, service, servers }, measureSec, seed).latencies));

  it("M/M/1 at rho 0.7: mean time in system 1/(mu - lambda) = 33.3 ms, within 4%", () => {
    // mu = 100/s (mean 10 ms), lambda = 70/s.
    const got = meanSojourn({ dist: "exponential", meanSec: 0.01 }, 70);
    expect(Math.abs(got / (1 / 30) - 1)).toBeLessThan(0.04);
  });

  it("M/D/1 at rho 0.7: Pollaczek-Khinchine wait rho/(2 mu (1 - rho)) + service = 21.7 ms, within 4%", () => {
    const got = meanSojourn({ dist: "deterministic", meanSec: 0.01 }, 70);
    const theory = 0.7 / (2 * 100 * 0.3) + 0.01;
    expect(Math.abs(got / theory - 1)).toBeLessThan(0.04);
  });

  it("M/M/4 at rho 0.8: Erlang C wait + service, within 4%", () => {
    // c = 4 servers of mu = 100/s each, lambda = 320/s.
    const c = 4;
    const a = 3.2; // offered load lambda / mu
    const rho = a / c;
    let sum = 0;
    let term = 1;
    for (let k = 0; k < c; k++) {
      if (k > 0) term *= a / k;
      sum += term;
    }
    const top = (term * a) / c / (1 - rho); // a^c / c! / (1 - rho)
    const erlangC = top / (sum + top);
    const theory = erlangC / (c * 100 - 320) + 0.01;
    const got = meanSojourn({ dist: "exponential", meanSec: 0.01 }, 320, c, 600);
    expect(Math.abs(got / theory - 1)).toBeLessThan(0.04);
  });

  it("the service time fitted to p50 8ms / p99 40ms shows those quantiles at low load", () => {
    const r = simulate({ qps: 1, replicas: 1, service: LOGNORMAL }, 40000, 4);
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.floor(p * sorted.length)];
    expect(q(0.5)).toBeGreaterThan(0.0076);
    expect(q(0.5)).toBeLessThan(0.0084);
    expect(q(0.99)).toBeGreaterThan(0.035);
    expect(q(0.99)).toBeLessThan(0.046);
  });
});

describe("fan-out amplifies a leaf's tail", () => {
  // 20 replicas a shard at ~0.5% utilization: leaves are independent service-time draws.
  for (const n of [10, 100]) {
    it(`a ${n}-way query is slower than a leaf's p99 with probability 1 - 0.99^${n}`, () => {
      const leafP99 = 0.04;
      const r = simulate({ shards: n, replicas: 20, qps: 10, service: LOGNORMAL }, 1000, 5);
      const theory = 1 - Math.pow(0.99, n);
      expect(r.latencies.length).toBeGreaterThan(9000);
      expect(Math.abs(fractionAbove(r.latencies, leafP99) - theory)).toBeLessThan(0.02);
    });
  }
});

describe("hedged requests", () => {
  it("at low load a backup after d gives min(S1, d + S2): P(L > 20ms) = P(S > 20ms) P(S > 10ms)", () => {
    const s = serviceSampler(LOGNORMAL);
    const hedged = simulate({ replicas: 20, qps: 20, service: LOGNORMAL, policy: { hedge: { kind: "after", seconds: 0.01 } } }, 5000, 6);
    const plain = simulate({ replicas: 20, qps: 20, service: LOGNORMAL }, 5000, 6);
    const theory = s.tail(0.02) * s.tail(0.01); // 0.0347
    expect(Math.abs(fractionAbove(hedged.latencies, 0.02) / theory - 1)).toBeLessThan(0.1);
    expect(Math.abs(fractionAbove(plain.latencies, 0.02) / s.tail(0.02) - 1)).toBeLessThan(0.1);
    // A backup goes out for every leaf still unanswered at 10 ms: P(S > 10ms) of them.
    expect(Math.abs(hedged.stats.hedges / hedged.stats.baseRequests - s.tail(0.01))).toBeLessThan(0.02);
  });

  // 20 shards x 10 replicas, one server each, least-loaded-of-two balancing; rho is the
  // utilization without hedges.
  const service = (rho: number, hedge: ServingPolicy["hedge"], seed: number, measureSec = 20) => {
    const qps = (rho * 10) / serviceSampler(LOGNORMAL).meanSec;
    return simulate({ shards: 20, replicas: 10, qps, service: LOGNORMAL, rttSec: 0.0005, policy: { hedge, balance: "p2c" } }, measureSec, seed, {
      warmupSec: 2,
    });
  };
  const OFF = { kind: "off" } as const;
  const P95 = { kind: "percentile", percentile: 95 } as const;
  const P50 = { kind: "percentile", percentile: 50 } as const;

  it("at moderate load (rho 0.5) hedging at p95 cuts p99.9 for ~5% extra load, and at p50 for ~50%", () => {
    const off = service(0.5, OFF, 1);
    const p95 = service(0.5, P95, 1);
    const p50 = service(0.5, P50, 1);
    expect(p95.p999).toBeLessThan(0.75 * off.p999);
    expect(p50.p999).toBeLessThan(0.75 * off.p999);
    const extra = (r: Result) => (r.stats.hedges + r.stats.retries) / r.stats.baseRequests;
    expect(extra(p95)).toBeGreaterThan(0.03);
    expect(extra(p95)).toBeLessThan(0.08);
    expect(extra(p50)).toBeGreaterThan(0.4);
    expect(extra(p50)).toBeLessThan(0.6);
    // The backups are real work: servers are busier.
    const util = (r: Result) => r.stats.busySec / r.stats.capacitySec;
    expect(util(p50)).toBeGreaterThan(util(off) + 0.05);
  });

  it("at high load (rho 0.9) the aggressive p50 hedge makes p99.9 worse; the p95 hedge still helps", () => {
    // 60 s measured (~53,000 queries): the p95 hedge's gain at this load, ~10% of p99.9, is
    // within the noise of the ~18 queries above p99.9 in 20 s.
    for (const seed of [1, 2]) {
      const off = service(0.9, OFF, seed, 60);
      const p95 = service(0.9, P95, seed, 60);
      const p50 = service(0.9, P50, seed, 60);
      expect(p50.p999).toBeGreaterThan(1.3 * off.p999);
      expect(p95.p999).toBeLessThan(off.p999);
      expect(p50.stats.busySec / p50.stats.capacitySec).toBeGreaterThan(0.95);
    }
  });

  it("a fixed hedge that fires for nearly every leaf overloads a service at rho 0.85", () => {
    const off = service(0.85, OFF, 3);
    const eager = service(0.85, { kind: "after", seconds: 0.01 }, 3);
    expect(eager.stats.hedges / eager.stats.baseRequests).toBeGreaterThan(0.9);
    expect(eager.p999).toBeGreaterThan(2 * off.p999);
  });

  it("tied requests: each leaf goes to two replicas and the twin is mostly cancelled before it runs", () => {
    const r = simulate({ shards: 10, replicas: 10, qps: 200, service: LOGNORMAL, rttSec: 0.0005, policy: { tied: true } }, 20, 7, { warmupSec: 2 });
    const plain = simulate({ shards: 10, replicas: 10, qps: 200, service: LOGNORMAL, rttSec: 0.0005 }, 20, 7, { warmupSec: 2 });
    expect(r.stats.twins).toBe(r.stats.baseRequests);
    // Both copies run only when both start within rtt/2 of each other: the busy time grows
    // by far less than a second full copy would cost.
    expect(r.stats.busySec).toBeLessThan(1.6 * plain.stats.busySec);
    expect(r.stats.busySec).toBeGreaterThan(1.05 * plain.stats.busySec);
    expect(r.p999).toBeLessThan(plain.p999);
  });
});

describe("failures inside a window", () => {
  const base = { shards: 4, replicas: 3, qps: 50, deadlineSec: 0.2, rttSec: 0.0005, service: LOGNORMAL };

  it("a dead replica still in rotation swallows requests until the health check finds it; then failover", () => {
    const cond = healthyReplicas(12);
    cond.up[0] = 0; // shard 0, replica 0: down, found 5 s into the window
    cond.detectAtSec[0] = 5;
    const r = simulate({ ...base, policy: { retries: 0 } }, 10, 8, { warmupSec: 0, cond });
    const before: number[] = [];
    const after: number[] = [];
    // Queries arriving before detection and sent to the dead replica time out.
    const sim = simulateWithTimes({ ...base, policy: { retries: 0 } }, cond);
    for (const { at, outcome } of sim) (at < 4.8 ? before : at > 5 ? after : []).push(outcome);
    const lateShare = (xs: number[]) => xs.filter((o) => o !== Outcome.GOOD).length / xs.length;
    expect(lateShare(before)).toBeGreaterThan(0.2); // ~1/3 of queries hit the dead replica
    expect(lateShare(before)).toBeLessThan(0.5);
    expect(lateShare(after)).toBe(0);
    expect(r.stats.late + r.stats.unavailable).toBeGreaterThan(0);
  });

  it("a replica on a wonky rack answers late by 200 ms x (2^k - 1) after k lost tries, q = 1 - (1 - p)^2 each", () => {
    // One shard, one replica losing half its packets: q = 0.75. A query is one leaf; with a
    // deterministic 1 ms service at low load, its latency is 1 ms + the resend delay.
    const cond = healthyReplicas(1);
    cond.lossP[0] = 0.5;
    const r = simulate({ qps: 20, deadlineSec: 1000, service: { dist: "deterministic", meanSec: 0.001 } }, 4000, 3, { warmupSec: 0, cond });
    const n = r.latencies.length;
    expect(n).toBeGreaterThan(70_000);
    const q = 0.75;
    // P(k = 0) = 1 - q; P(k = 1) = q (1 - q); P(k >= 2) = q^2 (one resend: 0.2 s; two: 0.6 s)
    const share = (lo: number, hi: number) => r.latencies.filter((x) => x >= lo && x < hi).length / n;
    const within = (p: number, got: number) => expect(Math.abs(got - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    within(1 - q, share(0, 0.1));
    within(q * (1 - q), share(0.19, 0.21));
    within(q * q * (1 - q), share(0.59, 0.61));
    // A healthy replica answers in 1 ms and a few ms of queueing at most.
    const healthy = simulate({ qps: 20, deadlineSec: 1000, service: { dist: "deterministic", meanSec: 0.001 } }, 100, 3, { warmupSec: 0 });
    expect(Math.max(...healthy.latencies)).toBeLessThan(0.01);
  });

  it("a wonky replica still in rotation makes a deadline-bound service late (the health check does not see packet loss)", () => {
    const cond = healthyReplicas(12);
    for (const i of [0, 3, 6, 9]) cond.lossP[i] = 0.5; // replica 0 of every shard on the wonky rack
    const plain = simulate({ ...base, policy: { retries: 0 } }, 20, 4, { warmupSec: 0, cond });
    const healthy = simulate({ ...base, policy: { retries: 0 } }, 20, 4, { warmupSec: 0 });
    expect(healthy.stats.late).toBe(0);
    // About a third of the leaves go to a lossy replica and 3 in 4 of those are late.
    expect(plain.stats.late / plain.stats.queries).toBeGreaterThan(0.5);
  });

  it("with a retry, the requests swallowed by a dead replica are retried when it is found", () => {
    const cond = healthyReplicas(12);
    cond.up[0] = 0;
    cond.detectAtSec[0] = 0.05; // found 50 ms in: within the 200 ms deadline
    const noRetry = simulate({ ...base, policy: { retries: 0 } }, 2, 9, { warmupSec: 0, cond });
    const retry = simulate({ ...base, policy: { retries: 1 } }, 2, 9, { warmupSec: 0, cond });
    expect(noRetry.stats.late + noRetry.stats.unavailable).toBeGreaterThan(0);
    expect(retry.stats.late + retry.stats.unavailable).toBe(0);
    expect(retry.stats.retries).toBeGreaterThan(0);
  });

  it("a leaf timeout retries what a dead, undetected replica swallowed; the retry budget caps retries", () => {
    const cond = healthyReplicas(12);
    cond.up[0] = 0;
    cond.detectAtSec[0] = 1e9; // never found in this window
    const failed = (r: Result) => r.stats.late + r.stats.unavailable;
    const waiting = simulate({ ...base, policy: { retries: 1 } }, 5, 15, { warmupSec: 0, cond });
    const timeout = simulate({ ...base, policy: { retries: 1, leafTimeout: 0.05 } }, 5, 15, { warmupSec: 0, cond });
    expect(failed(waiting) / waiting.stats.queries).toBeGreaterThan(0.2); // 1 in 3 replicas of shard 0 is a black hole
    expect(failed(timeout)).toBe(0);
    expect(timeout.stats.retries).toBeGreaterThan(0);
    // A zero budget leaves only the reserve of 10 retries a second: most swallowed leaves fail.
    const capped = simulate({ ...base, policy: { retries: 1, leafTimeout: 0.05, retryBudget: 0 } }, 5, 15, { warmupSec: 0, cond });
    expect(capped.stats.retries).toBeLessThanOrEqual(10 * 5.2);
    expect(failed(capped)).toBeGreaterThan(0);
  });

  it("a shard with no replica in rotation fails every query at once", () => {
    const cond = healthyReplicas(12);
    for (const r of [0, 1, 2]) {
      cond.up[r] = 0;
      cond.inRotation[r] = 0;
    }
    const r = simulate(base, 5, 10, { warmupSec: 0, cond });
    expect(r.stats.unavailable).toBe(r.stats.queries);
  });

  it("a straggler replica (10x slower) overloads under random balancing; least-loaded-of-two routes around it", () => {
    const cond = healthyReplicas(12);
    cond.slowdown[0] = 10; // its share of the load (rho 0.17) becomes rho 1.7
    const slow = { ...base, deadlineSec: 1 };
    const failed = (r: Result) => (r.stats.late + r.stats.unavailable) / r.stats.queries;
    const healthy = simulate(slow, 20, 11, { warmupSec: 1 });
    const randomLb = simulate(slow, 20, 11, { warmupSec: 1, cond });
    const p2c = simulate({ ...slow, policy: { balance: "p2c" } }, 20, 11, { warmupSec: 1, cond });
    expect(failed(healthy)).toBe(0);
    expect(failed(randomLb)).toBeGreaterThan(0.1);
    expect(failed(p2c)).toBe(0);
    expect(p2c.p999).toBeLessThan(0.7 * randomLb.p999); // its own slow service still shows in the tail
    expect(p2c.p999).toBeGreaterThan(healthy.p999); // still seen now and then
  });
});

describe("corrupted answers and the end-to-end CRC", () => {
  const base = { shards: 4, replicas: 3, qps: 50, deadlineSec: 0.2, rttSec: 0.0005, service: LOGNORMAL };

  it("memory corruption: served wrong without the CRC; with it, caught, retried elsewhere and the replica quarantined", () => {
    const cond = healthyReplicas(12);
    cond.corruptP[0] = 1;
    const plain = simulate(base, 10, 12, { warmupSec: 0, cond });
    // Shard 0 has 3 replicas: about a third of the queries read from the corrupt one.
    expect(plain.stats.wrong / plain.stats.queries).toBeGreaterThan(0.25);
    expect(plain.stats.wrong / plain.stats.queries).toBeLessThan(0.42);
    expect(plain.stats.crcCaught).toBe(0);
    const checked = simulate({ ...base, policy: { endToEndCrc: true } }, 10, 12, { warmupSec: 0, cond });
    expect(checked.stats.wrong).toBe(0);
    expect(checked.stats.crcCaught).toBeGreaterThan(0);
    expect(checked.stats.quarantined).toBe(1);
    expect(checked.stats.good).toBe(checked.stats.queries);
  });

  it("a defective core: the CRC is computed over its wrong answer, so the check passes and the answer is served", () => {
    const cond = healthyReplicas(12);
    cond.mercurialP[0] = 1;
    const checked = simulate({ ...base, policy: { endToEndCrc: true } }, 10, 13, { warmupSec: 0, cond });
    expect(checked.stats.crcCaught).toBe(0);
    expect(checked.stats.wrong / checked.stats.queries).toBeGreaterThan(0.25);
    expect(checked.stats.quarantined).toBe(0);
  });
});

describe("determinism and common random numbers", () => {
  it("the same seed gives the same window; another policy sees the same queries", () => {
    const a = simulate({ shards: 5, replicas: 4, qps: 100, service: LOGNORMAL, deadlineSec: 0.2 }, 5, 14);
    const b = simulate({ shards: 5, replicas: 4, qps: 100, service: LOGNORMAL, deadlineSec: 0.2 }, 5, 14);
    expect(b.latencies).toEqual(a.latencies);
    expect(b.stats).toEqual(a.stats);
    const hedged = simulate(
      { shards: 5, replicas: 4, qps: 100, service: LOGNORMAL, deadlineSec: 0.2, policy: { hedge: { kind: "after", seconds: 0.02 } } },
      5,
      14,
    );
    expect(hedged.stats.queries).toBe(a.stats.queries);
    expect(hedged.stats.baseRequests).toBe(a.stats.baseRequests);
  });
});

/** Arrival time and outcome of every measured query (for tests that look at when). */
function simulateWithTimes(s: Setup, cond: ReplicaConditions): { at: number; outcome: number }[] {
  const out: { at: number; outcome: number }[] = [];
  const shards = s.shards ?? 1;
  const streams = new Streams(99);
  new WindowSim({
    shards,
    replicas: s.replicas ?? 1,
    servers: 1,
    fanout: shards,
    qps: s.qps,
    deadlineSec: s.deadlineSec ?? 1,
    rttSec: s.rttSec ?? 0,
    service: serviceSampler(s.service),
    policy: { ...POLICY, ...s.policy },
  }).run(cond, {
    warmupSec: 0,
    measureSec: 10,
    arrivals: streams.get("a"),
    client: streams.get("c"),
    payloadSeed: 1,
    observer: (at, _lat, outcome) => out.push({ at, outcome }),
  });
  return out;
}
