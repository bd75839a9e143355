// Parallel runs: runs per second of one batch of small jobs (test/fixtures/gate-small.yaml,
// a 128-host training job for 10 simulated days, both policies, one job per seed) on the
// serial runner and on the thread runner with 1 and 2 workers, as `fleet gate` runs them.
// The thread figures include starting the workers (each loads fleet's modules once), so
// they are what a user sees. Every runner must give the same results: the bench fails if
// the batch digests differ. Median of 3 repetitions (1 with --quick).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { serialRunner, type JobResult, type JobSpec, type Runner } from "../src/distributed/job.js";
import { threadRunner } from "../src/distributed/thread-runner.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const FILE = "test/fixtures/gate-small.yaml";

function batchDigest(results: readonly JobResult[]): string {
  const h = createHash("sha256");
  for (const r of results) h.update(`${r.id} ${r.status} ${r.digest}\n`);
  return h.digest("hex");
}

async function timeBatch(runner: Runner, jobs: readonly JobSpec[]): Promise<{ sec: number; digest: string }> {
  const t0 = performance.now();
  const results = await runner.run(jobs);
  const sec = (performance.now() - t0) / 1000;
  if (results.length !== jobs.length || results.some((r) => r.status !== "complete")) throw new Error("bench/workers: a job did not complete");
  return { sec, digest: batchDigest(results) };
}

export async function benchWorkers(opts: BenchOptions): Promise<Figure[]> {
  const text = readFileSync(FILE, "utf8");
  const seeds = opts.quick ? 12 : 32;
  const reps = opts.quick ? 1 : 3;
  const jobs: JobSpec[] = Array.from({ length: seeds }, (_, i) => ({ id: `bench/${i}`, file: FILE, text, seed: 1000 + i }));
  const runners: [string, Runner][] = [
    ["serial", serialRunner],
    ["threads1", threadRunner({ workers: 1 })],
    ["threads2", threadRunner({ workers: 2 })],
  ];
  const figures: Figure[] = [];
  const digests = new Set<string>();
  const rates: Record<string, number> = {};
  for (const [name, runner] of runners) {
    const secs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const r = await timeBatch(runner, jobs);
      secs.push(r.sec);
      digests.add(r.digest);
    }
    rates[name] = jobs.length / median(secs);
    figures.push({ name: `workers.${name}.runsPerSec`, value: rates[name], unit: "runs/s", extra: { jobs: jobs.length, secs, scenario: FILE } });
  }
  if (digests.size !== 1) throw new Error(`bench/workers: the runners gave different results (${digests.size} batch digests)`);
  figures.push({ name: "workers.speedup2vs1", value: rates.threads2 / rates.threads1, unit: "x", extra: { batchDigest: [...digests][0], machine: machine() } });
  return figures;
}
