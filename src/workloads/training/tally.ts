// What a training job counts as it runs, and the metrics made of it (declared in
// ./workload.ts): lost work, downtime, interruptions by cause, drains, checkpoint stalls,
// exchange time. Lost work is wall time: the work redone plus the time spent restarting
// or waiting (downSec, counted once: a restore subtracts the downtime a checkpoint had
// already seen).
import type { CorruptionWatch } from "./corruption.js";

const EPS = 1e-9;

export class JobTally {
  lostSec = 0;
  /** Seconds spent restarting or waiting (part of lostSec). */
  downSec = 0;
  interruptions = 0;
  readonly byCause = new Map<string, number>();
  /** Participants swapped out for running slow (policy drainSlowerThan). */
  slowDrains = 0;
  drains = 0;
  stallSec = 0;
  exchangeSec = 0;

  interrupted(cause: string): void {
    this.interruptions++;
    this.byCause.set(cause, (this.byCause.get(cause) ?? 0) + 1);
  }

  /** The job's metrics from its tally and its state now. */
  metrics(job: {
    progress: number;
    stepTimeSec: number;
    startAt: number;
    endAt: number;
    doneAt: number;
    checkpoints: number;
    intervalSec: number;
    corruption: CorruptionWatch;
  }): Record<string, number> {
    const wall = job.endAt - job.startAt;
    const steps = Math.floor(job.progress + EPS);
    const c = job.corruption;
    const m: Record<string, number> = {
      "training.goodput": wall > 0 ? (steps * job.stepTimeSec) / wall : 1,
      "training.lostWorkHours": this.lostSec / 3600,
      "training.interruptions": this.interruptions,
      "training.silentEscapes": c.silentEscapes,
      "training.silentEscapesFromCores": c.coreEscapes,
      "training.slowDrains": this.slowDrains,
      "training.corruptions": c.corruptions,
      "training.rollbacks": c.rollbacks,
      "training.drains": this.drains,
      "training.checkpoints": job.checkpoints,
      "training.checkpointStallHours": this.stallSec / 3600,
      "training.stepsDone": steps,
      "training.checkpointIntervalSec": job.intervalSec,
      "training.exchangeHours": this.exchangeSec / 3600,
    };
    if (!Number.isNaN(job.doneAt)) m["training.timeToStepsHours"] = (job.doneAt - job.startAt) / 3600;
    for (const k of [...this.byCause.keys()].sort()) m[`training.interruptions.${k}`] = this.byCause.get(k)!;
    return m;
  }
}
