// Helpers for whole-scenario and CLI tests: run the CLI in-process with captured output,
// and make temp folders.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../src/cli/main.js";
import type { Io } from "../src/base/io.js";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function fleet(argv: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
    env: { NO_COLOR: "1" },
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await run(argv, io);
  return { code, out, err };
}

export function tempDir(prefix = "fleet-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** stderr without the progress lines a text or JSON run prints there (src/report/progress.ts). */
export function withoutProgress(err: string): string {
  return err.replace(/^ +\S+ +\d+% {2}faults=\d+ hostsDown=\d+( {2}ETA \S+)?\n/gm, "");
}

/** A journal's lines with the wall-clock fields removed, for byte comparisons. */
export function withoutWall(text: string): string[] {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      delete r.wall;
      delete r.crc;
      return JSON.stringify(r);
    });
}

/** A metric's values in a text report, one per policy in order, from its table or the parts a wide table is cut into. */
export function metricRow(text: string, metric: string): string[] {
  const escaped = metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...text.matchAll(new RegExp(`^${escaped} +(.+)$`, "gm"))].flatMap((m) => m[1].trim().split(/ +/));
}
