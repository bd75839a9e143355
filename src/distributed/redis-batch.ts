// What the Redis coordinator (redis-runner.ts) and the workers (redis-worker.ts) agree on:
// the batch id, the BullMQ job ids, the job payload, the Redis keys of a batch and how a
// JobResult is stored.
//
// A batch is named by a hash of its jobs (every JobSpec field, in job order) and of the
// fleet version, so the same gate or sweep, started again after a coordinator died, finds
// its jobs and its finished results again; a different version never reuses results.
// BullMQ job id: `<batch>-<percent-encoded JobSpec.id>` (BullMQ refuses ":" in custom ids).
//
// Keys (prefix "fleet", queue name q, batch b):
//   fleet:q:...                 BullMQ's own keys for the queue
//   fleet:q:batch:b:results     hash: job id -> encoded JobResult, written once (HSETNX)
//   fleet:q:batch:b:runs        hash: job id -> runs finished by workers (HINCRBY), which
//                               shows whether anything was run twice
// Both expire `keepResultsSec` after the last write (default 7 days).
//
// Results are JSON with the numbers JSON cannot hold (NaN, +-Infinity, -0: a verdict's
// value is NaN when a metric is missing) written as {"$num":"NaN"}, so a result read back
// from Redis equals the one computed.
import { createHash } from "node:crypto";
import type { JobResult, JobSpec } from "./job.js";

/** BullMQ's key prefix for fleet queues. */
export const QUEUE_PREFIX = "fleet";
export const DEFAULT_QUEUE = "fleet";
/** BullMQ job name of a fleet run. */
export const JOB_NAME = "fleet.run";
export const DEFAULT_KEEP_RESULTS_SEC = 7 * 24 * 3600;

/** The payload of a BullMQ job: a JobSpec and who queued it. */
export interface QueuedJob {
  format: 1;
  fleetVersion: string;
  batch: string;
  spec: JobSpec;
}

export function batchIdOf(jobs: readonly JobSpec[], fleetVersion: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ fleetVersion }));
  for (const j of jobs) {
    h.update(JSON.stringify([j.id, j.file, j.text, j.seed, j.durationSec ?? null, (j.overrides ?? []).map((o) => [o.path, o.value])]));
    h.update("\n");
  }
  return h.digest("hex").slice(0, 20);
}

export function bullJobId(batch: string, specId: string): string {
  return `${batch}-${encodeURIComponent(specId)}`;
}

export interface BatchKeys {
  results: string;
  runs: string;
}

export function batchKeys(queue: string, batch: string): BatchKeys {
  const base = `${QUEUE_PREFIX}:${queue}:batch:${batch}`;
  return { results: `${base}:results`, runs: `${base}:runs` };
}

/** A queue name is one key segment: letters, digits, "." "_" "-". */
export function checkQueueName(name: string): string | undefined {
  return /^[A-Za-z0-9._-]{1,100}$/.test(name) ? undefined : `queue name ${JSON.stringify(name)} must be 1-100 letters, digits, ".", "_" or "-"`;
}

export function encodeResult(r: JobResult): string {
  return JSON.stringify(r, function (this: unknown, _key, value: unknown) {
    if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) return { $num: Object.is(value, -0) ? "-0" : String(value) };
    return value;
  });
}

export function decodeResult(text: string): JobResult {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "$num") {
        const s = (value as { $num: unknown }).$num;
        if (s === "NaN") return NaN;
        if (s === "Infinity") return Infinity;
        if (s === "-Infinity") return -Infinity;
        if (s === "-0") return -0;
      }
    }
    return value;
  }) as JobResult;
}

/** Checks a BullMQ job's payload; returns a reason if it is not a fleet job. */
export function checkQueuedJob(data: unknown): string | undefined {
  const d = data as Partial<QueuedJob> | null;
  if (!d || typeof d !== "object") return "the job has no data";
  if (d.format !== 1) return `unknown job format ${JSON.stringify(d.format)}`;
  const s = d.spec as Partial<JobSpec> | undefined;
  if (!s || typeof s.id !== "string" || typeof s.file !== "string" || typeof s.text !== "string" || typeof s.seed !== "number") {
    return "the job's spec lacks id, file, text or seed";
  }
  if (typeof d.batch !== "string" || typeof d.fleetVersion !== "string") return "the job lacks its batch or fleet version";
  return undefined;
}
