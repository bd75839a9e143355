// Shared helpers for the benchmark suite (`npm run bench`). Each bench module exports a
// function returning Figures; bench/run.ts runs them, prints one JSON line per figure and
// a readable table. Wall-clock timing lives here and only here: tests never time things.
import os from "node:os";
import { performance } from "node:perf_hooks";

export interface Target {
  op: ">=" | "<=";
  value: number;
}

export interface Figure {
  /** Stable machine-readable name, e.g. "engine.eventsPerSec". */
  name: string;
  value: number;
  unit: string;
  /** The target from the issues, if there is one. */
  target?: Target;
  /** Anything else worth keeping (runs, sizes, events...). */
  extra?: Record<string, unknown>;
}

export interface BenchOptions {
  /** A short pass: fewer repetitions and smaller sizes where the figure allows it. */
  quick: boolean;
}

export type Bench = (opts: BenchOptions) => Promise<Figure[]> | Figure[];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs fn `reps` times and returns the wall time of each run in seconds. */
export function timeRuns(reps: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

export function nowSec(): number {
  return performance.now() / 1000;
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function meets(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.op === ">=" ? f.value >= f.target.value : f.value <= f.target.value;
}
