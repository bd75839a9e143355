// Backup workers (policy backupWorkers, src/recovery/training.ts; the mechanism in
// ./job.ts and ./pool.ts): a job of N hosts runs N+b and each step waits for the N-th
// fastest, the N-th order statistic of the N+b participants' step times.
import { describe, expect, it } from "vitest";
import { HOST_CRASH } from "../../faults/host.js";
import { STRAGGLER } from "../../faults/straggler.js";
import { HOUR } from "../../faults/testing.js";
import type { TrainingPolicy } from "../../recovery/training.js";
import { trainingWorld } from "./testing.js";

const STEP_SEC = 4;
const N = 8;
/** No checkpoint within the tests' hours: steps are compute only. */
const noCkpt = { checkpoint: { kind: "fixed" as const, seconds: 100 * HOUR } };
/** Distinct slowdowns on four of the job's own hosts (0-7), the rest at full speed. */
const SLOW: [number, number][] = [
  [1, 6],
  [3, 4],
  [5, 2.5],
  [6, 1.5],
];

/** The n-th smallest of `values` (1-based): the n-th order statistic. */
function orderStatistic(values: number[], n: number): number {
  return [...values].sort((a, b) => a - b)[n - 1];
}

function job(backupWorkers: TrainingPolicy["backupWorkers"]) {
  const w = trainingWorld({ spec: { hosts: N }, policy: { ...noCkpt, backupWorkers } });
  for (const [h, f] of SLOW) w.trace.slow(STRAGGLER, h, f, Infinity);
  return w;
}

describe("backup workers", () => {
  it("each step takes the N-th order statistic of the N+b participants' step times", () => {
    for (const b of [0, 1, 2, 3]) {
      const w = job(b === 0 ? "off" : { count: b });
      const participants = w.job.participants();
      expect(participants).toEqual(Array.from({ length: N + b }, (_, i) => i));
      // Every participant's step time, from the slowdowns the test set (1 for the others).
      const stepTimes = participants.map((h) => STEP_SEC * (SLOW.find(([s]) => s === h)?.[1] ?? 1));
      const want = orderStatistic(stepTimes, N);
      expect(want).toBe(STEP_SEC * [6, 4, 2.5, 1.5][b]); // the (b+1)-th largest slowdown
      expect(STEP_SEC * w.job.slowdown).toBe(want);
      w.sim.runUntil("1h");
      expect(w.job.progressSteps).toBeCloseTo(HOUR / want, 9);
    }
  });

  it("off leaves the job as it was: the largest slowdown sets the pace, no backup hosts", () => {
    const w = job("off");
    const v = trainingWorld({ spec: { hosts: N }, policy: noCkpt });
    for (const [h, f] of SLOW) v.trace.slow(STRAGGLER, h, f, Infinity);
    w.sim.runUntil("2h");
    v.sim.runUntil("2h");
    expect(w.job.slowdown).toBe(6);
    expect(w.job.metrics()).toEqual(v.job.metrics());
    expect(w.job.metrics()["training.backupHostHours"]).toBeUndefined();
    expect(w.job.participants()).toEqual(v.job.participants());
  });

  it("with one straggler and a backup the job runs at full speed while it lasts; without, at its pace", () => {
    const run = (backupWorkers: TrainingPolicy["backupWorkers"]) => {
      const w = trainingWorld({ spec: { hosts: N }, policy: { ...noCkpt, backupWorkers } });
      w.trace.slow(STRAGGLER, 3, 5, HOUR);
      w.sim.runUntil("30m");
      const during = w.job.slowdown;
      w.sim.runUntil("2h");
      return { during, steps: w.job.metrics()["training.stepsDone"] };
    };
    expect(run({ count: 1 })).toEqual({ during: 1, steps: (2 * HOUR) / STEP_SEC });
    expect(run({ fraction: 0.25 })).toEqual({ during: 1, steps: (2 * HOUR) / STEP_SEC });
    expect(run("off")).toEqual({ during: 5, steps: HOUR / (5 * STEP_SEC) + HOUR / STEP_SEC });
  });

  it("the backups are a block after the job's hosts, before its spares, and their hours are counted", () => {
    const w = trainingWorld({ spec: { hosts: N }, policy: { ...noCkpt, backupWorkers: { fraction: 0.25 }, spares: 0.25 } });
    expect(w.job.backupCount).toBe(2);
    expect(w.job.participants()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    w.sim.runUntil("3h");
    expect(w.job.metrics()["training.backupHostHours"]).toBeCloseTo(2 * 3, 9);
  });

  it("losing a backup host interrupts the job like losing any participant (each holds model state)", () => {
    const w = trainingWorld({ spec: { hosts: N }, policy: { checkpoint: { kind: "fixed", seconds: HOUR }, backupWorkers: { count: 2 }, spares: 0.25 } });
    w.sim.at(1.5 * HOUR, () => w.trace.down(HOST_CRASH, { kind: "host", index: 9 }, { repairSec: HOUR }));
    w.sim.runUntil("2h");
    const m = w.job.metrics();
    expect(m["training.interruptions"]).toBe(1);
    // Restarted on the first spare (host 10): N + b participants again.
    expect(w.job.participants()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
  });

  it("restarted with fewer usable hosts than N+b, it runs with the backups it has", () => {
    // No spares, pool = block: backup host 9 down for 10 h; the job restarts on 9 hosts, one backup.
    const w = trainingWorld({ spec: { hosts: N }, policy: { ...noCkpt, backupWorkers: { count: 2 } } });
    w.sim.at(HOUR, () => w.trace.down(HOST_CRASH, { kind: "host", index: 9 }, { repairSec: 10 * HOUR }));
    w.sim.at(2 * HOUR, () => {
      w.trace.slow(STRAGGLER, 2, 3, Infinity);
      w.trace.slow(STRAGGLER, 4, 2, Infinity);
    });
    w.sim.runUntil("3h");
    expect(w.job.participants()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(w.job.slowdown).toBe(2); // one backup: the second largest
  });
});
