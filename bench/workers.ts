// Parallel runs: runs per second of `fleet gate` on scenarios/cosmic.yaml (every workload
// and policy, 24 simulated hours per run, ~0.75 s of work each), one job per seed, run
// serially (--serial) and on 1 and 2 worker threads (--jobs 1, --jobs 2). Each figure
// times the whole command in a fresh process, as a user runs it: process start, starting
// the workers, the runs, the outputs. Every way must give the same results: the bench
// fails if the gates' digests differ. Median of 3 repetitions (1 with --quick); each
// repetition runs the three ways one after the other, so a machine that gets busier or
// quieter during the bench moves all three figures alike, not just the last one measured.
//
// What bounds the 2-thread speedup (measured 2026-12-07, 2 cores): not the main thread,
// which is idle during the runs (0.06 s of CPU in a 16-run gate; a job waits about a
// millisecond between two runs), but V8. Each worker's isolate compiles fleet's hot code
// with TurboFan on V8's helper threads: ~1.6 s of CPU over its first three runs (which
// take 1.4-1.6, 1.0 and 0.9 s on 2 threads, against ~0.8 s warm) and ~0.1 s a run after
// that, with the concurrent GC. With one thread that work runs on the idle second core
// for free; with two, each isolate compiles everything and every helper thread competes
// with the runs, so 16 runs take ~15.5 s of CPU on 2 threads against ~12.4 s of wall
// time on 1. The speedup grows with the batch: 1.55x at 16 seeds, 1.68x at 48.
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
  const secs: Record<string, number[]> = Object.fromEntries(ways.map(([name]) => [name, []]));
  try {
    for (let i = 0; i < reps; i++) {
      for (const [name, runner] of ways) {
        const r = timeGate(seeds, runner, join(dir, `${name}-${i}.json`));
        secs[name].push(r.sec);
        digests.add(r.digest);
      }
    }
    for (const [name, runner] of ways) {
      rates[name] = seeds / median(secs[name]);
      figures.push({
        name: `workers.${name}.runsPerSec`,
        value: rates[name],
        unit: "runs/s",
        extra: { runs: seeds, secs: secs[name], command: `fleet gate ${FILE} --seeds ${seeds} --duration ${DURATION} ${runner.join(" ")}` },
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
