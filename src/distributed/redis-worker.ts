// A fleet worker on a BullMQ queue: takes jobs queued by a coordinator (redis-runner.ts),
// runs each with runJob, and stores the result in Redis once (HSETNX), so a job that two
// workers ran (one presumed dead, then back) still counts once. Keys and payload:
// redis-batch.ts. `fleet worker` (src/cli/worker.ts) is the command around it.
//
// A worker that dies mid-job (SIGKILL, a lost machine) stops renewing the job's lock; once
// the lock expires, another worker's stalled-job check puts the job back in the queue and
// it runs again elsewhere. Settings, with their production defaults (BullMQ's own, except
// maxStalledCount):
//   lockDurationMs     30,000  how long a job's lock lives unless renewed (renewed every
//                              half of it while the job runs). A worker stopped longer than
//                              this (a debugger, a frozen VM) loses its job to another.
//   stalledIntervalMs  30,000  how often each worker looks for jobs whose lock expired.
//   maxStalledCount    2       times a job may be recovered from a dead worker before it is
//                              failed (a job that kills every worker that runs it, say by
//                              running out of memory, must not go round forever).
// A job of a dead worker is retried after lockDurationMs to lockDurationMs +
// 2 x stalledIntervalMs. Tests use 2 s and 0.5 s.
//
// Before running a job the worker checks that the batch has no result for it yet (a job
// re-queued after its result was stored is skipped), and a job queued by another fleet
// version fails at once with a message, rather than computing results that would differ.
//
// Starting, the worker gives Redis timeoutMs (--redis-timeout) to answer, and fails with
// RedisConnectError (exit 2) if it does not. Once started, it waits out an outage of any
// length (saying so through onNotice): a result it computed is stored when Redis is back.
import { hostname } from "node:os";
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { runJob, type JobResult, type JobSpec } from "./job.js";
import { VERSION } from "../base/version.js";
import { JobThreads } from "./redis-job-threads.js";
import { DEFAULT_KEEP_RESULTS_SEC, DEFAULT_QUEUE, QUEUE_PREFIX, batchKeys, checkQueuedJob, encodeResult, type QueuedJob } from "./redis-batch.js";
import { connectRedis, explainRedisError, hangUp, parseRedisUrl, readRedisCa, redisOptions, scrub, RedisConnectError, type RedisTarget } from "../redis/url.js";
import { DEFAULT_REDIS_TIMEOUT_MS } from "../redis/timeout.js";

export interface RedisWorkerOptions {
  queue?: string;
  /** Jobs run at once; above 1 they run on that many worker threads. Default 1. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** --redis-ca FILE; else FLEET_REDIS_CA from `env`. */
  caFile?: string;
  env?: Record<string, string | undefined>;
  /** Milliseconds Redis has to answer at the start (and to make each connection). Default 10,000. */
  timeoutMs?: number;
  keepResultsSec?: number;
  /** Shown in BullMQ (job.processedBy) and in the start line. Default host:pid. */
  name?: string;
  /** One call per job finished or skipped. */
  onJob?: (report: WorkerJobReport) => void;
  /** Connection trouble and the like, one line each, without secrets. */
  onNotice?: (line: string) => void;
  /** How a job is run (tests); default runJob in this thread, or on threads if concurrency > 1. */
  run?: (spec: JobSpec) => Promise<JobResult>;
}

export interface WorkerJobReport {
  batch: string;
  id: string;
  seed: number;
  /** The run's status, or "skipped" (the batch had its result already). */
  status: JobResult["status"] | "skipped";
  wallSec: number;
  /** False if another run of the same job had stored its result first. */
  stored: boolean;
}

export interface RedisWorkerHandle {
  readonly name: string;
  readonly queue: string;
  readonly display: string;
  readonly concurrency: number;
  readonly settings: { lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number };
  /** Jobs running now. */
  active(): number;
  /** Jobs finished (stored, skipped or failed) since start. */
  finished(): number;
  /** Milliseconds (performance clock) when the worker last started or finished a job. */
  lastActivityMs(): number;
  /** Waiting, active, delayed and prioritized jobs of the whole queue. */
  queueBacklog(): Promise<number>;
  /** Stops taking jobs, lets the running ones finish, disconnects. */
  close(): Promise<void>;
  /**
   * Puts the running jobs back in the queue for another worker (even while close() waits
   * for them); the process should exit right after.
   */
  release(): Promise<void>;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const WORKER_DEFAULTS = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 } as const;

export async function startRedisWorker(url: string, opts: RedisWorkerOptions = {}): Promise<RedisWorkerHandle> {
  const target: RedisTarget = parseRedisUrl(url, "queue");
  const tls = target.tls ? readRedisCa(opts.caFile, opts.env) : {};
  const queueName = opts.queue ?? DEFAULT_QUEUE;
  const concurrency = opts.concurrency ?? 1;
  const settings = {
    lockDurationMs: opts.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs,
    stalledIntervalMs: opts.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
    maxStalledCount: opts.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
  };
  const keepSec = opts.keepResultsSec ?? DEFAULT_KEEP_RESULTS_SEC;
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const notice = opts.onNotice ?? (() => {});

  // Our own connection first: a bad password or an unreachable server is reported now,
  // in one line, before BullMQ starts retrying in the background. Its commands wait out
  // outages (no command timeout): a computed result is not thrown away.
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const client: Redis = await connectRedis(target, tls, { timeoutMs, commandTimeout: false });
  const threads = concurrency > 1 && !opts.run ? new JobThreads(concurrency) : undefined;
  const run = opts.run ?? (threads ? (s: JobSpec) => threads.run(s) : runJob);

  let activeJobs = 0;
  let finishedJobs = 0;
  let lastActivity = performance.now();
  const running = new Map<string, { job: Job; token: string }>();

  const processor = async (job: Job, token?: string): Promise<string> => {
    const problem = checkQueuedJob(job.data);
    if (problem) throw new UnrecoverableError(`not a fleet job: ${problem}`);
    const data = job.data as QueuedJob;
    if (data.fleetVersion !== VERSION) {
      throw new UnrecoverableError(
        `this worker runs fleet ${VERSION}, the job was queued by fleet ${data.fleetVersion}; run workers of the coordinator's version`,
      );
    }
    const keys = batchKeys(queueName, data.batch);
    const spec = data.spec;
    activeJobs++;
    lastActivity = performance.now();
    if (token !== undefined && job.id !== undefined) running.set(job.id, { job, token });
    const t0 = performance.now();
    try {
      if ((await client.hexists(keys.results, spec.id)) === 1) {
        opts.onJob?.({ batch: data.batch, id: spec.id, seed: spec.seed, status: "skipped", wallSec: (performance.now() - t0) / 1000, stored: false });
        return "skipped";
      }
      let result: JobResult;
      try {
        result = await run(spec);
      } catch (e) {
        // runJob reports bad input as "invalid"; what throws is a bug, the same wherever it
        // runs: stored as a failed result rather than retried.
        const message = (e as Error).message.split("\n")[0];
        result = {
          id: spec.id,
          status: "failed",
          seed: spec.seed,
          metrics: {},
          verdicts: [],
          traceDigest: "",
          digest: "",
          simEvents: 0,
          error: `internal: ${message}`,
        };
      }
      const reply = await client
        .multi()
        .hincrby(keys.runs, spec.id, 1)
        .hsetnx(keys.results, spec.id, encodeResult(result))
        .expire(keys.runs, keepSec)
        .expire(keys.results, keepSec)
        .exec();
      const failed = (reply ?? []).find(([err]) => err);
      if (!reply || failed) throw new Error(`could not store the result: ${failed?.[0]?.message ?? "transaction aborted"}`);
      const stored = reply[1][1] === 1;
      opts.onJob?.({ batch: data.batch, id: spec.id, seed: spec.seed, status: result.status, wallSec: (performance.now() - t0) / 1000, stored });
      return stored ? "stored" : "duplicate";
    } finally {
      if (job.id !== undefined) running.delete(job.id);
      activeJobs--;
      finishedJobs++;
      lastActivity = performance.now();
    }
  };

  const connection = redisOptions(target, tls, timeoutMs);
  const worker = new Worker(queueName, processor, {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency,
    name,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    autorun: false,
  });
  const queue = new Queue(queueName, { connection: redisOptions(target, tls, timeoutMs, timeoutMs), prefix: QUEUE_PREFIX });
  let lastNotice = "";
  const onError = (e: Error) => {
    const line = `redis: ${scrub(e.message, target)}`;
    if (line !== lastNotice) notice(line);
    lastNotice = line;
  };
  worker.on("error", onError);
  queue.on("error", onError);
  client.on("error", onError);
  worker.on("failed", (job, err) => {
    if (job && err instanceof UnrecoverableError) notice(`job ${job.id} failed: ${err.message}`);
  });
  void worker.run().catch(onError);
  // Redis answered our PING, but may fall silent before BullMQ's connections are ready.
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    worker.waitUntilReady().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  if (!ready) {
    hangUp(client);
    await Promise.race([Promise.allSettled([worker.disconnect(), queue.disconnect()]), delay(1000)]);
    await threads?.close();
    throw new RedisConnectError(explainRedisError("timed out", target, timeoutMs));
  }

  const shutdown = async () => {
    let settled = false;
    const graceful = (async () => {
      await worker.close();
      await queue.close();
      await client.quit();
    })().finally(() => (settled = true));
    // With Redis gone, BullMQ's close would wait for it forever: once no job is running
    // (or at once while Redis is unreachable: a running job could not store its result,
    // and its lock expires so another worker takes it), give it 5 s, then drop the
    // connections.
    const stuck = (async () => {
      while (!settled && activeJobs > 0 && client.status === "ready") await delay(200);
      for (let waited = 0; !settled && waited < 5000; waited += 100) await delay(100);
      return !settled;
    })();
    if (
      await Promise.race([
        graceful.then(
          () => false,
          () => true,
        ),
        stuck,
      ])
    ) {
      notice("Redis did not answer while closing; dropping the connections");
      client.disconnect();
      // BullMQ's disconnect may itself wait on a command that will never be answered.
      await Promise.race([Promise.allSettled([worker.disconnect(), queue.disconnect()]), delay(1000)]);
    }
    await threads?.close();
  };
  const release = async () => {
    // Hand the running jobs back now rather than after their locks expire; the caller
    // exits the process next (a running job cannot be stopped mid-step).
    await Promise.all(
      [...running.values()].map(({ job, token }) =>
        job.moveToWait(token).then(
          () => notice(`job ${job.id} released to the queue`),
          (e: Error) => notice(`could not release job ${job.id}: ${scrub(e.message, target)}`),
        ),
      ),
    );
    // Take no more jobs and drop the connections without waiting for the running ones.
    await Promise.race([worker.close(true).catch(() => undefined), delay(1000)]);
    await Promise.allSettled([queue.disconnect()]);
    client.disconnect();
  };
  let closing: Promise<void> | undefined;
  return {
    name,
    queue: queueName,
    display: target.display,
    concurrency,
    settings,
    active: () => activeJobs,
    finished: () => finishedJobs,
    lastActivityMs: () => lastActivity,
    queueBacklog: async () => {
      const c = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(c).reduce((a, b) => a + b, 0);
    },
    close: () => (closing ??= shutdown()),
    release,
  };
}
