// The `training:` workload entry:
//
//   - training: { name: pretrain, hosts: 2048, stepTime: 4s, checkpointWrite: 90s, restart: 5m }
//
// Keys and defaults (the model is described in ./job.ts): hosts, the participants (each
// with all its accelerators), a contiguous block from firstHost (0), spares after it;
// pool, the other hosts it may restart on (its datacenter's, the fleet's, or none: the
// block and spares only) and coldStart, what taking one costs (./pool.ts);
// stepTime, one step's compute; checkpointWrite (90s) and restart (5m), illustrative, from
// DESIGN.md's example; steps, a target after which the job stops (none: run to the end);
// gradientGB and overlap, the inter-datacenter exchange of a job spanning datacenters
// (./exchange.ts); checkpointShard, the bytes of one host's share of a checkpoint on disk
// (4GiB, illustrative: ./shards.ts).
import { duration, map, maybe, number, object, oneOf, opt, req, size, string, type Validator } from "../../base/schema.js";

/**
 * Gradient bytes a step exchanges between datacenters, GB (1e9 bytes): 2 GB, the bf16
 * gradients (2 bytes each) of 1B parameters, e.g. a small model, or the shard of a larger
 * one that each data-parallel group all-reduces. Our illustrative choice: set it from the
 * model size and sharding.
 */
export const DEFAULT_GRADIENT_GB = 2;
/**
 * Fraction of the exchange hidden behind compute: 0, none. Bucketed all-reduce overlaps
 * communication with the backward pass within a datacenter (PyTorch DDP, Li et al.,
 * VLDB 2020), but a WAN exchange usually outlasts the backward pass; 0 is the
 * conservative default.
 */
export const DEFAULT_OVERLAP = 0;

export interface TrainingSpec {
  name: string;
  /** Participating hosts (each with all its accelerators). */
  hosts: number;
  stepTimeSec: number;
  checkpointWriteSec: number;
  restartSec: number;
  /** A steps target: the job stops when it is reached. */
  steps?: number;
  /** First host index of the job's block (spares follow the job's hosts). */
  firstHost: number;
  /** Gradient bytes exchanged between datacenters per step, GB (default DEFAULT_GRADIENT_GB). */
  gradientGB?: number;
  /** Fraction of the inter-datacenter exchange hidden by compute, 0..1 (default DEFAULT_OVERLAP). */
  overlap?: number;
  /** The hosts it may restart on besides its block and spares: its datacenter, the whole fleet, or none. */
  pool: TrainingPool;
  /** Seconds a cold host (not a hot spare) adds to a restart. */
  coldStartSec: number;
  /** Bytes of one host's shard of a checkpoint (./shards.ts; default DEFAULT_CHECKPOINT_SHARD_BYTES). */
  checkpointShardBytes?: number;
}

export type TrainingPool = "datacenter" | "fleet" | "block";

/**
 * Seconds a cold host from the pool adds to a restart, over a hot spare's: 10 min, our
 * illustrative choice (a host the scheduler hands over has to pull the job's image and
 * data and join the job's collective; a hot spare has done that already).
 */
export const DEFAULT_COLD_START_SEC = 600;

/** Bytes of one host's checkpoint shard: 4 GiB, illustrative (./shards.ts says why). */
export const DEFAULT_CHECKPOINT_SHARD_BYTES = 4 * 2 ** 30;

/** The `training:` workload entry: `{ name, hosts: 2048, stepTime: 4s, checkpointWrite: 90s, restart: 5m, steps? }`. */
export const trainingSchema: Validator<TrainingSpec> = map(
  object(
    {
      name: req(string({ pattern: /^[A-Za-z0-9_-]+$/, what: "a job name" }), "the job's name"),
      hosts: req(number({ min: 1, integer: true }), "hosts in the job"),
      stepTime: req(duration({ positive: true }), "time of one training step, e.g. 4s"),
      checkpointWrite: opt(duration(), 90, "time to write a checkpoint to storage (90s)"),
      restart: opt(duration(), 300, "time to restart from a storage checkpoint (5m)"),
      steps: maybe(number({ min: 1, integer: true }), "stop after this many steps (none: run to the end)"),
      firstHost: opt(number({ min: 0, integer: true }), 0, "index of the first host of the job (0)"),
      gradientGB: maybe(number({ min: 0 }), "gradient GB exchanged between datacenters per step when the job spans several (2: 1B bf16 parameters)"),
      overlap: maybe(number({ min: 0, max: 1 }), "fraction of the inter-datacenter exchange hidden by compute (0)"),
      pool: opt(
        oneOf(["datacenter", "fleet", "block"] as const),
        "datacenter" as TrainingPool,
        "hosts it may restart on: its datacenter's idle hosts, the fleet's, or only its block and spares (datacenter)",
      ),
      coldStart: opt(duration(), DEFAULT_COLD_START_SEC, "time a cold host from the pool adds to a restart, over a hot spare (10m, illustrative)"),
      checkpointShard: maybe(size({ positive: true }), "bytes of one host's share of a checkpoint on disk (4GiB, illustrative)"),
    },
    "a training job",
  ),
  (o) => {
    const spec: TrainingSpec = {
      name: o.name,
      hosts: o.hosts,
      stepTimeSec: o.stepTime,
      checkpointWriteSec: o.checkpointWrite,
      restartSec: o.restart,
      firstHost: o.firstHost,
      pool: o.pool,
      coldStartSec: o.coldStart,
    };
    if (o.steps !== undefined) spec.steps = o.steps;
    if (o.gradientGB !== undefined) spec.gradientGB = o.gradientGB;
    if (o.overlap !== undefined) spec.overlap = o.overlap;
    if (o.checkpointShard !== undefined) spec.checkpointShardBytes = o.checkpointShard;
    return spec;
  },
);
