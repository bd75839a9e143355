// Training recovery: what a policy may say about a training job, the defaults, and the
// decisions themselves. The job (src/workloads/training/job.ts) is the mechanism: it asks
// TrainingRecovery how many spares and backup workers to keep, which hosts to restart on, how long a restart
// takes, when to checkpoint and which participants to drain; this file answers.
//
// Mechanisms and their sources:
// - checkpoint: the compute time between checkpoints. A duration, or "young" (Young 1974,
//   "A first order approximation to the optimum checkpoint interval", CACM: sqrt(2 delta M)),
//   "daly" (Daly 2006, "A higher order estimate of the optimum checkpoint interval for
//   restart dumps", FGCS), or "adaptive" (Daly's formula with M re-estimated from the
//   interruptions the job has seen, starting from the prior below). delta is the job's
//   checkpoint stall, M the job's mean time between interruptions: `mtbf` if given, else
//   the scenario's own: 1 / the rate at which its fault models take down at least one of
//   the job's hosts (Injector.hostLossRatePerSec: host crashes, GPUs, racks, bus bars,
//   PDUs, utility losses, overheating, from their configured rates, and machine checks
//   from cosmic upsets and DRAM faults, scored by the lane's detection layer with the code
//   in force, so a policy's `ecc: chipkill` lengthens M). Links, stragglers, corruption
//   rollbacks, scheduled incidents and scheduled bursts are left out, so M errs long when
//   those matter. DRAM faults count at their long-run rate, every repeated machine check of
//   a hard fault on its host included, while a run starts from fault-free DIMMs and a job
//   that restarts on other hosts leaves a faulty one behind, so M errs short where DRAM
//   faults weigh (llm-training.yaml: 2.7 h against 3.1 h seen). Only when the scenario has
//   no such rate (or the job runs without a fault layer) is M the prior from Meta's Llama 3
//   report (Dubey et al., "The Llama 3 Herd of Models", 2024, table 5): 419 unexpected
//   interruptions in 54 days on 16,384 GPUs, i.e. one per ~50,700 GPU-hours, scaled by the
//   job's accelerator count.
//   The M in force is reported as training.mtbfHours.
// - checkpointWrite: "sync" stalls the job for the whole write; "async" stalls only for a
//   snapshot into host memory (ASYNC_STALL_FRACTION of the write, after CheckFreq, Mohan
//   et al., FAST 2021) and the checkpoint becomes durable a write time later.
// - inMemoryCheckpoint: a copy of each checkpoint in a peer host's memory, so a restart
//   after a single-host loss restores from the peer (IN_MEMORY_RESTART_FRACTION of the
//   restart time) instead of storage (Google, "Resiliency at scale: managing Google's TPUv4
//   machine learning supercomputer", NSDI 2024, and Gemini's report: in-memory copies
//   recover in minutes). Correlated losses (rack, PDU, bus bar, utility) take the peer
//   copy too: the job restores from storage then.
// - spares: a fraction of the job's hosts kept as hot spares (a contiguous block after the
//   job's hosts); they fail like any host.
// - drainAfterCorrected: a participant whose corrected-error count reaches this number is
//   swapped for a spare at the next checkpoint (no lost work, one restart delay); "off".
//   Correctable errors predict uncorrectable ones (Schroeder et al., "DRAM errors in the
//   wild", SIGMETRICS 2009).
// - drainSlowerThan: a participant running at least this many times slower than normal
//   (a throttled host, a co-located job) is swapped for a spare at the next checkpoint, as
//   large training runs do with stragglers (the Llama 3 report, 2024, describes finding and
//   replacing slow hosts); "off". Worth it for long slowdowns; a short episode may end
//   before the swap pays back its restart.
// - backupWorkers: run N+b workers and take the first N gradients of each step (Chen, Pan,
//   Monga, Bengio, Jozefowicz, "Revisiting Distributed Synchronous SGD", 2016): b backup
//   workers, a count or a percentage of the job's N hosts (rounded up), "off" by default
//   (the paper tunes b per job; no default size comes from it). The b hosts come from the
//   job's pool (a block after its own hosts, before its spares) and take part like any
//   participant: they fail like any host and the job waits for them at a restart like for
//   any other. Each step then waits for the N-th fastest of the N+b participants, i.e. the
//   (b+1)-th largest slowdown (the b slowest are not waited for), so up to b stragglers or
//   throttled hosts at a time stop setting the pace; the b hosts' time is their cost
//   (training.backupHostHours). A job restarted with fewer usable hosts than N+b runs with
//   the backups it has. Left out: losing a backup host interrupts the job like losing any
//   participant (each host holds model state, as in large LLM training, not a stateless
//   worker of the paper's parameter-server setup), the gradients dropped each step (the
//   paper's convergence cost of a smaller effective batch is not charged), and per-step
//   jitter (a host is slow for whole episodes, not from step to step).
// - detect: silent-corruption detections, each with a cost per step (a fraction of step
//   time) and a delay (steps) before it catches a corruption; see DETECTIONS. The figures
//   are our own estimates: gradient checksums are cheap and immediate, cross-replica
//   comparison costs a second reduction and compares every few steps, a loss-spike check is
//   free but sees a corruption only when the loss diverges, tens of steps later (the Llama 3
//   and Gemini reports both describe catching silent data corruption this way).
// - onLoss: on losing a participant, "restart-on-spares" (falls back to waiting when no
//   spare is up), "wait-for-repair" (never uses spares), or "shrink" (restart at once on
//   the hosts left, each step slower in proportion, down to SHRINK_FLOOR of the hosts).
// - onPowerWarning (read by serving too: "migrate" takes the replicas on the warned hosts
//   out of rotation until their hosts are back, src/workloads/serving/service.ts; and by
//   storage: "migrate" copies the blocks with copies on the warned hosts to hosts outside
//   the warning before the trip, as HDFS decommissions a node, src/workloads/storage/
//   warnings.ts; storage ignores "checkpoint"): what
//   the job does when a `power.warning` (a bus bar's or a PDU's
//   temperature alarm, a datacenter overheating: src/faults/power.ts, overheat.ts) names
//   hosts it runs on, before they lose power. "ignore" (default): the trip interrupts it
//   like any loss, losing the work since the last checkpoint (up to a whole interval).
//   "checkpoint": a checkpoint at once, so the trip loses only the work done after it (at
//   most the warning's lead, 10 minutes by default, less the stall). "migrate": the same
//   checkpoint, then at its end the participants under the warning are swapped for idle
//   healthy hosts of the job's pool outside it, as a drain is (one restart delay, from a
//   peer's memory with inMemoryCheckpoint; no work lost), so the trip misses the job; until
//   the trip the job takes no warned host. When the pool lacks enough such hosts (a whole
//   datacenter overheating, a job filling its pool, wait-for-repair), migrate checkpoints
//   only. The actions and their costs are our design (no field study measures them);
//   acting before the trip is what a temperature alarm is for.
//
// - trainingMode: "sync" (default): every step waits for every participant; "async":
//   workers push updates to a parameter server without waiting, so a straggler costs
//   staleness instead of step time, and each step counts less for the staleness of its
//   updates (the model, its sources and its illustrative cost: src/workloads/training/
//   async.ts). maxStaleness bounds that staleness in steps: a worker whose updates would be
//   staler is waited for, as the Stale Synchronous Parallel parameter server does (Ho et
//   al., NIPS 2013); 0 is synchronous training. Its default, 8, is illustrative.
// - checkpointChecksum: "on" stores a CRC-32 of each checkpoint shard and checks it at
//   every restore (src/workloads/training/shards.ts); a shard garbled on disk (silent disk
//   corruption, src/faults/disk-corruption.ts) fails its check and the job falls back to
//   the checkpoint before, losing that interval's work again. "off" (default, today's
//   behaviour): the damaged checkpoint is restored as good, a silent corruption that
//   reaches the job. End-to-end checksums are what the corruption study behind the fault
//   recommends (Bairavasundaram et al., FAST 2008); off is the default only so that
//   existing results stay as they were.
// - memoryScrubCost: the fraction of step time the memory patrol scrub costs (it reads
//   every word once per memoryScrub period, ./hardware.ts, taking memory bandwidth from the
//   job), added to the detections' per-step cost and counted under detection in the lost
//   time. Default 0%, as before the key existed. Illustrative: no field study gives it; the
//   bandwidth is small (256 GiB swept in 24 h is ~3 MB/s, ~0.003% of a server's ~100 GB/s;
//   in 1 h ~0.08%), so set it from your platform when scrubbing fast.
//
// Left out: checkpoint storage bandwidth contention between jobs, partial (sharded)
// checkpoint restores, and detections that miss (each detection here always catches).
import { isScalar } from "yaml";
import {
  boolean,
  BAD,
  type Shape,
  factor,
  describeNode,
  duration,
  fraction,
  list,
  number,
  oneOf,
  opt,
  maybe,
  type Infer,
  type Validator,
} from "../base/schema.js";
import { parseDuration } from "../base/units.js";
import { dalyInterval, youngInterval } from "./checkpoint.js";

export type CheckpointInterval = { kind: "fixed"; seconds: number } | { kind: "young" } | { kind: "daly" } | { kind: "adaptive" };

export const DETECTION_NAMES = ["gradientChecksum", "crossReplica", "lossSpike"] as const;
export type DetectionName = (typeof DETECTION_NAMES)[number];

export interface DetectionModel {
  /** Extra step time, as a fraction of the step (0.01 = 1% slower steps). */
  costPerStep: number;
  /** Steps between the corruption and its detection. */
  delaySteps: number;
  doc: string;
}

/** The detections a policy may turn on (our estimates; see the top of the file). */
export const DETECTIONS: Record<DetectionName, DetectionModel> = {
  gradientChecksum: { costPerStep: 0.01, delaySteps: 1, doc: "checksums over gradients before the all-reduce: 1% per step, caught the same step" },
  crossReplica: { costPerStep: 0.03, delaySteps: 10, doc: "replicas compare their parameters every 10 steps: 3% per step, caught within 10 steps" },
  lossSpike: { costPerStep: 0, delaySteps: 50, doc: "watch the loss for spikes: free, caught ~50 steps later" },
};

/** Async checkpoints stall for this fraction of the write (a snapshot to host memory). */
export const ASYNC_STALL_FRACTION = 0.05;
/** An in-memory restore from a peer takes this fraction of the storage restart time. */
export const IN_MEMORY_RESTART_FRACTION = 0.2;
/** Shrinking keeps going down to this fraction of the job's hosts; below it the job waits. */
export const SHRINK_FLOOR = 0.5;
/** trainingMode async: the default bound on staleness, in steps (illustrative). */
export const DEFAULT_MAX_STALENESS = 8;
/** Llama 3 (2024): 16,384 GPUs x 54 days / 419 interruptions, in seconds per accelerator. */
export const LLAMA3_ACCELERATOR_MTBF_SEC = ((16384 * 54 * 24) / 419) * 3600;

/** Backup workers: a number of hosts, a fraction of the job's hosts, or none. */
export type BackupWorkers = "off" | { count: number } | { fraction: number };

export type OnLoss = "restart-on-spares" | "wait-for-repair" | "shrink";

export const POWER_WARNING_ACTIONS = ["ignore", "checkpoint", "migrate"] as const;
export type OnPowerWarning = (typeof POWER_WARNING_ACTIONS)[number];

const checkpointInterval: Validator<CheckpointInterval> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "young" || node.value === "daly" || node.value === "adaptive")) return { kind: node.value };
  if (!isScalar(node) || node.value === null) {
    return ctx.report("invalid_type", path, node ?? raw, `expected a duration like 1h, or young, daly or adaptive, found ${describeNode(node)}`);
  }
  let seconds: number;
  try {
    seconds = parseDuration(node.value);
  } catch (e) {
    return ctx.report("bad_unit", path, node, `${(e as Error).message}, or young, daly or adaptive`);
  }
  if (!(seconds > 0)) return ctx.report("invalid_value", path, node, "expected a checkpoint interval of more than zero");
  return { kind: "fixed", seconds };
};

const drainSetting: Validator<number | "off"> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false)) return "off";
  const v = number({ min: 1, integer: true })(node, path, ctx);
  return v === BAD ? BAD : v;
};

const slowSetting: Validator<number | "off"> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false)) return "off";
  const v = factor({ min: 1 })(node, path, ctx);
  return v === BAD ? BAD : v;
};

const backupSetting: Validator<BackupWorkers> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false || node.value === 0)) return "off";
  if (isScalar(node) && typeof node.value === "number") {
    const v = number({ min: 0, integer: true })(node, path, ctx);
    return v === BAD ? BAD : { count: v };
  }
  if (isScalar(node) && typeof node.value === "string" && node.value.trim().endsWith("%")) {
    const v = fraction()(node, path, ctx);
    return v === BAD ? BAD : v === 0 ? "off" : { fraction: v };
  }
  return ctx.report(
    "invalid_type",
    path,
    node ?? raw,
    `expected off, a number of hosts like 4 or a percentage of the job's hosts like 2%, found ${describeNode(node)}`,
  );
};

/** The training keys of a policy (./policy.ts merges them with the other workloads' keys). */
export const trainingPolicyFields = {
  checkpoint: opt(
    checkpointInterval,
    { kind: "fixed", seconds: 3600 } as CheckpointInterval,
    "compute time between checkpoints: a duration, young, daly or adaptive (1h)",
  ),
  checkpointWrite: opt(oneOf(["sync", "async"] as const), "sync", "sync stalls for the whole write; async for a snapshot only (sync)"),
  inMemoryCheckpoint: opt(boolean(), false, "keep a copy in a peer host's memory: faster restore after a single-host loss (false)"),
  spares: opt(fraction(), 0, "fraction of the job's hosts kept as hot spares (0%)"),
  backupWorkers: opt(
    backupSetting,
    "off" as BackupWorkers,
    "backup workers: run this many hosts (4) or this share of the job's hosts (2%) more and take the first N gradients of each step, or off (off)",
  ),
  drainAfterCorrected: opt(drainSetting, "off" as number | "off", "swap out a host at this many corrected errors, or off (off)"),
  drainSlowerThan: opt(slowSetting, "off" as number | "off", "swap out a host running this many times slower (e.g. 1.3x), or off (off)"),
  detect: opt(list(oneOf(DETECTION_NAMES)), [] as DetectionName[], "silent-corruption detections: gradientChecksum, crossReplica, lossSpike (none)"),
  onLoss: opt(
    oneOf(["restart-on-spares", "wait-for-repair", "shrink"] as const),
    "restart-on-spares" as OnLoss,
    "on losing a host: restart-on-spares, wait-for-repair or shrink (restart-on-spares)",
  ),
  onPowerWarning: opt(
    oneOf(POWER_WARNING_ACTIONS),
    "ignore" as OnPowerWarning,
    "on a power warning naming a workload's hosts: ignore, checkpoint (training: at once) or migrate (training: checkpoint, then move off the warned hosts; serving: take their replicas out of rotation; storage: copy their blocks outside the warning) (ignore)",
  ),
  trainingMode: opt(
    oneOf(["sync", "async"] as const),
    "sync",
    "sync: every step waits for every participant; async: workers push updates without waiting, stragglers cost staleness (sync)",
  ),
  maxStaleness: opt(
    number({ min: 0, integer: true }),
    DEFAULT_MAX_STALENESS,
    "async training: most steps an update may be stale; a slower worker is waited for (8, illustrative)",
  ),
  checkpointChecksum: opt(
    oneOf(["off", "on"] as const),
    "off",
    "store a CRC-32 of each checkpoint shard and check it at restore: a corrupted checkpoint is skipped for the one before (off)",
  ),
  memoryScrubCost: opt(fraction(), 0, "fraction of step time the memory patrol scrub costs, e.g. 0.1% (0%, illustrative)"),
  mtbf: maybe(
    duration({ positive: true }),
    "the job's mean time between interruptions for young/daly (default: from the scenario's fault rates over the job's hosts)",
  ),
};

export type TrainingPolicy = Infer<typeof trainingPolicyFields>;

/** The training settings a job runs under when the scenario names no policy (every default). */
export function defaultTrainingPolicy(): TrainingPolicy {
  return defaultsOf(trainingPolicyFields);
}

/** The defaults of a shape's optional keys (keys without a default are left out). */
export function defaultsOf<S extends Shape>(shape: S): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(shape)) if (f.default) out[k] = f.default();
  return out as Infer<S>;
}

/** Total per-step cost and the shortest delay of a policy's detections (Infinity: none). */
export function detectionOf(p: TrainingPolicy): { costPerStep: number; delaySteps: number } {
  let cost = 0;
  let delay = Infinity;
  for (const d of p.detect) {
    cost += DETECTIONS[d].costPerStep;
    delay = Math.min(delay, DETECTIONS[d].delaySteps);
  }
  return { costPerStep: cost, delaySteps: delay };
}

/** What a job needs to know of its hosts to decide a drain. */
export interface HostCondition {
  /** Corrected memory errors so far. */
  corrected: number;
  /** How many times slower it runs now (1: normal). */
  slowdown: number;
}

/**
 * The training decisions of one policy. The job asks; this answers. Every decision is a
 * pure function of the policy and what the job tells it.
 */
export class TrainingRecovery {
  readonly detection: { costPerStep: number; delaySteps: number };

  constructor(readonly policy: TrainingPolicy) {
    const d = detectionOf(policy);
    this.detection = { costPerStep: d.costPerStep + policy.memoryScrubCost, delaySteps: d.delaySteps };
  }

  /** Hot spares kept after a job of `hosts` hosts. */
  spares(hosts: number): number {
    const p = this.policy;
    return p.onLoss === "wait-for-repair" || p.spares === 0 ? 0 : Math.ceil(hosts * p.spares - 1e-9);
  }

  /** Backup workers run beside a job of `hosts` hosts (0: none). */
  backups(hosts: number): number {
    const b = this.policy.backupWorkers;
    if (b === "off") return 0;
    return "count" in b ? b.count : Math.ceil(hosts * b.fraction - 1e-9);
  }

  /** Whether the job restarts on other idle hosts of its pool (every policy but wait-for-repair). */
  get takesOtherHosts(): boolean {
    return this.policy.onLoss !== "wait-for-repair";
  }

  /** Fewest participants the job runs on: all of them, or the shrink floor. */
  minHosts(hosts: number): number {
    return this.policy.onLoss === "shrink" ? Math.ceil(hosts * SHRINK_FLOOR - 1e-9) : hosts;
  }

  /** Whether the job grows back to its full size at a checkpoint when hosts are free. */
  get growsBack(): boolean {
    return this.policy.onLoss === "shrink";
  }

  /** Whether a host running `slowdown` times slower may take part (drainSlowerThan). */
  accepts(slowdown: number): boolean {
    const limit = this.policy.drainSlowerThan;
    return limit === "off" || slowdown < limit;
  }

  /** Whether to swap out a participant for its corrected errors at a checkpoint (drainAfterCorrected). */
  drainsForErrors(h: HostCondition): boolean {
    const t = this.policy.drainAfterCorrected;
    return t !== "off" && h.corrected >= t;
  }

  /** Whether to swap out a participant for running slow at a checkpoint (drainSlowerThan). */
  drainsForSlowness(h: HostCondition): boolean {
    const limit = this.policy.drainSlowerThan;
    return limit !== "off" && h.slowdown >= limit;
  }

  /** Whether drains may be looked for at all (the job skips its scans when not). */
  get drains(): { errors: boolean; slowness: boolean } {
    return { errors: this.policy.drainAfterCorrected !== "off", slowness: this.policy.drainSlowerThan !== "off" };
  }

  /**
   * Which idle hosts a restart takes, in the order given (the pool's: the job's block, its
   * hot spares, then the other idle hosts of its pool), until `active` reaches `target`:
   * the first usable ones.
   */
  pickRestartHosts(poolSize: number, active: number, target: number, usable: (i: number) => boolean, isActive: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < poolSize && active + out.length < target; i++) if (!isActive(i) && usable(i)) out.push(i);
    return out;
  }

  /** The stall each checkpoint costs, for a write of `writeSec` (async: a snapshot only). */
  checkpointStallSec(writeSec: number): number {
    return this.policy.checkpointWrite === "async" ? writeSec * ASYNC_STALL_FRACTION : writeSec;
  }

  /** Whether the checkpoint becomes durable a write time after its snapshot (async). */
  get asyncCheckpoints(): boolean {
    return this.policy.checkpointWrite === "async";
  }

  /**
   * The job's mean time between interruptions, seconds, for Young's and Daly's intervals:
   * the policy's `mtbf`, else 1 / `hostLossRatePerSec` (the scenario's fault rates over the
   * job's hosts), else the Llama 3 prior for its accelerators.
   */
  mtbfSec(job: { accelerators: number; hosts: number; hostLossRatePerSec?: number }): number {
    if (this.policy.mtbf !== undefined) return this.policy.mtbf;
    const rate = job.hostLossRatePerSec ?? 0;
    if (rate > 0) return 1 / rate;
    return LLAMA3_ACCELERATOR_MTBF_SEC / (Math.max(1, job.accelerators) * job.hosts);
  }

  /**
   * Compute seconds between checkpoints: the fixed interval, or Young's or Daly's optimum
   * for the job's stall and the mean time between interruptions in force (`mtbfInForceSec`).
   */
  checkpointIntervalSec(job: { stallSec: number; mtbfSec: number; seenSec: number; interruptions: number }): number {
    const c = this.policy.checkpoint;
    if (c.kind === "fixed") return c.seconds;
    const delta = Math.max(job.stallSec, 1e-3);
    const m = this.mtbfInForceSec(job);
    return c.kind === "young" ? youngInterval(delta, m) : dalyInterval(delta, m);
  }

  /**
   * The job's `mtbfSec` (above), or for adaptive its re-estimate from what the job has seen:
   * the prior counted as one interruption, plus the job's own.
   */
  mtbfInForceSec(job: { mtbfSec: number; seenSec: number; interruptions: number }): number {
    return this.adaptive ? (job.mtbfSec + job.seenSec) / (1 + job.interruptions) : job.mtbfSec;
  }

  /** Whether the interval is recomputed as the step time changes (adaptive). */
  get adaptive(): boolean {
    return this.policy.checkpoint.kind === "adaptive";
  }

  /** Whether a restore checks each shard's CRC-32 and skips a corrupted checkpoint (checkpointChecksum). */
  get checksCheckpoints(): boolean {
    return this.policy.checkpointChecksum === "on";
  }

  /** Whether a restart after this loss restores from a peer's memory (a single host lost, inMemoryCheckpoint). */
  restoresFromPeer(singleHost: boolean): boolean {
    return this.policy.inMemoryCheckpoint && singleHost;
  }

  /** Whether a drained job restarts from a peer's memory (nothing was lost). */
  get drainRestoresFromPeer(): boolean {
    return this.policy.inMemoryCheckpoint;
  }

  /**
   * What to do on a power warning naming `warned` of the job's participants: nothing when
   * none; with migrate, move them when the pool can replace them all (`replaceable`), else
   * checkpoint.
   */
  onPowerWarning(warned: number, replaceable: boolean): OnPowerWarning {
    const p = this.policy.onPowerWarning;
    if (warned === 0 || p === "ignore") return "ignore";
    return p === "migrate" && replaceable ? "migrate" : "checkpoint";
  }

  /** Whether workers push updates without waiting for each other (trainingMode async). */
  get asyncUpdates(): boolean {
    return this.policy.trainingMode === "async";
  }

  /** Async training: the most steps an applied update may be stale. */
  get maxStaleness(): number {
    return this.policy.maxStaleness;
  }

  /** Seconds a restart takes: from a peer's memory a fraction of the storage restart. */
  restartSec(storageRestartSec: number, fromPeer: boolean): number {
    return storageRestartSec * (fromPeer ? IN_MEMORY_RESTART_FRACTION : 1);
  }
}
