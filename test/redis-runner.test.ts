// The Redis coordinator and worker in one process, on a real redis-server: the paths that
// are hard to reach with worker processes. A job a worker refuses comes back as a failed run
// with the reason, and a coordinator started again retries it; with no worker connected the
// coordinator says so; a worker's release() hands a running job back to the queue at once
// and close() waits for the running job and stores it; a job queued again after its result
// was stored is not run again.
import { readFileSync } from "node:fs";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runJob, serialRunner, type JobResult, type JobSpec } from "../src/distributed/job.js";
import { createRedisRunner } from "../src/distributed/redis-runner.js";
import { startRedisWorker, type WorkerJobReport } from "../src/distributed/redis-worker.js";
import { JOB_NAME, QUEUE_PREFIX, batchIdOf, batchKeys, bullJobId, type QueuedJob } from "../src/distributed/redis-batch.js";
import { VERSION } from "../src/base/version.js";
import { describeRedis, useRedis } from "./redis-server.js";

const SMALL = "test/fixtures/small.yaml";
const text = readFileSync(SMALL, "utf8");
const job = (seed: number): JobSpec => ({ id: `s${seed}`, file: SMALL, text, seed, durationSec: 10 * 86400 });

/** Counts calls of `tick()`; `reached(n)` resolves at the n-th (an event to wait on, no polling). */
function counter() {
  let count = 0;
  const waiting = new Map<number, () => void>();
  return {
    tick(): void {
      count++;
      waiting.get(count)?.();
    },
    reached(n: number): Promise<void> {
      return count >= n ? Promise.resolve() : new Promise((resolve) => waiting.set(n, resolve));
    },
  };
}

describeRedis("the Redis coordinator and worker, in process", () => {
  const server = useRedis();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server.url);
  });
  afterAll(() => redis?.disconnect());
  const connection = () => ({ host: "127.0.0.1", port: server.port });

  it("a job a worker refuses comes back as a failed run with the reason; the coordinator started again retries it", async () => {
    const jobs = [job(1)];
    const refuser = new Worker(
      "refuse",
      async () => {
        throw new UnrecoverableError("this worker refuses");
      },
      { connection: connection(), prefix: QUEUE_PREFIX },
    );
    const first = await createRedisRunner(server.url, { queue: "refuse", reconcileMs: 200 });
    const failed = await first.run(jobs);
    await first.close();
    await refuser.close();
    expect(failed).toEqual([
      { id: "s1", status: "failed", seed: 1, metrics: {}, verdicts: [], traceDigest: "", digest: "", simEvents: 0, error: "worker: this worker refuses" },
    ]);

    const worker = await startRedisWorker(server.url, { queue: "refuse" });
    const second = await createRedisRunner(server.url, { queue: "refuse", reconcileMs: 200 });
    const retried = await second.run(jobs);
    await second.close();
    await worker.close();
    expect(retried).toEqual(await serialRunner.run(jobs));
  });

  it("with no worker connected, the coordinator says so once, with the command that starts one", async () => {
    const notices: string[] = [];
    const stop = new AbortController();
    const runner = await createRedisRunner(server.url, {
      queue: "nobody",
      reconcileMs: 200,
      onNotice: (line) => {
        notices.push(line);
        stop.abort();
      },
    });
    expect(await runner.run([job(2)], { signal: stop.signal })).toEqual([]);
    await runner.close();
    expect(notices).toEqual([
      `waiting for workers: none is connected to queue "nobody" on ${server.url}; start one with: fleet worker --redis ${server.url} --queue nobody`,
    ]);
  });

  it("release() hands a running job back to the queue at once; close() waits for the running job and stores its result", async () => {
    const jobs = [job(3)];
    const bullId = bullJobId(batchIdOf(jobs, VERSION), "s3");
    const queue = new Queue("hand", { connection: connection(), prefix: QUEUE_PREFIX });
    let letGo: () => void = () => undefined;
    const started = counter(); // jobs the workers have begun (each assigns letGo to its own)
    const held = (spec: JobSpec): Promise<JobResult> =>
      new Promise((resolve) => {
        letGo = () => void runJob(spec).then(resolve);
        started.tick();
      });

    // A worker whose job waits for us: release() puts it back in the queue.
    const first = await startRedisWorker(server.url, { queue: "hand", run: held });
    const runner = await createRedisRunner(server.url, { queue: "hand" });
    const running = runner.run(jobs);
    await started.reached(1);
    expect(await queue.getJobState(bullId)).toBe("active");
    await first.release();
    expect(await queue.getJobState(bullId)).toBe("waiting");

    // A second worker takes it; close() while the job runs waits for it and stores it.
    const reports: WorkerJobReport[] = [];
    const second = await startRedisWorker(server.url, { queue: "hand", run: held, onJob: (r) => reports.push(r) });
    // wait until the second worker's run has begun, so letGo is its job's, not the released one's
    await started.reached(2);
    expect(second.active()).toBe(1);
    const closed = second.close();
    letGo();
    await closed;
    expect(reports.map((r) => [r.id, r.status, r.stored])).toEqual([["s3", "complete", true]]);
    expect(await running).toEqual(await serialRunner.run(jobs));
    await runner.close();
    await queue.close();
  });

  it("a job queued again after its result was stored is skipped, not run again", async () => {
    const jobs = [job(4)];
    const batch = batchIdOf(jobs, VERSION);
    const reports: WorkerJobReport[] = [];
    const reported = counter();
    const worker = await startRedisWorker(server.url, {
      queue: "again",
      onJob: (r) => {
        reports.push(r);
        reported.tick();
      },
    });
    const runner = await createRedisRunner(server.url, { queue: "again" });
    await runner.run(jobs);
    await runner.close();

    const queue = new Queue("again", { connection: connection(), prefix: QUEUE_PREFIX });
    const payload: QueuedJob = { format: 1, fleetVersion: VERSION, batch, spec: jobs[0] };
    await queue.add(JOB_NAME, payload, { jobId: bullJobId(batch, "s4"), removeOnComplete: true });
    await reported.reached(2);
    await queue.close();
    await worker.close();
    expect(reports.map((r) => r.status)).toEqual(["complete", "skipped"]);
    expect(await redis.hget(batchKeys("again", batch).runs, "s4")).toBe("1");
  });
});
