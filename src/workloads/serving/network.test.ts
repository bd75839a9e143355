// Hedges, cancels and answers over the network (window.ts, "Network"): every message takes
// one trip of rtt/2, so a leaf is answered when its answer reaches the client, a hedge
// timer that fires while an answer is on its way sends a backup, and a cancel reaches a
// replica one trip after the winning answer arrived: a queued copy that starts before that
// runs, and its work is counted at the replicas (hedgesServed, twinsServed, wastedSec).
//
// The stories script a window exactly: a stream that plays back its draws (the gaps
// between queries, each request's replica) and service times taken from a list, so every
// time below can be worked out by hand. The last tests check the same at scale against
// what the model implies.
import { describe, expect, it } from "vitest";
import type { ServingPolicy } from "../../recovery/hedging.js";
import { Rng } from "../../sim/rng.js";
import { Streams } from "../../sim/streams.js";
import { type ServiceSampler, serviceSampler } from "./latency.js";
import { healthyReplicas, WindowSim, type WindowStats } from "./window.js";
import { PLAIN_POLICY } from "./testing.js";

const POLICY = PLAIN_POLICY;
const MS = 1e-3;

/** A stream that plays back a script: `exp` gives the next gap between queries, `next` the next uniform. */
class Script extends Rng {
  constructor(
    private readonly gaps: number[],
    private readonly uniforms: number[],
  ) {
    super("script", () => 0);
  }
  override next(): number {
    const u = this.uniforms.shift();
    if (u === undefined) throw new Error("the script ran out of uniforms");
    return u;
  }
  override exp(): number {
    return this.gaps.shift() ?? Infinity; // no more queries
  }
}

/** Service times from a list, in the order they are drawn. */
function scripted(servicesSec: number[]): ServiceSampler {
  return {
    sample: () => {
      const s = servicesSec.shift();
      if (s === undefined) throw new Error("the script ran out of service times");
      return s;
    },
    meanSec: 0.01,
    secondMomentSec2: 1e-4,
    tail: () => 0,
    quantile: () => 0.01,
  };
}

/** Uniform that sends a request to replica `k` of `n` (replicas are in rotation in index order). */
const toReplica = (k: number, n: number) => (k + 0.5) / n;

interface Story {
  replicas: number;
  rttSec: number;
  policy: Partial<ServingPolicy>;
  /** Query arrival times (seconds). */
  queriesAtSec: number[];
  /** Replica of each query's first request. */
  firstTo: number[];
  /** Service times in the order drawn: each query's first request as it arrives, then backups and twins as they are sent. */
  servicesSec: number[];
  /** Replicas of backups and twins, in the order they are sent. */
  copiesTo: number[];
  /** Queries arriving before this are not measured. */
  warmupSec: number;
}

/** Runs a scripted window of one shard, one server a replica; the measured queries' latencies and counts. */
function play(s: Story): { stats: WindowStats; latenciesSec: number[] } {
  const gaps = s.queriesAtSec.map((t, i) => t - (i === 0 ? 0 : s.queriesAtSec[i - 1]));
  const latenciesSec: number[] = [];
  const sim = new WindowSim({
    shards: 1,
    replicas: s.replicas,
    servers: 1,
    fanout: 1,
    qps: 1,
    deadlineSec: 1,
    rttSec: s.rttSec,
    service: scripted([...s.servicesSec]),
    policy: { ...POLICY, ...s.policy },
  });
  const stats = sim.run(healthyReplicas(s.replicas), {
    warmupSec: s.warmupSec,
    measureSec: 5,
    arrivals: new Script(
      gaps,
      s.firstTo.map((k) => toReplica(k, s.replicas)),
    ),
    client: new Script(
      [],
      s.copiesTo.map((k) => toReplica(k, s.replicas)),
    ),
    payloadSeed: 1,
    observer: (_at, lat) => latenciesSec.push(lat),
  });
  return { stats, latenciesSec };
}

describe("a leaf is answered when its answer reaches the client", () => {
  it("a hedge timer that fires while the answer is on its way sends a backup, which runs: one trip is 5 ms", () => {
    // rtt 10 ms. The query arrives at 1 s; its request reaches replica 0 at +5 ms, is served
    // for 12 ms (to +17 ms) and its answer reaches the client at +22 ms. The hedge fires at
    // +20 ms, with the answer still on its way: a backup goes to replica 1, arrives at
    // +25 ms and starts at once; the client's cancel, sent at +22 ms, reaches it at +27 ms,
    // too late. The backup's 30 ms are wasted.
    const { stats, latenciesSec } = play({
      replicas: 2,
      rttSec: 10 * MS,
      policy: { hedge: { kind: "after", seconds: 20 * MS } },
      queriesAtSec: [1],
      firstTo: [0],
      servicesSec: [12 * MS, 30 * MS],
      copiesTo: [1],
      warmupSec: 0,
    });
    expect(latenciesSec).toEqual([expect.closeTo(22 * MS, 9)]);
    expect(stats.hedges).toBe(1);
    expect(stats.hedgesServed).toBe(1);
    expect(stats.busySec).toBeCloseTo(42 * MS, 9);
    expect(stats.wastedSec).toBeCloseTo(30 * MS, 9);
  });

  it("no hedge when the answer arrived before the timer", () => {
    // Served for 8 ms: the answer is back at +18 ms, before the hedge at +20 ms.
    const { stats, latenciesSec } = play({
      replicas: 2,
      rttSec: 10 * MS,
      policy: { hedge: { kind: "after", seconds: 20 * MS } },
      queriesAtSec: [1],
      firstTo: [0],
      servicesSec: [8 * MS],
      copiesTo: [],
      warmupSec: 0,
    });
    expect(latenciesSec).toEqual([expect.closeTo(18 * MS, 9)]);
    expect(stats.hedges).toBe(0);
    expect(stats.wastedSec).toBe(0);
  });
});

describe("a cancel reaches the replica one trip after the winning answer arrives", () => {
  // rtt 10 ms, hedge after 20 ms, three replicas. A query at 1.000 s (not measured: it only
  // keeps replica 1 busy) is served there from 1.005 s for `blockSec`; its backup goes to
  // replica 2, out of the way. The measured query arrives at 1.002 s: its request reaches
  // replica 0 at 1.007 s and is served for 12 ms; its answer reaches the client at 1.024 s.
  // Its hedge fires at 1.022 s: the backup (5 ms) reaches replica 1 at 1.027 s and waits
  // behind the blocker. The client cancels it when the answer arrives (1.024 s); the cancel
  // reaches replica 1 at 1.029 s.
  const story = (blockSec: number) =>
    play({
      replicas: 3,
      rttSec: 10 * MS,
      policy: { hedge: { kind: "after", seconds: 20 * MS } },
      queriesAtSec: [1, 1.002],
      firstTo: [1, 0],
      // blocker, measured query, blocker's backup, measured query's backup
      servicesSec: [blockSec, 12 * MS, 1 * MS, 5 * MS],
      copiesTo: [2, 1],
      warmupSec: 1.001,
    });

  it("the blocker ends at 1.028 s, before the cancel: the backup runs (5 ms of wasted work)", () => {
    const { stats, latenciesSec } = story(23 * MS);
    expect(latenciesSec).toEqual([expect.closeTo(22 * MS, 9)]);
    expect(stats.hedges).toBe(1);
    expect(stats.hedgesServed).toBe(1);
    expect(stats.busySec).toBeCloseTo(17 * MS, 9);
    expect(stats.wastedSec).toBeCloseTo(5 * MS, 9);
  });

  it("the blocker ends at 1.030 s, after the cancel: the backup leaves the queue for free", () => {
    const { stats, latenciesSec } = story(25 * MS);
    expect(latenciesSec).toEqual([expect.closeTo(22 * MS, 9)]);
    expect(stats.hedges).toBe(1);
    expect(stats.hedgesServed).toBe(0);
    expect(stats.busySec).toBeCloseTo(12 * MS, 9);
    expect(stats.wastedSec).toBe(0);
  });
});

describe("tied requests: the twin's cancel travels too", () => {
  // rtt 10 ms, tied. A query at 1.000 s (not measured) keeps replica 1 busy from 1.005 s for
  // `blockSec` (its twin goes to replica 2). The measured query arrives at 1.002 s: its
  // first copy reaches replica 0 at 1.007 s and starts, and replica 0 cancels the twin,
  // which waits on replica 1; the cancel arrives there one trip later, at 1.012 s. The
  // first copy (12 ms) answers at 1.024 s; the twin (20 ms) would answer later.
  const story = (blockSec: number) =>
    play({
      replicas: 3,
      rttSec: 10 * MS,
      policy: { tied: true },
      queriesAtSec: [1, 1.002],
      firstTo: [1, 0],
      // blocker, blocker's twin, measured query, its twin
      servicesSec: [blockSec, 1 * MS, 12 * MS, 20 * MS],
      copiesTo: [2, 1],
      warmupSec: 1.001,
    });

  it("replica 1 frees at 1.011 s, before the twin's cancel: both copies run, the twin's 20 ms wasted", () => {
    const { stats, latenciesSec } = story(6 * MS);
    expect(latenciesSec).toEqual([expect.closeTo(22 * MS, 9)]);
    expect(stats.twins).toBe(1);
    expect(stats.twinsServed).toBe(1);
    expect(stats.busySec).toBeCloseTo(32 * MS, 9);
    expect(stats.wastedSec).toBeCloseTo(20 * MS, 9);
  });

  it("replica 1 frees at 1.013 s, after it: the twin is dropped unserved", () => {
    const { stats } = story(8 * MS);
    expect(stats.twins).toBe(1);
    expect(stats.twinsServed).toBe(0);
    expect(stats.busySec).toBeCloseTo(12 * MS, 9);
    expect(stats.wastedSec).toBe(0);
  });
});

describe("at scale", () => {
  const LOGNORMAL = { dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 } as const;
  // 10 shards x 20 replicas at 20 queries a second: ~1% busy, so a leaf's latency is its
  // service time plus the round trip. A 2 ms round trip (four times the default) keeps an
  // answer on its way for a visible share of the leaves: before answers travelled, a p95
  // hedge fired for 4.1% of them and a median hedge for 37.8%.
  const lowLoad = (hedge: ServingPolicy["hedge"], seed: number, rttSec = 2 * MS) =>
    new WindowSim({
      shards: 10,
      replicas: 20,
      servers: 1,
      fanout: 10,
      qps: 20,
      deadlineSec: 1,
      rttSec,
      service: serviceSampler(LOGNORMAL),
      policy: { ...POLICY, hedge },
    }).run(healthyReplicas(200), {
      warmupSec: 2,
      measureSec: 500,
      arrivals: new Streams(seed).get("arrivals"),
      client: new Streams(seed).get("client"),
      payloadSeed: seed,
    });

  it("a hedge at the tracked p95 fires for 5% of the leaves (+-0.5 points) and one at the median for 50% (+-1 point)", () => {
    // The timer waits for a percentile of leaf latency measured to the answer's arrival; a
    // leaf is unanswered until its answer arrives, so the two agree.
    for (const seed of [1, 2]) {
      const p95 = lowLoad({ kind: "percentile", percentile: 95 }, seed);
      const p50 = lowLoad({ kind: "percentile", percentile: 50 }, seed);
      expect(p95.baseRequests).toBeGreaterThan(90_000);
      expect(Math.abs(p95.hedges / p95.baseRequests - 0.05)).toBeLessThan(0.005);
      expect(Math.abs(p50.hedges / p50.baseRequests - 0.5)).toBeLessThan(0.01);
    }
  });

  it("the replicas count what backups cost: at low load every backup runs, and the loser's whole service is wasted", () => {
    // A fixed 10 ms hedge and a 2 ms round trip: a leaf is hedged when S1 + rtt > 10 ms; the
    // backup starts on arrival (the replicas are ~1.5% busy) and the cancel, a trip after
    // the winning answer, always comes after that, so both copies run to the end. The primary wins when S1 < 10 ms + S2
    // (answers take the same trip back); the loser's service is wasted:
    // E[wasted] = E[1{S1 > d - rtt} (S1 <= d + S2 ? S2 : S1)], estimated with 10^6 draws.
    const d = 10 * MS;
    const rtt = 2 * MS;
    const s = serviceSampler(LOGNORMAL);
    const rng = new Streams(9).get("theory");
    let wasted = 0;
    const N = 1_000_000;
    for (let i = 0; i < N; i++) {
      const s1 = s.sample(rng);
      const s2 = s.sample(rng);
      if (s1 > d - rtt) wasted += s1 <= d + s2 ? s2 : s1;
    }
    const theory = wasted / N;
    const r = lowLoad({ kind: "after", seconds: d }, 3, rtt);
    // (A leaf that waits behind another, ~1% of them, is hedged a little more often.)
    expect(Math.abs(r.hedges / r.baseRequests - s.tail(d - rtt))).toBeLessThan(0.01);
    // Only a backup that waits in a queue can be cancelled there: about the utilization's share.
    expect(1 - r.hedgesServed / r.hedges).toBeLessThan(r.busySec / r.capacitySec);
    expect(Math.abs(r.wastedSec / r.baseRequests / theory - 1)).toBeLessThan(0.03);
    expect(r.wastedSec).toBeLessThan(r.busySec);
  });
});
