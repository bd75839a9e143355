// Errors and excess latency by cause: one known cause at a time lands in that cause, and
// with several at once the parts add up to the totals exactly (counts and whole
// microseconds, checked against an independent tally of every query).
import { describe, expect, it } from "vitest";
import type { ServingPolicy } from "../../recovery/hedging.js";
import { Streams } from "../../sim/streams.js";
import { CAUSE_OF, CauseTally, MARK, SERVING_CAUSES, TAIL_BINS, type ServingCause } from "./causes.js";
import { serviceSampler, type ServiceTime } from "./latency.js";
import { PLAIN_POLICY } from "./testing.js";
import { healthyReplicas, WindowSim, type ReplicaConditions, type WindowStats } from "./window.js";

const LOGNORMAL: ServiceTime = { dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 };
/** 4 shards x 3 replicas (replica r of shard s is s x 3 + r), 200 ms deadline. */
const BASE: { shards: number; replicas: number; qps: number; deadlineSec: number; service: ServiceTime } = {
  shards: 4,
  replicas: 3,
  qps: 50,
  deadlineSec: 0.2,
  service: LOGNORMAL,
};

interface Query {
  cause: number;
  failed: boolean;
  latencyUs: number;
  excessUs: number;
}

function simulate(cond: ReplicaConditions, policy: Partial<ServingPolicy> = {}, setup: Partial<typeof BASE> = {}, seed = 5, measureSec = 20) {
  const s = { ...BASE, ...setup };
  const tally = new CauseTally(s.deadlineSec);
  const queries: Query[] = [];
  const streams = new Streams(seed);
  const stats = new WindowSim({
    ...s,
    servers: 1,
    fanout: s.shards,
    rttSec: 0.0005,
    service: serviceSampler(s.service),
    policy: { ...PLAIN_POLICY, ...policy },
  }).run(cond, {
    warmupSec: 1,
    measureSec,
    arrivals: streams.get("arrivals"),
    client: streams.get("client"),
    payloadSeed: seed,
    causes: {
      add(cause, failed, latencyUs, excessUs) {
        queries.push({ cause, failed, latencyUs, excessUs });
        tally.add(cause, failed, latencyUs, excessUs);
      },
    },
  });
  return { stats, tally, queries, metrics: tally.metrics(1) };
}

const failed = (s: WindowStats) => s.queries - s.good;
const errorsOf = (m: Record<string, number>, c: ServingCause) => m[`errors.${c}`];
const otherCauses = (c: ServingCause) => SERVING_CAUSES.map((x) => x.name).filter((x) => x !== c);

/** Every failed query is of cause `c`, and so is (nearly) all of the tail's excess. */
function expectOnly(r: ReturnType<typeof simulate>, c: ServingCause, tailShare = 1) {
  expect(failed(r.stats)).toBeGreaterThan(0);
  expect(errorsOf(r.metrics, c)).toBe(failed(r.stats));
  for (const x of otherCauses(c)) expect({ x, errors: errorsOf(r.metrics, x) }).toEqual({ x, errors: 0 });
  expect(r.metrics[`p99Excess.${c}`] / r.metrics.p99Excess).toBeGreaterThanOrEqual(tailShare);
}

describe("the cause of a query", () => {
  it("is the first of its marks in the declared order, and other without any", () => {
    expect(SERVING_CAUSES[CAUSE_OF[0]].name).toBe("other");
    expect(SERVING_CAUSES[CAUSE_OF[MARK.straggler | MARK.hedgingLoad]].name).toBe("straggler");
    expect(SERVING_CAUSES[CAUSE_OF[MARK.hedgingLoad | MARK.hostDown]].name).toBe("hostDown");
    expect(SERVING_CAUSES[CAUSE_OF[MARK.defectiveCore | MARK.corruptReplica]].name).toBe("corruptReplica");
    expect(SERVING_CAUSES.every((c, i) => CAUSE_OF[c.mark] === i)).toBe(true);
  });

  it("healthy at low load: no errors; a query's excess is its wait beyond 1 ms of service + one round trip", () => {
    // One shard, a fixed 1 ms service at 2 queries a second: the baseline is 1.5 ms, and
    // only a query arriving within 1 ms of another (P ~ 0.2%) waits, and that is `other`.
    const r = simulate(healthyReplicas(1), {}, { shards: 1, replicas: 1, qps: 2, service: { dist: "deterministic", meanSec: 0.001 } }, 1, 200);
    expect(r.queries.length).toBeGreaterThan(300);
    expect(r.queries.every((q) => q.latencyUs === 1500 + q.excessUs && q.cause === CAUSE_OF[0])).toBe(true);
    expect(r.queries.filter((q) => q.excessUs === 0).length).toBeGreaterThan(0.99 * r.queries.length);
    expect(r.metrics.errors).toBe(0);
  });

  it("only a straggler host (10x slower, random balancing): every error and the tail's excess are the straggler's", () => {
    const cond = healthyReplicas(12);
    cond.slowdown[0] = 10; // its share of the load (rho 0.17) becomes rho 1.7
    // Queries that missed it wait only on healthy queues: a few ms of excess, against
    // hundreds for those behind it, so the tail is the straggler's.
    expectOnly(simulate(cond), "straggler", 0.99);
  });

  it("only a crashed replica the health check never finds, no retries: every error is hostDown", () => {
    const cond = healthyReplicas(12);
    cond.up[0] = 0;
    cond.detectAtSec[0] = 1e9;
    expectOnly(simulate(cond, { retries: 0 }), "hostDown", 0.99);
  });

  it("a shard without a replica: hostDown when its hosts are down, corruptReplica when quarantined", () => {
    const down = healthyReplicas(12);
    const quarantined = healthyReplicas(12);
    for (const r of [0, 1, 2]) {
      down.up[r] = 0;
      down.inRotation[r] = 0;
      quarantined.inRotation[r] = 0;
      quarantined.quarantined[r] = 1;
    }
    expect(simulate(down).stats.unavailable).toBe(simulate(down).stats.queries);
    expectOnly(simulate(down), "hostDown");
    expectOnly(simulate(quarantined), "corruptReplica");
  });

  it("only corrupted memory: wrong answers without the CRC, caught and retried with it, all corruptReplica", () => {
    const cond = healthyReplicas(12);
    for (const r of [0, 3, 6, 9]) cond.corruptP[r] = 0.3;
    const served = simulate(cond);
    expect(served.stats.wrong).toBe(failed(served.stats));
    expectOnly(served, "corruptReplica", 0);
    // With the CRC each catch quarantines a replica; a shard can run out of them.
    const caught = simulate(cond, { endToEndCrc: true }, { replicas: 3 }, 6);
    expect(caught.stats.crcCaught).toBeGreaterThan(0);
    expect(errorsOf(caught.metrics, "corruptReplica")).toBe(failed(caught.stats));
  });

  it("only a defective core: its wrong answers are defectiveCore, and the CRC does not catch them", () => {
    const cond = healthyReplicas(12);
    cond.mercurialP[4] = 0.5;
    expectOnly(simulate(cond, { endToEndCrc: true }), "defectiveCore", 0);
  });

  it("only a lossy rack: late answers are packetLoss", () => {
    const cond = healthyReplicas(12);
    cond.lossP[2] = 0.5;
    expectOnly(simulate(cond, { retries: 0 }), "packetLoss", 0.99);
  });

  it("an aggressive hedge at high load: queries late behind backups are hedgingLoad", () => {
    // rho ~0.68 with a backup 1 ms after every leaf: the backups double the load past 1.
    const r = simulate(healthyReplicas(12), { hedge: { kind: "after", seconds: 0.001 } }, { qps: 200, deadlineSec: 0.1 });
    expect(failed(r.stats)).toBeGreaterThan(0);
    expect(errorsOf(r.metrics, "hedgingLoad") / failed(r.stats)).toBeGreaterThan(0.9);
  });
});

describe("the parts add up to the totals", () => {
  // Every cause at once: a straggler, a dead replica found 2 s in, corrupted memory with
  // the CRC, a defective core, a lossy rack, backups after 20 ms, retries.
  const cond = healthyReplicas(12);
  cond.slowdown[0] = 8;
  cond.up[4] = 0;
  cond.detectAtSec[4] = 2;
  cond.corruptP[8] = 0.05;
  cond.mercurialP[10] = 0.2;
  cond.lossP[6] = 0.3;
  const r = simulate(cond, { endToEndCrc: true, retries: 2, hedge: { kind: "after", seconds: 0.02 } }, { qps: 150 }, 7, 30);

  it("errors: every failed query counted once, under one cause", () => {
    const byCause = SERVING_CAUSES.map((c) => errorsOf(r.metrics, c.name));
    expect(byCause.filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expect(byCause.reduce((a, b) => a + b, 0)).toBe(failed(r.stats));
    expect(r.metrics.errors).toBe(failed(r.stats));
    expect(r.queries.length).toBe(r.stats.queries);
  });

  it("tail excess: the parts are exact sums of whole microseconds over the p99 tail, recomputed here from every query", () => {
    const binUs = (BASE.deadlineSec * 1e6) / TAIL_BINS;
    const bin = (q: Query) => Math.min(TAIL_BINS - 1, Math.floor(q.latencyUs / binUs));
    const sorted = r.queries.map(bin).sort((a, b) => a - b);
    const p99Bin = sorted[Math.ceil(0.99 * sorted.length) - 1];
    const tail = r.queries.filter((q) => bin(q) >= p99Bin);
    const { queries, excessUs } = r.tally.tail();
    expect(queries).toBe(tail.length);
    expect(queries).toBeGreaterThanOrEqual(0.01 * r.queries.length);
    SERVING_CAUSES.forEach((c, i) => {
      const mine = tail.filter((q) => q.cause === i).reduce((a, q) => a + Math.max(0, q.excessUs), 0);
      expect({ cause: c.name, us: excessUs[i] }).toEqual({ cause: c.name, us: mine });
    });
    const totalUs = tail.reduce((a, q) => a + Math.max(0, q.excessUs), 0);
    expect(excessUs.reduce((a, b) => a + b, 0)).toBe(totalUs);
    expect(excessUs.filter((x) => x > 0).length).toBeGreaterThanOrEqual(3);
    // The metrics: the same sums in seconds per tail query (one rounding each).
    const parts = SERVING_CAUSES.reduce((a, c) => a + r.metrics[`p99Excess.${c.name}`], 0);
    expect(r.metrics.p99Excess).toBe(totalUs / 1e6 / queries);
    expect(Math.abs(parts - r.metrics.p99Excess)).toBeLessThan(1e-12 * r.metrics.p99Excess);
  });
});
