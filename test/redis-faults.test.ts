// Distributed faults against a real redis-server: Redis stopped mid-gate and restarted on
// the same port and data folder (append-only file); Redis stopped mid-gate for good; Redis
// unreachable from the start; a job delivered twice. In each case the gate's results equal
// a gate on local threads, with every job counted exactly once, or the gate stops with a
// clear error (exit 2, after --redis-timeout when Redis never comes back) and a rerun
// resumes and finishes with the same results. Never a silent wrong total, never a wait
// without end.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { QUEUE_PREFIX, JOB_NAME, batchKeys } from "../src/distributed/redis-batch.js";
import { VERSION } from "../src/base/version.js";
import { freePort, startLocalRedis, type LocalRedis } from "../src/redis/local-server.js";
import { describeRedis, REDIS_SERVER, useRedis } from "./redis-server.js";
import { fleet, tempDir } from "./helpers.js";

const BIN = join(process.cwd(), "bin/fleet.js");
const GATE = ["gate", "test/fixtures/gate-small.yaml", "--seeds", "10", "--duration", "200d"];

const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The exit code, once the process has exited and its stdout and stderr are read to the end. */
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => void (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => void (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

function startWorker(url: string, queue: string): Proc {
  return start(["worker", "--queue", queue, "--lock-duration", "2s", "--stalled-interval", "0.5s", "--idle-exit", "120"], { FLEET_REDIS_URL: url });
}

/** Jobs a worker process reported as processed (one line each). */
function jobsRun(w: Proc): number {
  return [...w.out().matchAll(/^job [0-9a-f]{8}\/\S+ seed=\d+ (complete|invalid|failed|interrupted|skipped) /gm)].length;
}

/**
 * Resolves once `ok()` holds, looking again at every chunk the processes print; rejects if
 * one of them ends first (unless `ok` then holds). No clock: the test's timeout bounds it.
 */
function until(what: string, procs: Proc[], ok: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      for (const p of procs) {
        p.child.stdout!.off("data", look);
        p.child.stderr!.off("data", look);
        p.child.off("close", ended);
      }
    };
    function look() {
      if (!ok()) return;
      stop();
      resolve();
    }
    function ended() {
      if (ok()) return look();
      stop();
      const tails = procs.map((p) => `${p.child.spawnargs.slice(2, 3).join(" ")}: ${p.err().slice(-400)}${p.out().slice(-400)}`);
      reject(new Error(`a process ended while waiting for ${what}:\n${tails.join("\n")}`));
    }
    for (const p of procs) {
      p.child.stdout!.on("data", look);
      p.child.stderr!.on("data", look);
      p.child.once("close", ended);
    }
    look();
  });
}

/** A line a process printed about a failed Redis command or connection ("redis: ..."). */
const redisNotice = (text: string) => /^(fleet worker: )?redis: /m.test(text);

/** The JSON report without the runner line (which names Redis or the threads). */
const report = (file: string) => JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), runner: undefined });

let dir: string;
let localJson: string;

beforeAll(async () => {
  dir = tempDir("fleet-redis-faults-");
  localJson = join(dir, "local.json");
  const local = await fleet([...GATE, "--serial", "--json", localJson]);
  expect(local.code).toBe(1); // the naive policy breaches
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

describeRedis("Redis unreachable", () => {
  it("gate and worker stop at once with one clear line, exit 2, the password not printed", async () => {
    const url = `redis://:s3cret-pw@127.0.0.1:${await freePort()}`;
    const gate = await fleet([...GATE, "--redis", url]);
    expect(gate.code).toBe(2);
    expect(gate.err).not.toContain("s3cret-pw");
    expect(gate.err).not.toMatch(/\n\s+at /);
    expect(gate.err).toMatch(/127\.0\.0\.1/);
    expect(gate.err).not.toMatch(/runs on/);

    const w = start(["worker", "--idle-exit", "5"], { FLEET_REDIS_URL: url });
    expect(await w.exited).toBe(2);
    expect(w.err()).not.toContain("s3cret-pw");
    expect(w.err()).not.toMatch(/\n\s+at /);
    expect(w.err().trim().split("\n").length).toBe(1);
  });
});

describeRedis("Redis stopped mid-gate and restarted", () => {
  let server: LocalRedis | undefined;
  let dataDir: string;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the gate finishes with every job once (or stops clearly and a rerun resumes), results equal to local threads", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fleet-redis-aof-"));
    const port = await freePort();
    const opts = { binary: REDIS_SERVER, port, dir: dataDir, appendOnly: true };
    server = await startLocalRedis(opts);
    const url = server.url;
    const workers = [startWorker(url, "restart"), startWorker(url, "restart")];
    await until("the workers", workers, () => workers.every((w) => /^fleet worker \S+: queue/m.test(w.out())));

    const json = join(dir, "restart.json");
    const gate = start([...GATE, "--redis", url, "--queue", "restart", "--json", json]);
    await until("the first results", [gate], () => /gate: [2-9]\/10 runs/.test(gate.err()));
    await server.stop();
    // Down until both workers and the gate (unless it had ended, every result in) have each
    // had a command or a reconnect refused: they have all met the outage.
    await until("the workers to notice Redis is down", workers, () => workers.every((w) => redisNotice(w.err())));
    await until("the gate to notice Redis is down (or to end)", [gate], () => redisNotice(gate.err()) || gate.child.exitCode !== null);
    server = await startLocalRedis(opts);
    let code = await gate.exited;
    const notices = gate
      .err()
      .split("\n")
      .filter((l) => /redis/i.test(l));
    console.log(`redis restart: notices while it was down: ${JSON.stringify(notices)}`);
    expect(notices.join("\n")).not.toMatch(/\n\s+at /);
    console.log(
      `redis restart: the gate ${code === 1 ? "rode out the restart and finished" : `stopped with exit ${code}: ${gate.err().trim().split("\n").at(-1)}; rerunning`}`,
    );
    if (code !== 1) {
      // It may stop with a clear error instead; then a rerun resumes the batch.
      expect([2, 3]).toContain(code);
      expect(gate.err()).not.toMatch(/\n\s+at /);
      const rerun = start([...GATE, "--redis", url, "--queue", "restart", "--json", json, "--force"]);
      code = await rerun.exited;
    }
    expect(code).toBe(1);
    expect(report(json)).toBe(report(localJson));

    // Every job counted exactly once: ten results stored, one per job.
    const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true });
    await client.connect();
    const keys = await client.keys(`${QUEUE_PREFIX}:restart:batch:*:results`);
    expect(keys.length).toBe(1);
    expect(await client.hlen(keys[0])).toBe(10);
    client.disconnect();
    for (const w of workers) w.child.kill("SIGINT");
    await Promise.all(workers.map((w) => w.exited));
  }, 90_000);
});

describeRedis("Redis stopped mid-gate for good", () => {
  let server: LocalRedis | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("the gate says what it waits for, then exits 2 after --redis-timeout, naming Redis and the timeout", async () => {
    server = await startLocalRedis({ binary: REDIS_SERVER, password: "s3cret-pw" });
    const display = server.url.replace("s3cret-pw", "***");
    // No worker: the gate waits on its runs when Redis goes away.
    const gate = start([...GATE, "--redis", server.url, "--queue", "gone", "--redis-timeout", "1s"]);
    await until("the gate to start its runs", [gate], () => /runs on fleet workers/.test(gate.err()));
    await server.stop();
    expect(await gate.exited).toBe(2);
    expect(gate.err()).toContain(`redis: lost the connection to Redis at ${display}; waiting up to 1s (--redis-timeout) for it to answer again`);
    expect(gate.err()).toContain(`fleet gate: gave up waiting for Redis at ${display}: no answer within 1s (--redis-timeout); 0 of 10 runs had finished`);
    expect(gate.err()).not.toContain("s3cret-pw");
    expect(gate.err()).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describeRedis("Redis down, the gate stopped meanwhile", () => {
  let server: LocalRedis | undefined;
  let dataDir: string;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("Ctrl-C while Redis is down: the gate writes its partial report and exits 130, the worker stops; a rerun after the restart resumes", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fleet-redis-aof-"));
    const opts = { binary: REDIS_SERVER, port: await freePort(), dir: dataDir, appendOnly: true };
    server = await startLocalRedis(opts);
    const url = server.url;
    const worker = startWorker(url, "outage");
    await until("the worker", [worker], () => /^fleet worker \S+: queue/m.test(worker.out()));
    const json = join(dir, "outage.json");
    const gate = start([...GATE, "--redis", url, "--queue", "outage", "--json", json]);
    await until("the first results", [gate], () => /gate: [2-9]\/10 runs/.test(gate.err()));
    await server.stop();
    // Ctrl-C once both have found Redis gone (a refused command or reconnect).
    await until("the gate and the worker to notice Redis is down", [gate, worker], () => redisNotice(gate.err()) && redisNotice(worker.err()));
    gate.child.kill("SIGINT");
    const code = await Promise.race([gate.exited, new Promise<string>((r) => setTimeout(() => r("still running 10 s after SIGINT"), 10_000))]);
    expect(code).toBe(130);
    expect(gate.err()).not.toMatch(/\n\s+at /);
    const partial = JSON.parse(readFileSync(json, "utf8")) as { partial: boolean; runsComplete: number };
    expect(partial.partial).toBe(true);
    expect(partial.runsComplete).toBeLessThan(10);

    // The worker stops on Ctrl-C too while Redis is down.
    worker.child.kill("SIGINT");
    const workerCode = await Promise.race([worker.exited, new Promise<string>((r) => setTimeout(() => r("still running 10 s after SIGINT"), 10_000))]);
    if (workerCode !== 130) console.log(`worker: ${worker.err()} / ${worker.out().slice(-500)}`);
    expect(workerCode).toBe(130);
    expect(worker.err()).not.toMatch(/\n\s+at /);

    server = await startLocalRedis(opts);
    const again = startWorker(url, "outage");
    const rerun = start([...GATE, "--redis", url, "--queue", "outage", "--json", json, "--force"]);
    expect(await rerun.exited).toBe(1);
    expect(report(json)).toBe(report(localJson));
    const client = new Redis({ host: "127.0.0.1", port: opts.port, lazyConnect: true });
    await client.connect();
    const keys = await client.keys(`${QUEUE_PREFIX}:outage:batch:*:results`);
    expect(await client.hlen(keys[0])).toBe(10);
    client.disconnect();
    again.child.kill("SIGINT");
    await again.exited;
  }, 90_000);
});

describeRedis("a job delivered twice", () => {
  const redis = useRedis();

  it("is not run again or stored twice: the rerun of the gate reads the same results and queues nothing", async () => {
    // Queue the batch before any worker runs, to keep a copy of one job's payload.
    const connection = { host: "127.0.0.1", port: redis.port };
    const queue = new Queue("dup", { connection, prefix: QUEUE_PREFIX });
    // The queue's event stream from its start ("0-0"), so no event is missed.
    const events = new QueueEvents("dup", { connection, prefix: QUEUE_PREFIX, lastEventId: "0-0" });
    await events.waitUntilReady();
    const queued = new Set<string>();
    const tenQueued = new Promise<void>((resolve) =>
      events.on("waiting", ({ jobId }) => {
        queued.add(jobId);
        if (queued.size === 10) resolve();
      }),
    );
    const first = join(dir, "dup-1.json");
    const gate = fleet([...GATE, "--redis", redis.url, "--queue", "dup", "--json", first]);
    await tenQueued;
    const waiting = await queue.getJobs(["waiting"]);
    expect(waiting.length).toBe(10);
    const payload = waiting[0].data as unknown;
    const w = startWorker(redis.url, "dup");
    expect((await gate).code).toBe(1);
    expect(report(first)).toBe(report(localJson));
    // Each job's line comes right after its result is stored: wait for the ten lines.
    await until("the worker's ten job lines", [w], () => jobsRun(w) >= 10);
    expect(jobsRun(w)).toBe(10);

    // Deliver one job again under another BullMQ id, as a redelivery would.
    const again = await queue.add(JOB_NAME, payload, { jobId: "redelivered-1" });
    await until("the redelivered job to be processed", [w], () => jobsRun(w) === 11);
    await again.waitUntilFinished(events);
    expect(await again.getState()).toBe("completed");
    // The worker saw the result already stored and did not run it again.
    expect(
      w
        .out()
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("job "))
        .at(-1),
    ).toMatch(/ skipped /);

    const client = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: true });
    await client.connect();
    const keys = await client.keys(`${QUEUE_PREFIX}:dup:batch:*:results`);
    expect(keys.length).toBe(1);
    expect(await client.hlen(keys[0])).toBe(10);
    client.disconnect();

    const second = join(dir, "dup-2.json");
    const rerun = await fleet([...GATE, "--redis", redis.url, "--queue", "dup", "--json", second]);
    expect(rerun.code).toBe(1);
    expect(report(second)).toBe(report(localJson));
    await events.close();
    await queue.close();
    // Stopped, the worker has printed a line for every job it took (its output read to the end).
    w.child.kill("SIGINT");
    await w.exited;
    expect(jobsRun(w)).toBe(11); // the rerun queued nothing: all ten were stored
  }, 60_000);

  it("run twice at once by two workers, is stored once and the second is told so", async () => {
    const queue = new Queue("dup2", { connection: { host: "127.0.0.1", port: redis.port }, prefix: QUEUE_PREFIX });
    const text = readFileSync("test/fixtures/gate-small.yaml", "utf8");
    const spec = { id: "twice", file: "test/fixtures/gate-small.yaml", text, seed: 7, durationSec: 400 * 86400 };
    const batch = "feedfacefeedfacefeed";
    const payload = { format: 1, fleetVersion: VERSION, batch, spec };
    // Both deliveries wait in the queue before the workers start, so each worker takes one.
    await queue.add(JOB_NAME, payload, { jobId: "twice-a" });
    await queue.add(JOB_NAME, payload, { jobId: "twice-b" });
    const ws = [startWorker(redis.url, "dup2"), startWorker(redis.url, "dup2")];
    await until("both deliveries", ws, () => ws.reduce((n, w) => n + jobsRun(w), 0) === 2);
    const lines = ws.flatMap((w) =>
      w
        .out()
        .split("\n")
        .filter((l) => l.startsWith("job ")),
    );
    const client = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: true });
    await client.connect();
    const keys = batchKeys("dup2", batch);
    expect(await client.hlen(keys.results)).toBe(1);
    const runs = Number(await client.hget(keys.runs, "twice"));
    client.disconnect();
    if (runs === 2) {
      // Both ran it: one stored it, the other was told it came second.
      expect(lines.filter((l) => l.endsWith("(another run had stored it first; counted once)")).length).toBe(1);
    } else {
      // One worker finished before the other looked: it skipped the job.
      expect(runs).toBe(1);
      expect(lines.filter((l) => / skipped /.test(l)).length).toBe(1);
    }
    console.log(`duplicate delivery: run ${runs} time(s), stored once`);
    await queue.close();
    for (const w of ws) w.child.kill("SIGINT");
    await Promise.all(ws.map((w) => w.exited));
  }, 60_000);
});
