// Parallel runs: runs per second of `fleet gate` on scenarios/cosmic.yaml (every workload
// and policy, 24 simulated hours per run, ~1 s of work each: long enough that what is
// measured is the runs, not the start of the workers), one job per seed, run serially (--serial) and on 1 and 2 worker threads
// (--jobs 1, --jobs 2). Each figure times the whole command in a fresh process, as a user
// runs it: process start, starting the workers (each loads fleet's modules and warms up
// its own JIT), the runs, the outputs. Every way must give the same results: the bench
// fails if the gates' digests differ. Median of 3 repetitions (1 with --quick).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const FILE = "scenarios/cosmic.yaml";
const DURATION = "24h";
const BIN = join(process.cwd(), "bin/fleet.js");

function timeGate(seeds: number, runner: string[], json: string): { sec: number; digest: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, "gate", FILE, "--seeds", String(seeds), "--duration", DURATION, "--json", json, ...runner], { encoding: "utf8" });
  const sec = (performance.now() - t0) / 1000;
  // 0 or 1 is a verdict; anything else is a failure
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench/workers: fleet gate ${runner.join(" ")} exited ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(readFileSync(json, "utf8")) as { digest: string; runsComplete: number };
  if (doc.runsComplete !== seeds) throw new Error(`bench/workers: ${doc.runsComplete} of ${seeds} runs completed`);
  return { sec, digest: doc.digest };
}

export function benchWorkers(opts: BenchOptions): Figure[] {
  const seeds = opts.quick ? 4 : 16;
  const reps = opts.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-workers-"));
  const ways: [string, string[]][] = [
    ["serial", ["--serial"]],
    ["threads1", ["--jobs", "1"]],
    ["threads2", ["--jobs", "2"]],
  ];
  const figures: Figure[] = [];
  const digests = new Set<string>();
  const rates: Record<string, number> = {};
  try {
    for (const [name, runner] of ways) {
      const secs: number[] = [];
      for (let i = 0; i < reps; i++) {
        const r = timeGate(seeds, runner, join(dir, `${name}-${i}.json`));
        secs.push(r.sec);
        digests.add(r.digest);
      }
      rates[name] = seeds / median(secs);
      figures.push({
        name: `workers.${name}.runsPerSec`,
        value: rates[name],
        unit: "runs/s",
        extra: { runs: seeds, secs, command: `fleet gate ${FILE} --seeds ${seeds} --duration ${DURATION} ${runner.join(" ")}` },
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (digests.size !== 1) throw new Error(`bench/workers: serial and threads gave different results (${digests.size} digests)`);
  figures.push({
    name: "workers.speedup2vs1",
    value: rates.threads2 / rates.threads1,
    unit: "x",
    target: { op: ">=", value: 1.7 },
    extra: { gateDigest: [...digests][0], machine: machine() },
  });
  return figures;
}
