// What a training job counts as it runs, and the metrics made of it (declared in
// ./workload.ts): where the wall time went, interruptions by cause, drains.
//
// Lost time by cause. Every second of the job's wall time is kept work (steps kept x the
// ideal step time) or lost, and each lost second is counted once, under one cause (the
// metric of each in brackets):
//   redo         the ideal time of steps computed and then thrown away by a restore from a
//                checkpoint, after a loss or a rollback (training.lost.redoHours)
//   corrupt checkpoint  the ideal time of steps thrown away on top of redo because the
//                checkpoint a restore meant to use failed its CRC and an older one was
//                restored (training.lost.corruptCheckpointHours, ./shards.ts)
//   restart      restarting from a checkpoint, from storage or a peer's memory
//                (training.lost.restartHours)
//   wait         waiting for hosts or a link to come back (training.lost.waitHours)
//   checkpoint   stalls while checkpoints are written (training.checkpointStallHours)
//   slowdown     steps run slower than ideal because a participant ran slow (a straggler,
//                throttling, a lossy rack) or the job ran shrunk (training.lost.slowdownHours)
//   detection    the per-step cost of the silent-corruption detections the policy runs
//                (training.lost.detectionHours)
//   exchange     the inter-datacenter gradient exchange not hidden by compute
//                (training.exchangeHours)
//   staleness    asynchronous training only: the steps its stale updates cost
//                (training.lost.stalenessHours, ./async.ts)
// A running stretch of dt seconds at step time T = ideal x s x (1 + c) + e computes
// dt / T steps: their ideal time, (s - 1) x ideal for the slowdown, s x c x ideal for
// detection and e for the exchange add up to dt exactly. So the causes add up to wall
// time minus kept work (test: ./job.test.ts).
import type { CorruptionWatch } from "./corruption.js";

const EPS = 1e-9;

export class JobTally {
  redoSec = 0;
  restartSec = 0;
  waitSec = 0;
  stallSec = 0;
  slowSec = 0;
  detectSec = 0;
  exchangeSec = 0;
  corruptCheckpointSec = 0;
  /** Checkpoints whose shard failed its CRC at a restore (skipped for an older one). */
  corruptCheckpointsCaught = 0;
  /** Damaged checkpoints restored as good: no checksum, or a garble the CRC missed. */
  corruptCheckpointsRestored = 0;
  /** Whether the corrupt-checkpoint metrics are reported (checksums on, or a checkpoint was damaged). */
  checkpointChecks = false;
  staleSec = 0;
  interruptions = 0;
  readonly byCause = new Map<string, number>();
  /** Participants swapped out for running slow (policy drainSlowerThan). */
  slowDrains = 0;
  drains = 0;
  /** Host-seconds of participants beyond the job's hosts (backup workers) while it runs, checkpoints or restarts: their cost, not lost time. */
  backupHostSec = 0;

  /**
   * `steps` steps run at an ideal `idealSec` each, `slow` times slower, detection cost `cost`,
   * exposed exchange `exchangeSec` per step; `staleSec` of their slowness was asynchronous
   * training's staleness cost (./async.ts), not a slow participant.
   */
  ran(steps: number, idealSec: number, slow: number, cost: number, exchangeSec: number, staleSec = 0): void {
    this.slowSec += steps * idealSec * (slow - 1) - staleSec;
    this.staleSec += staleSec;
    this.detectSec += steps * idealSec * slow * cost;
    this.exchangeSec += steps * exchangeSec;
  }

  /** Wall seconds lost, every cause. */
  get lostSec(): number {
    return (
      this.redoSec +
      this.restartSec +
      this.waitSec +
      this.stallSec +
      this.slowSec +
      this.detectSec +
      this.exchangeSec +
      this.corruptCheckpointSec +
      this.staleSec
    );
  }

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
    mtbfSec: number;
    corruption: CorruptionWatch;
  }): Record<string, number> {
    const wall = job.endAt - job.startAt;
    const steps = Math.floor(job.progress + EPS);
    const c = job.corruption;
    const m: Record<string, number> = {
      "training.goodput": wall > 0 ? (steps * job.stepTimeSec) / wall : 1,
      "training.lostWorkHours": this.lostSec / 3600,
      "training.lost.redoHours": this.redoSec / 3600,
      "training.lost.restartHours": this.restartSec / 3600,
      "training.lost.waitHours": this.waitSec / 3600,
      "training.lost.slowdownHours": this.slowSec / 3600,
      "training.lost.detectionHours": this.detectSec / 3600,
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
      "training.mtbfHours": job.mtbfSec / 3600,
      "training.exchangeHours": this.exchangeSec / 3600,
    };
    if (this.checkpointChecks) {
      m["training.lost.corruptCheckpointHours"] = this.corruptCheckpointSec / 3600;
      m["training.corruptCheckpointsCaught"] = this.corruptCheckpointsCaught;
      m["training.corruptCheckpointsRestored"] = this.corruptCheckpointsRestored;
    }
    if (!Number.isNaN(job.doneAt)) m["training.timeToStepsHours"] = (job.doneAt - job.startAt) / 3600;
    for (const k of [...this.byCause.keys()].sort()) m[`training.interruptions.${k}`] = this.byCause.get(k)!;
    return m;
  }
}

/** `metrics` with each training.<metric> also as training.<job>.<metric>: one job's among several. */
export function withJobMetrics(metrics: Record<string, number>, job: string): Record<string, number> {
  const out = { ...metrics };
  for (const [k, v] of Object.entries(metrics)) if (k.startsWith("training.")) out[`training.${job}.${k.slice("training.".length)}`] = v;
  return out;
}
