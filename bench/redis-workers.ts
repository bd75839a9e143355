// Distributed runs through Redis: runs per second of a small batch (test/fixtures/small.yaml,
// 640 hosts, one simulated year, one seed per job: ~0.15 s of simulation each, so the
// figure shows the queue's overhead too) worked by 2 `fleet worker` processes on a
// redis-server of its own (loopback, persistence off), from queueing the batch to the last
// result read back by the coordinator. For scale, the same batch run serially in this
// process. The workers are started and warmed up (one batch each) before the timing.
// Skipped, with a message, if redis-server is not installed.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { serialRunner, type JobSpec } from "../src/distributed/job.js";
import { createRedisRunner } from "../src/distributed/redis-runner.js";
import { findRedisServer, startLocalRedis } from "../src/redis/local-server.js";
import { machine, type BenchOptions, type Figure } from "./lib.js";

const FILE = "test/fixtures/small.yaml";
const BIN = fileURLToPath(new URL("../../bin/fleet.js", import.meta.url));

function jobs(seeds: number[]): JobSpec[] {
  const text = readFileSync(FILE, "utf8");
  return seeds.map((seed) => ({ id: `small-1y-s${seed}`, file: FILE, text, seed, durationSec: 365 * 86400 }));
}

function startWorker(url: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [BIN, "worker", "--queue", "bench", "--idle-exit", "300"], {
    env: { ...process.env, FLEET_REDIS_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/^fleet worker \S+: queue/m.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`fleet worker exited with ${code} before it started`)));
  });
  return { child, ready };
}

export async function benchRedisWorkers(opts: BenchOptions): Promise<Figure[]> {
  if (!findRedisServer()) {
    console.log("redis-workers: skipped: redis-server not found; install it (apt-get install redis-server) or set REDIS_SERVER");
    return [];
  }
  const n = opts.quick ? 16 : 64;
  const warm = jobs([1001, 1002, 1003, 1004]);
  const batch = jobs(Array.from({ length: n }, (_, i) => i + 1));
  const server = await startLocalRedis();
  const workers = [startWorker(server.url), startWorker(server.url)];
  try {
    await Promise.all(workers.map((w) => w.ready));
    const runner = await createRedisRunner(server.url, { queue: "bench" });
    await runner.run(warm);
    const t0 = performance.now();
    const results = await runner.run(batch);
    const sec = (performance.now() - t0) / 1000;
    await runner.close();
    if (results.length !== n || results.some((r) => r.status !== "complete"))
      throw new Error(`redis-workers: ${results.length} results, statuses ${[...new Set(results.map((r) => r.status))].join(",")}`);

    const s0 = performance.now();
    const serial = await serialRunner.run(batch);
    const serialSec = (performance.now() - s0) / 1000;
    const same = serial.every((r, i) => r.digest === results[i].digest);
    return [
      {
        name: "redis.workers2.runsPerSec",
        value: n / sec,
        unit: "runs/s",
        extra: { jobs: n, job: `${FILE} 365d`, wallSec: sec, serialRunsPerSec: n / serialSec, digestsEqualSerial: same, machine: machine() },
      },
    ];
  } finally {
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => (w.child.exitCode !== null || w.child.signalCode !== null ? undefined : new Promise((r) => w.child.once("exit", r)))));
    await server.stop();
  }
}
