// The `training:` workload: a synchronous data-parallel job (./job.ts), its entry
// (./schema.ts), the policy keys it reads (src/recovery/training.ts decides), its metrics,
// the fault effects it reacts to, and the hosts it runs on.
import { metric } from "../../base/metric.js";
import type { Policy } from "../../recovery/policy.js";
import { TrainingRecovery } from "../../recovery/training.js";
import type { WorkloadDef } from "../workload.js";
import { checkAsyncTraining, checkTraining } from "./check.js";
import { eligibleHosts } from "./pool.js";
import { TRAINING_CONSUMES, TrainingJob } from "./job.js";
import { POWER_WARNING_METRICS } from "./power-warnings.js";
import { type TrainingSpec, trainingSchema } from "./schema.js";

export const TRAINING_METRICS = [
  metric("training.goodput", "fraction", "productive step time / wall time of the training job", "mean"),
  metric("training.lostWorkHours", "hours", "wall hours not kept as work: the sum of the training.lost.* causes (wall time minus kept steps x step time)"),
  metric("training.lost.redoHours", "hours", "lost: steps computed and thrown away by restores from checkpoints"),
  metric("training.lost.restartHours", "hours", "lost: restarting from a checkpoint (storage or a peer's memory)"),
  metric("training.lost.waitHours", "hours", "lost: waiting for hosts or a link to come back"),
  metric("training.lost.slowdownHours", "hours", "lost: steps slower than ideal (a slow participant, or running shrunk)"),
  metric("training.lost.detectionHours", "hours", "lost: the per-step cost of silent-corruption detections"),
  metric("training.interruptions", "count", "times the job lost a participant (or a link), whatever it was doing then"),
  metric("training.silentEscapes", "count", "silent corruptions of model state that no detection caught"),
  metric("training.silentEscapesFromCores", "count", "of training.silentEscapes, those from a defective (mercurial) core; memory escapes are in memory.silent"),
  metric(
    "training.backupHostHours",
    "hours",
    "host-hours of backup workers (policy backupWorkers) while the job runs, checkpoints or restarts: what they cost (absent without backup workers)",
  ),
  metric("training.slowDrains", "count", "participants swapped out for running slow (drainSlowerThan)"),
  metric("training.corruptions", "count", "silent corruptions of model state, caught or not"),
  metric("training.rollbacks", "count", "rollbacks to a checkpoint older than a detected corruption"),
  metric("training.drains", "count", "participants swapped out at a checkpoint (corrected errors or slowness)"),
  metric("training.checkpoints", "count", "checkpoints committed"),
  metric("training.checkpointStallHours", "hours", "wall hours the job stood still writing checkpoints"),
  metric("training.stepsDone", "count", "training steps completed and kept"),
  metric("training.checkpointIntervalSec", "seconds", "compute time between checkpoints in force at the end", "mean"),
  metric(
    "training.mtbfHours",
    "hours",
    "mean time between interruptions the checkpoint interval assumes: the policy's mtbf, else from the scenario's fault rates over the job's hosts (adaptive: its estimate at the end)",
    "mean",
  ),
  metric("training.exchangeHours", "hours", "wall hours of inter-datacenter gradient exchange not hidden by compute"),
  metric(
    "training.lost.corruptCheckpointHours",
    "hours",
    "lost: steps redone because a checkpoint failed its CRC and an older one was restored (absent with checkpointChecksum off and no checkpoint damaged)",
  ),
  metric(
    "training.corruptCheckpointsCaught",
    "count",
    "checkpoints whose shard failed its CRC-32 at a restore and were skipped for the one before (absent with checkpointChecksum off and no checkpoint damaged)",
  ),
  metric(
    "training.corruptCheckpointsRestored",
    "count",
    "checkpoints damaged on disk and restored as good (checkpointChecksum off, or a garble CRC-32 missed): silent corruptions, in silentCorruptions (absent with checkpointChecksum off and no checkpoint damaged)",
  ),
  metric("training.timeToStepsHours", "hours", "wall hours to reach the `steps` target (absent if not reached)", "max"),
  metric("training.meanStaleness", "count", "async training: mean staleness of the applied updates, in steps (absent under sync)", "mean"),
  metric("training.lost.stalenessHours", "hours", "lost, async training: the extra steps stale updates cost (absent under sync)"),
  metric("training.orderIntervals", "count", "async training: checkpoint intervals in the update-order log (absent under sync)"),
  ...POWER_WARNING_METRICS,
  // Also per job, as training.<name>.<metric>, when a scenario has several (./tally.ts).
].map((m) => ({ ...m, instanced: true as const }));

export const trainingWorkload: WorkloadDef<TrainingSpec> = {
  kind: "training",
  summary: "a synchronous data-parallel job: checkpoints, restarts on spares, drains, backup workers, silent-corruption detection",
  schema: trainingSchema,
  policyKeys: [
    "checkpoint",
    "checkpointWrite",
    "inMemoryCheckpoint",
    "spares",
    "backupWorkers",
    "drainAfterCorrected",
    "drainSlowerThan",
    "detect",
    "onLoss",
    "onPowerWarning",
    "checkpointChecksum",
    "memoryScrubCost",
    "trainingMode",
    "maxStaleness",
    "mtbf",
  ],
  metrics: TRAINING_METRICS,
  consumes: TRAINING_CONSUMES,
  checks: [checkTraining, checkAsyncTraining],
  exclusive: true,
  describe: (spec) => `training job ${spec.name}`,
  hosts: (spec) => ({ start: spec.firstHost, end: spec.firstHost + spec.hosts }),
  detailHosts(spec, policies: readonly Policy[], fleet) {
    // Every host it may run on under any policy: its block, room for the most backup
    // workers and spares any policy keeps, and its pool. The same for every policy, so the
    // fault trace does not depend on one.
    const maxSpares = Math.max(0, ...policies.map((p) => p.spares));
    const maxBackups = Math.max(0, ...policies.map((p) => new TrainingRecovery(p).backups(spec.hosts)));
    const block = { start: spec.firstHost, end: spec.firstHost + spec.hosts + maxBackups + Math.ceil(spec.hosts * maxSpares) + 1 };
    const pool = eligibleHosts(spec, fleet);
    return pool ? [pool] : [block];
  },
  create: (env, spec, policy, all) => new TrainingJob(env, spec, policy, all.filter((w) => w.kind === "training").length > 1),
};
