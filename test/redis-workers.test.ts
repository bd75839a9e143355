// Distributed runs on a real redis-server with real `fleet worker` processes (bin/fleet.js
// over dist/, which `npm test` builds first): the merged results equal the serial runner's
// exactly, a worker killed with SIGKILL in the middle of a job has that job run again by
// the other worker and every job counted once, and a coordinator stopped half-way and
// started again takes the finished results from Redis instead of running them again.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serialRunner, type JobResult, type JobSpec } from "../src/distributed/job.js";
import { createRedisRunner } from "../src/distributed/redis-runner.js";
import { QUEUE_PREFIX, batchIdOf, batchKeys } from "../src/distributed/redis-batch.js";
import { VERSION } from "../src/base/version.js";
import { describeRedis, useRedis } from "./redis-server.js";
import { fleet, tempDir } from "./helpers.js";

const BIN = join(process.cwd(), "bin/fleet.js");
const SMALL = "test/fixtures/small.yaml";
const smallText = readFileSync(SMALL, "utf8");
const DAY = 86400;

/** Eight jobs of ~0.15 s: six seeds, one with an override, one whose override is bad ("invalid"). */
const JOBS: JobSpec[] = [
  ...[1, 2, 3, 4, 5, 6].map((seed) => ({ id: `small-s${seed}`, file: SMALL, text: smallText, seed, durationSec: 365 * DAY })),
  { id: "small-s7-dc2", file: SMALL, text: smallText, seed: 7, durationSec: 365 * DAY, overrides: [{ path: "fleet.datacenters.1.rows", value: "3" }] },
  { id: "bad-override", file: SMALL, text: smallText, seed: 8, overrides: [{ path: "fleet..rows", value: "3" }] },
];
/** Three jobs of ~0.5 s each, long enough to kill a worker while it holds one. */
const LONG_JOBS: JobSpec[] = [11, 12, 13].map((seed) => ({ id: `long-s${seed}`, file: SMALL, text: smallText, seed, durationSec: 3650 * DAY }));

interface WorkerProcess {
  child: ChildProcess;
  /** host:pid, as BullMQ records it in job.processedBy. */
  name: Promise<string>;
  stdout(): string;
  /** How the process ended, once it has and its stdout and stderr are read to the end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/** Starts `fleet worker` with short lock and stalled-check times (the test settings). */
function startWorker(url: string, queue: string, extra: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    [BIN, "worker", "--queue", queue, "--lock-duration", "2s", "--stalled-interval", "0.5s", "--idle-exit", "60", ...extra],
    {
      env: { ...process.env, FLEET_REDIS_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => void (err += d.toString()));
  const name = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^fleet worker (\S+): queue/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it started: ${err}`)));
  });
  name.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, name, stdout: () => out, exited };
}

/**
 * Stops workers with Ctrl-C and waits until they have exited and their output is read to
 * the end: a worker prints a job's line after storing its result, so the coordinator can
 * have every result before the last line is read; a stopped worker has printed them all.
 */
async function stopWorkers(...ws: WorkerProcess[]): Promise<void> {
  for (const w of ws) w.child.kill("SIGINT");
  await Promise.all(ws.map((w) => w.exited));
}

/** Job ids a worker printed a finished-job line for. */
function jobsRunBy(w: WorkerProcess): string[] {
  return [...w.stdout().matchAll(/^job [0-9a-f]{8}\/(\S+) seed=\d+ (complete|invalid|failed|interrupted) /gm)].map((m) => m[1]);
}

function digests(rs: JobResult[]): string[] {
  return rs.map((r) => `${r.id}:${r.status}:${r.digest}`);
}

describeRedis("fleet worker processes on a real Redis", () => {
  const server = useRedis();
  let url: string;
  let redis: Redis;
  let serial: JobResult[];
  let serialLong: JobResult[];

  beforeAll(async () => {
    url = server.url;
    redis = new Redis(url);
    serial = await serialRunner.run(JOBS);
    serialLong = await serialRunner.run(LONG_JOBS);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    redis?.disconnect();
  });

  it("two worker processes (one on two threads) work a batch; the merged results equal the serial runner's", async () => {
    expect(serial.map((r) => r.status)).toEqual([...Array(7).fill("complete"), "invalid"]);
    const a = startWorker(url, "merge");
    const b = startWorker(url, "merge", ["--concurrency", "2"]);
    await Promise.all([a.name, b.name]);
    const runner = await createRedisRunner(url, { queue: "merge" });
    const progress: number[] = [];
    const results = await runner.run(JOBS, { onResult: (_r, p) => progress.push(p.done) });
    await runner.close();

    expect(results).toEqual(serial);
    expect(digests(results)).toEqual(digests(serial));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // every job ran exactly once, on one of the two workers, and both took part
    await stopWorkers(a, b);
    const ranA = jobsRunBy(a);
    const ranB = jobsRunBy(b);
    expect([...ranA, ...ranB].sort()).toEqual(JOBS.map((j) => j.id).sort());
    expect(ranA.length).toBeGreaterThan(0);
    expect(ranB.length).toBeGreaterThan(0);
    const runs = await redis.hgetall(batchKeys("merge", batchIdOf(JOBS, VERSION)).runs);
    expect(Object.values(runs)).toEqual(Array(JOBS.length).fill("1"));
  });

  it("a worker killed with SIGKILL mid-job: the other worker runs that job again and every job counts once", async () => {
    const a = startWorker(url, "kill");
    const b = startWorker(url, "kill");
    const [nameA] = await Promise.all([a.name, b.name]);
    // Kill A the moment Redis reports that it took a job: BullMQ's "active" event (its queue
    // event stream read from the start, "0-0", so none is missed), whose job names A as
    // processedBy and is still active, i.e. A holds it and has not finished it.
    const connection = { host: "127.0.0.1", port: server.port };
    const queue = new Queue("kill", { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents("kill", { connection, prefix: QUEUE_PREFIX, lastEventId: "0-0" });
    await events.waitUntilReady();
    let killing = false;
    const killed = new Promise<string>((resolve, reject) => {
      events.on("active", ({ jobId }) => {
        void (async () => {
          const job = await Job.fromId(queue, jobId);
          if (killing || job?.processedBy !== nameA || (await job.getState()) !== "active") return;
          killing = true;
          a.child.kill("SIGKILL");
          resolve((job.data as { spec: JobSpec }).spec.id);
        })().catch(reject);
      });
    });
    const runner = await createRedisRunner(url, { queue: "kill" });
    const running = runner.run(LONG_JOBS);
    const killedJob = await killed;
    expect(await a.exited).toEqual({ code: null, signal: "SIGKILL" });

    const results = await running;
    await runner.close();
    await events.close();
    await queue.close();
    await stopWorkers(b);
    expect(results).toEqual(serialLong);
    expect(digests(results)).toEqual(digests(serialLong));
    // A never finished the job it held; B ran it (after the lock expired) and every other job
    expect(jobsRunBy(a)).not.toContain(killedJob);
    expect(jobsRunBy(b)).toContain(killedJob);
    expect([...jobsRunBy(a), ...jobsRunBy(b)].sort()).toEqual(LONG_JOBS.map((j) => j.id).sort());
    const runs = await redis.hgetall(batchKeys("kill", batchIdOf(LONG_JOBS, VERSION)).runs);
    expect(runs).toEqual(Object.fromEntries(LONG_JOBS.map((j) => [j.id, "1"])));
  });

  it("a coordinator stopped after three results and started again reads the finished results back and runs nothing twice", async () => {
    const a = startWorker(url, "resume");
    const b = startWorker(url, "resume");
    await Promise.all([a.name, b.name]);

    const first = await createRedisRunner(url, { queue: "resume" });
    const stop = new AbortController();
    const partial = await first.run(JOBS, { onResult: (_r, p) => p.done >= 3 && stop.abort(), signal: stop.signal });
    await first.close();
    expect(partial.length).toBe(3);

    // The workers went on meanwhile; the second coordinator resumes the same batch.
    const second = await createRedisRunner(url, { queue: "resume" });
    const results = await second.run(JOBS);
    await second.close();
    expect(results).toEqual(serial);
    const runs = await redis.hgetall(batchKeys("resume", batchIdOf(JOBS, VERSION)).runs);
    expect(Object.values(runs).reduce((s, n) => s + Number(n), 0)).toBe(JOBS.length);

    // Ctrl-C stops an idle worker cleanly: exit 130, after its last line.
    await stopWorkers(a, b);
    for (const w of [a, b]) {
      expect(await w.exited).toEqual({ code: 130, signal: null });
      expect(w.stdout()).toMatch(/stopped after \d+ jobs?\n$/);
    }
    expect([...jobsRunBy(a), ...jobsRunBy(b)].sort()).toEqual(JOBS.map((j) => j.id).sort());
  });

  it("fleet gate --redis writes the same JSON report as a gate on local threads", async () => {
    const w = startWorker(url, "gate");
    await w.name;
    const dir = tempDir("fleet-gate-redis-");
    const args = ["gate", "test/fixtures/gate-small.yaml", "--seeds", "4", "--duration", "30d"];
    const local = await fleet([...args, "--json", join(dir, "local.json")]);
    const remote = await fleet([...args, "--json", join(dir, "remote.json"), "--redis", url, "--queue", "gate"]);
    expect(remote.err).not.toMatch(/internal error/);
    expect(remote.code).toBe(local.code);
    const strip = (f: string) => JSON.stringify({ ...JSON.parse(readFileSync(join(dir, f), "utf8")), runner: undefined });
    expect(strip("remote.json")).toBe(strip("local.json"));
    await stopWorkers(w);
    expect(jobsRunBy(w).length).toBe(4);
  });
});
