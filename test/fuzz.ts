// What the fuzzers (test/fuzz-*.test.ts) ask of every command they run, and what they
// measure while running it: cases, exit codes, the slowest case, and the test process's
// peak resident memory (the kernel's high-water mark, `process.resourceUsage().maxRSS`:
// vitest runs each test file in its own process) with the case during which it last rose.
// The slowest case's file and the peak's are kept beside the case file (`.slowest`,
// `.peak`) to be measured again alone. Times and memory are reported, never asserted:
// `npm run fuzz` prints them for the note.
import { copyFileSync } from "node:fs";
import type { CliResult } from "./helpers.js";

/** Output that shows fleet failed rather than refused: its internal-error line, a stack frame, a JavaScript error's name. */
export const CRASH = /internal error|\n\s+at .+:\d+:\d+|\b(TypeError|RangeError|ReferenceError|SyntaxError|EvalError|AggregateError)\b|Maximum call stack/;

/** Throws, naming the command, when it exited with a code outside `codes` or printed a crash. */
export function expectClean(argv: string[], r: CliResult, codes: readonly number[]): void {
  const crashed = CRASH.exec(r.out) ?? CRASH.exec(r.err);
  if (codes.includes(r.code) && !crashed) return;
  const why = crashed ? `printed "${crashed[0].trim()}"` : `exited ${r.code} (expected ${codes.join(", ")})`;
  throw new Error(`fleet ${argv.join(" ")} ${why}:\n${r.err.slice(0, 4000)}${r.out.slice(0, 2000)}`);
}

/** Counts of a fuzz run, printed at its end. */
export class FuzzTally {
  private cases = 0;
  private readonly exits = new Map<string, number>();
  private slowestMs = 0;
  private slowest = "";
  private readonly startMs = performance.now();
  private readonly startPeakKiB = process.resourceUsage().maxRSS;
  private peakKiB = this.startPeakKiB;
  private peakCase = "none";

  constructor(private readonly what: string) {}

  /** Runs one case (`name` says how to find it again; `file` is its input, kept when it is the slowest or raised the peak) and times it. */
  async time<T>(name: string, body: () => Promise<T>, file?: string): Promise<T> {
    const start = performance.now();
    try {
      return await body();
    } finally {
      const ms = performance.now() - start;
      this.cases++;
      if (ms > this.slowestMs) {
        [this.slowestMs, this.slowest] = [ms, name];
        if (file) copyFileSync(file, `${file}.slowest`);
      }
      const peak = process.resourceUsage().maxRSS;
      if (peak > this.peakKiB) {
        [this.peakKiB, this.peakCase] = [peak, name];
        if (file) copyFileSync(file, `${file}.peak`);
      }
    }
  }

  /** Counts one command's exit code under `label` (e.g. "chaos 1"). */
  exit(label: string, code: number): void {
    this.exits.set(`${label} ${code}`, (this.exits.get(`${label} ${code}`) ?? 0) + 1);
  }

  summary(): string {
    const exits = [...this.exits].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    const wallSec = (performance.now() - this.startMs) / 1000;
    const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
    return (
      `${this.what}: ${this.cases} cases in ${wallSec.toFixed(1)} s; slowest ${(this.slowestMs / 1000).toFixed(2)} s (${this.slowest}); ` +
      `peak RSS of the test process ${mib(this.peakKiB)} (${mib(this.startPeakKiB)} before the first case; last raised by ${this.peakCase})\n` +
      `  exits: ${exits.join(", ")}`
    );
  }
}
