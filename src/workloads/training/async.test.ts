import { describe, expect, it } from "vitest";
import { HOST_CRASH } from "../../faults/host.js";
import { STRAGGLER } from "../../faults/straggler.js";
import { HOUR } from "../../faults/testing.js";
import type { TrainingPolicy } from "../../recovery/training.js";
import { asyncPace, STALENESS_COST, updateOrder } from "./async.js";
import { trainingWorld } from "./testing.js";

const LONG: Partial<TrainingPolicy> = { checkpoint: { kind: "fixed", seconds: 100 * HOUR } };
const ASYNC: Partial<TrainingPolicy> = { trainingMode: "async", maxStaleness: 8 };

describe("asyncPace: the closed form", () => {
  it("runs at the sum of the workers' rates; the straggler's updates land s - 1 steps stale", () => {
    // 8 workers, one 5x slower: 7 + 1/5 updates per ideal step, against 8 at full speed.
    const p = asyncPace([5], 8, 8, 8);
    expect(p.pace).toBeCloseTo(8 / 7.2, 12);
    // Its updates are 1/7.2 of those applied, each 4 steps stale.
    expect(p.meanStaleness).toBeCloseTo((0.2 * 4) / 7.2, 12);
    expect(p.staleFactor).toBeCloseTo(1 + STALENESS_COST * ((0.2 * 4) / 7.2), 12);
    expect(p.waited).toBe(0);
  });

  it("waits for a worker past the bound: the job moves S + 1 steps per update of it, which lands S stale", () => {
    const p = asyncPace([20], 8, 8, 8);
    expect(p.pace).toBeCloseTo(8 / ((8 * 9) / 20), 12);
    expect(p.meanStaleness).toBeCloseTo(8 / 20 / 7.05, 12);
    expect(p.waited).toBe(1);
  });

  it("with maxStaleness 0 is synchronous training: the slowest sets the pace, no staleness", () => {
    expect(asyncPace([5, 1.5], 8, 8, 0)).toEqual({ pace: 5, meanStaleness: 0, staleFactor: 1, waited: 2 });
    // Shrunk to 6 of 8 workers, as a synchronous job runs hosts/active times slower.
    expect(asyncPace([3], 6, 8, 0).pace).toBeCloseTo(3 * (8 / 6), 12);
    expect(asyncPace([], 8, 8, 8)).toEqual({ pace: 1, meanStaleness: 0, staleFactor: 1, waited: 0 });
  });
});

describe("updateOrder: what an order record commits to", () => {
  it("is a pure function of the seed; slow workers' updates land later", () => {
    const speeds = [1, 1, 1, 4];
    const a = updateOrder(7, speeds, 40);
    expect(updateOrder(7, speeds, 40)).toEqual(a);
    expect(updateOrder(8, speeds, 40)).not.toEqual(a);
    expect(a).toHaveLength(40);
    // Worker 3 (4x slower) lands its k-th update at ~4(k+1) steps, the others at ~k+1.
    const slowOnes = a.filter(([w]) => w === 3).length;
    expect(slowOnes).toBeGreaterThanOrEqual(2);
    expect(slowOnes).toBeLessThanOrEqual(4);
    expect(a.findIndex(([w]) => w === 3)).toBeGreaterThanOrEqual(9);
    // Each worker's updates land in its own order.
    for (const w of [0, 1, 2, 3]) {
      const ks = a.filter(([x]) => x === w).map(([, k]) => k);
      expect(ks).toEqual(ks.map((_, i) => i));
    }
  });
});

describe("an async training job", () => {
  it("story: a 5x straggler for 1h costs staleness, not step time: faster than sync, by the closed form", () => {
    const run = (policy: Partial<TrainingPolicy>) => {
      const w = trainingWorld({ spec: {}, policy: { ...LONG, ...policy } });
      w.trace.slow(STRAGGLER, 3, 5, HOUR);
      w.sim.runUntil("2h");
      return w.job.metrics();
    };
    const sync = run({});
    const async = run(ASYNC);
    expect(sync["training.stepsDone"]).toBe(3600 / 20 + 3600 / 4);
    // Hour 1: 3600 s at 4 s x pace x staleFactor per useful step; hour 2 at full speed.
    const p = asyncPace([5], 8, 8, 8);
    const hour1 = 3600 / (4 * p.pace * p.staleFactor);
    expect(async["training.stepsDone"]).toBe(Math.floor(hour1 + 900 + 1e-9));
    expect(async["training.stepsDone"]).toBeGreaterThan(sync["training.stepsDone"]);
    expect(async["training.goodput"]).toBeCloseTo((async["training.stepsDone"] * 4) / 7200, 12);
    // The penalty's time, apart from the slowdown's; together they are the whole loss.
    expect(async["training.lost.stalenessHours"] * 3600).toBeCloseTo(hour1 * 4 * p.pace * (p.staleFactor - 1), 6);
    expect(async["training.lost.slowdownHours"] * 3600).toBeCloseTo(hour1 * 4 * (p.pace - 1), 6);
    expect(async["training.lostWorkHours"] + ((hour1 + 900) * 4) / 3600).toBeCloseTo(2, 9);
    // Mean staleness, weighted by the steps run at each pace.
    expect(async["training.meanStaleness"]).toBeCloseTo((hour1 * p.meanStaleness) / (hour1 + 900), 9);
  });

  it("keeps today's synchronous job exactly under the default policy: no order records, no async metrics", () => {
    const w = trainingWorld({ spec: {}, policy: { checkpoint: { kind: "fixed", seconds: 1200 } } });
    w.trace.slow(STRAGGLER, 3, 5, HOUR);
    w.sim.runUntil("3h");
    const m = w.job.metrics();
    expect(Object.keys(m).filter((k) => /Staleness|staleness|order/.test(k))).toEqual([]);
    expect(w.records.some((r) => r.f.event === "order")).toBe(false);
  });

  it("logs one order record per checkpoint interval, a hash chain: the same for the same seed, another for another seed", () => {
    const run = (seed: number) => {
      const w = trainingWorld({ seed, spec: {}, policy: { checkpoint: { kind: "fixed", seconds: 1200 }, ...ASYNC } });
      w.sim.at(1800, () => w.trace.slow(STRAGGLER, 2, 3, 5000));
      w.sim.runUntil("3h");
      return { orders: w.records.filter((r) => r.f.event === "order"), m: w.job.metrics() };
    };
    const a = run(1);
    expect(a.orders.map((r) => r.f.interval)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.m["training.orderIntervals"]).toBe(8);
    expect(a.m["training.checkpoints"]).toBe(8);
    // Step ranges follow on; each chain value is new.
    for (let i = 1; i < a.orders.length; i++) expect(a.orders[i].f.fromStep).toBe(a.orders[i - 1].f.toStep);
    expect(new Set(a.orders.map((r) => r.f.chain)).size).toBe(8);
    expect(a.orders[0].f).toMatchObject({ job: "pretrain", event: "order", interval: 1, fromStep: 0, toStep: 300 });
    expect(run(1).orders).toEqual(a.orders);
    const b = run(2);
    expect(b.orders.map((r) => r.f.toStep)).toEqual(a.orders.map((r) => r.f.toStep));
    expect(b.orders[0].f.chain).not.toBe(a.orders[0].f.chain);
  });

  it("after a loss, the next order record starts at the restored checkpoint: the lost interval's order is thrown away with its work", () => {
    const w = trainingWorld({ spec: {}, policy: { checkpoint: { kind: "fixed", seconds: 1200 }, spares: 0.5, ...ASYNC } });
    w.sim.at(2000, () => w.trace.down(HOST_CRASH, { kind: "host", index: 1 }, { repairSec: HOUR }));
    w.sim.runUntil("3h");
    const orders = w.records.filter((r) => r.f.event === "order");
    const restart = w.records.find((r) => r.f.action === "restart")!;
    expect(restart.f.restoredFrom).toBe(1290);
    expect(orders[0].f).toMatchObject({ interval: 1, fromStep: 0, toStep: 300 });
    // Checkpoint 1 ended at 1290 s; the loss at 2000 s threw away 710 s of work.
    expect(orders[1].f).toMatchObject({ interval: 2, fromStep: 300, toStep: 600 });
    expect(orders[1].at).toBeGreaterThan(2000);
  });
});
