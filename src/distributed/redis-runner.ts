// The Redis coordinator: a Runner (job.ts) that puts a batch of jobs on a BullMQ queue for
// `fleet worker` processes on any machine, and gathers their results from Redis.
//
// How a batch goes (keys and payload: redis-batch.ts):
// 1. The batch id is a hash of the jobs and the fleet version; each BullMQ job id is
//    `<batch>-<job id>`. Adding a job whose id the queue already holds does nothing, so
//    queueing the same batch twice never runs a job twice.
// 2. Results already stored for the batch are read back first and not queued again: a
//    coordinator that was stopped or died and is started again resumes where it was.
//    A job left failed by an earlier attempt is retried; one that vanished is queued again.
// 3. Workers store each result once (HSETNX); the coordinator polls the results hash for
//    the jobs still pending (every pollMs, 100 ms by default), reports each new result
//    through onResult, and returns the results in job order, as serialRunner does: a
//    JobResult read back equals the one computed (numbers JSON cannot hold are encoded).
// 4. Every reconcileMs (3 s) without a new result it checks the pending jobs' states: a
//    job BullMQ gave up on (it stalled more than maxStalledCount times, or a worker of
//    another version refused it) comes back as a "failed" result with the reason, and if
//    no worker is connected to the queue it says so once through onNotice.
// On abort (opts.signal) it stops waiting and returns the results it has, in job order;
// the jobs stay queued and the workers go on, so the next run of the batch picks them up.
// That holds while Redis is down too: a command waiting for the reconnect is abandoned
// (its answer, if one ever comes, is ignored), and close() drops a dead connection
// instead of waiting for it.
// Redis that goes silent (down, or up and not answering): each step fails after
// timeoutMs (--redis-timeout), whether a command timed out or the queue's client still
// waits for its connection to be ready (BullMQ holds a step then without sending it:
// no command timeout applies, and a Redis gone before that connection was ready once hung
// the gate, or let Node exit 13 with the step pending); the step is tried again until
// Redis has been silent for timeoutMs; then run() throws RedisConnectError (exit 2) saying so. A lost connection is
// announced at once (onNotice: what it waits for, and for how long). The results in so far
// stay in Redis, so the same command run again resumes.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { JobResult, JobSpec, Runner } from "./job.js";
import { VERSION } from "../base/version.js";
import {
  DEFAULT_KEEP_RESULTS_SEC,
  DEFAULT_QUEUE,
  JOB_NAME,
  QUEUE_PREFIX,
  batchIdOf,
  batchKeys,
  bullJobId,
  checkQueueName,
  decodeResult,
  type QueuedJob,
} from "./redis-batch.js";
import { connectRedis, hangUp, parseRedisUrl, readRedisCa, redisOptions, scrub, RedisConnectError, RedisUrlError } from "../redis/url.js";
import { DEFAULT_REDIS_TIMEOUT_MS, isNoAnswer, noAnswer } from "../redis/timeout.js";
import { formatDuration } from "../base/units.js";

export interface RedisRunnerOptions {
  /** BullMQ queue name; workers must use the same. Default "fleet". */
  queue?: string;
  /** --redis-ca FILE; else FLEET_REDIS_CA from `env`. */
  caFile?: string;
  env?: Record<string, string | undefined>;
  /** Milliseconds between two looks at the results. Default 100. */
  pollMs?: number;
  /** Milliseconds without a new result before the pending jobs' states are checked. Default 3000. */
  reconcileMs?: number;
  /** How long a batch's results stay in Redis after the last write. Default 7 days. */
  keepResultsSec?: number;
  /** Milliseconds to wait for Redis to answer (connecting, each command, a lost connection). Default 10,000. */
  timeoutMs?: number;
  /** Lines worth telling the user (no worker connected, connection trouble); no secrets. */
  onNotice?: (line: string) => void;
}

export interface RedisRunner extends Runner {
  /** The Redis URL without its password. */
  readonly display: string;
  readonly queue: string;
  /** The batch id `run(jobs)` uses. */
  batchId(jobs: readonly JobSpec[]): string;
  close(): Promise<void>;
}

const CHUNK = 500;

/**
 * Connects to the Redis at `url` (redis://[user:password@]host[:port][/db] or rediss://)
 * and returns a Runner whose jobs go to `fleet worker` processes. Throws RedisUrlError or
 * RedisConnectError (usage errors: exit 2, message without the password).
 */
export async function createRedisRunner(url: string, opts: RedisRunnerOptions = {}): Promise<RedisRunner> {
  const target = parseRedisUrl(url, "queue");
  const queueName = opts.queue ?? DEFAULT_QUEUE;
  const badQueue = checkQueueName(queueName);
  if (badQueue) throw new RedisUrlError(`--queue: ${badQueue}`);
  const tls = target.tls ? readRedisCa(opts.caFile, opts.env) : {};
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const client: Redis = await connectRedis(target, tls, { timeoutMs });
  const queue = new Queue(queueName, { connection: redisOptions(target, tls, timeoutMs, timeoutMs), prefix: QUEUE_PREFIX });
  const notice = opts.onNotice ?? (() => {});
  let lastError = "";
  const onError = (e: Error) => {
    const line = `redis: ${scrub(e.message, target)}`;
    if (line !== lastError) notice(line);
    lastError = line;
  };
  queue.on("error", onError);
  client.on("error", onError);
  let lost = false;
  /** Whether run() gave up on Redis (it did not answer within timeoutMs). */
  let gaveUp = false;
  client.on("reconnecting", () => {
    if (lost) return;
    lost = true;
    notice(
      `redis: lost the connection to Redis at ${target.display}; waiting up to ${formatDuration(timeoutMs / 1000)} (--redis-timeout) for it to answer again`,
    );
  });
  client.on("ready", () => {
    if (lost) notice(`redis: Redis at ${target.display} answers again`);
    lost = false;
  });
  const pollMs = opts.pollMs ?? 100;
  const reconcileMs = opts.reconcileMs ?? 3000;
  const keepSec = opts.keepResultsSec ?? DEFAULT_KEEP_RESULTS_SEC;

  async function hmget(key: string, fields: string[]): Promise<(string | null)[]> {
    const out: (string | null)[] = [];
    for (let i = 0; i < fields.length; i += CHUNK) out.push(...(await client.hmget(key, ...fields.slice(i, i + CHUNK))));
    return out;
  }

  return {
    display: target.display,
    queue: queueName,
    batchId: (jobs) => batchIdOf(jobs, VERSION),

    async run(jobs, runOpts = {}) {
      const n = jobs.length;
      if (n === 0) return [];
      const seen = new Set<string>();
      for (const j of jobs) {
        if (seen.has(j.id)) throw new Error(`job id ${JSON.stringify(j.id)} appears twice in the batch; job ids must be unique`);
        seen.add(j.id);
      }
      const batch = batchIdOf(jobs, VERSION);
      const keys = batchKeys(queueName, batch);
      const ids = jobs.map((j) => j.id);
      const bullIds = ids.map((id) => bullJobId(batch, id));
      const results: (JobResult | undefined)[] = new Array<JobResult | undefined>(n).fill(undefined);
      let done = 0;
      const deliver = (i: number, r: JobResult) => {
        if (results[i] || runOpts.signal?.aborted) return;
        results[i] = r;
        done++;
        runOpts.onResult?.(r, { done, total: n });
      };
      const pending = () => results.flatMap((r, i) => (r ? [] : [i]));
      const collect = async (): Promise<number> => {
        const idx = pending();
        const stored = await hmget(
          keys.results,
          idx.map((i) => ids[i]),
        );
        let found = 0;
        idx.forEach((i, k) => {
          const text = stored[k];
          // Once aborted, nothing more is reported: the caller has what it stopped at.
          if (text !== null && text !== undefined && !runOpts.signal?.aborted) {
            deliver(i, decodeResult(text));
            found++;
          }
        });
        return found;
      };
      const payload = (i: number): QueuedJob => ({ format: 1, fleetVersion: VERSION, batch, spec: jobs[i] });
      const add = async (idx: number[]) => {
        for (let k = 0; k < idx.length; k += CHUNK) {
          await queue.addBulk(
            idx.slice(k, k + CHUNK).map((i) => ({
              name: JOB_NAME,
              data: payload(i),
              opts: { jobId: bullIds[i], removeOnComplete: true, removeOnFail: { age: keepSec }, attempts: 3, backoff: { type: "fixed", delay: 1000 } },
            })),
          );
        }
      };
      /**
       * Looks at the pending jobs in BullMQ. At the start (`resume`), failed jobs are retried;
       * later they are reported as failed results. Jobs BullMQ no longer has are queued again.
       */
      const reconcile = async (resume: boolean) => {
        const idx = pending();
        const states = await Promise.all(idx.map((i) => queue.getJobState(bullIds[i])));
        const toAdd: number[] = [];
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k];
          const state = states[k];
          if (state === "unknown") {
            toAdd.push(i);
          } else if (state === "failed" || state === "completed") {
            const job = await queue.getJob(bullIds[i]);
            if (!job) {
              toAdd.push(i);
            } else if (state === "completed") {
              // Completed without a stored result (the results expired): run it again.
              await job.remove();
              toAdd.push(i);
            } else if (resume) {
              await job.retry("failed");
            } else {
              const text = await client.hget(keys.results, ids[i]);
              deliver(
                i,
                text
                  ? decodeResult(text)
                  : {
                      id: ids[i],
                      status: "failed",
                      seed: jobs[i].seed,
                      metrics: {},
                      verdicts: [],
                      traceDigest: "",
                      digest: "",
                      simEvents: 0,
                      error: `worker: ${job.failedReason ?? "failed"}`,
                    },
              );
            }
          }
        }
        await add(toAdd);
      };

      const signal = runOpts.signal;
      let lastAnswer = performance.now();
      /**
       * `step()` once Redis answers it: a step Redis did not answer is tried again every
       * pollMs until Redis has been silent for timeoutMs, then RedisConnectError. ABORTED on abort.
       */
      const patiently = async <T>(step: () => Promise<T>): Promise<T | typeof ABORTED> => {
        for (;;) {
          try {
            const v = await orAbort(within(step(), timeoutMs), signal);
            lastAnswer = performance.now();
            return v;
          } catch (e) {
            if (!isNoAnswer(e)) throw e;
            if (performance.now() - lastAnswer >= timeoutMs) {
              gaveUp = true;
              throw new RedisConnectError(
                `gave up waiting for Redis at ${target.display}: ${noAnswer(timeoutMs)}; ${done} of ${n} runs had finished, and their results stay in Redis: run the same command again to resume`,
              );
            }
            await sleep(pollMs, signal);
            if (signal?.aborted) return ABORTED;
          }
        }
      };
      if ((await patiently(collect)) === ABORTED) return results.filter((r): r is JobResult => r !== undefined);
      if (done < n && !signal?.aborted) {
        const started = patiently(() => reconcile(true).then(() => client.expire(keys.results, keepSec)));
        if ((await started) === ABORTED) return results.filter((r): r is JobResult => r !== undefined);
      }
      let lastProgress = performance.now();
      let toldNoWorker = false;
      while (done < n && !runOpts.signal?.aborted) {
        await sleep(pollMs, runOpts.signal);
        if (runOpts.signal?.aborted) break;
        const found = await patiently(collect);
        if (found === ABORTED) break;
        if (found > 0) {
          lastProgress = performance.now();
          continue;
        }
        if (performance.now() - lastProgress >= reconcileMs) {
          if ((await patiently(() => reconcile(false))) === ABORTED) break;
          lastProgress = performance.now();
          if (!toldNoWorker && done < n && (await within(queue.getWorkersCount(), timeoutMs).catch(() => -1)) === 0) {
            toldNoWorker = true;
            notice(
              `waiting for workers: none is connected to queue "${queueName}" on ${target.display}; start one with: fleet worker --redis ${target.display}${queueName !== DEFAULT_QUEUE ? ` --queue ${queueName}` : ""}`,
            );
          }
        }
      }
      return results.filter((r): r is JobResult => r !== undefined);
    },

    async close() {
      if (client.status === "ready" && !gaveUp) {
        try {
          await queue.close();
          await client.quit();
          return;
        } catch {
          // Redis stopped answering while we closed: drop the connections as below.
        }
      }
      // Redis is unreachable or silent: nothing to flush; do not wait for it.
      hangUp(client);
      const closed = new AbortController(); // ends the 500 ms wait when the queue closes first
      await Promise.race([queue.close().catch(() => {}), sleep(500, closed.signal)]);
      closed.abort();
      await queue.disconnect().catch(() => {});
    },
  };
}

const ABORTED = Symbol("aborted");

/** `p`, or a "Command timed out" error (isNoAnswer) after `ms`; the timer keeps the process alive while it waits. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  p.catch(() => {}); // a step given up on failing later is not an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Command timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** `p`, or ABORTED as soon as `signal` aborts (p goes on; its outcome is then ignored). */
function orAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  p.catch(() => {}); // an abandoned command failing later is not an unhandled rejection
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
