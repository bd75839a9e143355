// `fleet replay --verify` reads a journal as a stream: one pass checks every line, another
// compares it with the re-run, and neither holds the journal. The proof is a process whose
// JavaScript heap (32 MB) cannot hold the journal's records: a synthetic journal, the
// header of a real run of test/fixtures/small.yaml and then 40,000 records of 200 numbers
// each (18 MB on disk, several times that as objects: read whole, as replay once did, it
// runs out of memory). The streaming reader checks all 40,002 lines and names the first
// that differs from the re-run.
//
// Needs dist/ built (`npm run build`; `npm test` builds first).
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { VERSION } from "../src/base/version.js";
import { JournalWriter } from "../src/journal/index.js";

const SCENARIO = "test/fixtures/small.yaml";
const RECORDS = 40_000;

/** A journal whose header is small.yaml's run and whose records are each 200 numbers. */
function syntheticJournal(path: string): void {
  const journal = JournalWriter.open(path);
  journal.writeHeader({
    fleetVersion: VERSION,
    scenario: "small",
    scenarioText: readFileSync(SCENARIO, "utf8"),
    seed: 11,
    options: { durationSec: 864_000, file: SCENARIO, reporter: "text" },
  });
  const values = Array.from({ length: 200 }, (_, i) => i % 2);
  for (let i = 0; i < RECORDS; i++) journal.record("snapshot", i, { values });
  journal.close({ at: RECORDS, metrics: {}, verdicts: null });
}

function fleetWithSmallHeap(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--max-old-space-size=32", "bin/fleet.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => void (err += d.toString()));
  return new Promise((done) => child.on("close", (code, signal) => done({ code, signal, out, err })));
}

it("fleet replay --verify checks a journal larger than its heap could hold, line by line", async () => {
  const path = join(tempDir("fleet-replay-memory-"), "big.jsonl");
  syntheticJournal(path);
  expect(statSync(path).size).toBeGreaterThan(16 * 2 ** 20);
  const r = await fleetWithSmallHeap(["replay", path, "--verify"]);
  expect(r.err).not.toContain("heap out of memory");
  expect([r.code, r.signal]).toEqual([1, null]);
  expect(r.out).toContain(`against ${(RECORDS + 2).toLocaleString("en-US")} lines of ${path}\n`);
  expect(r.out).toContain(`\n${path}:2: the re-run differs here: `);
  expect(r.out).toMatch(/\ndoes not reproduce: lines 1-1 match, line 2 differs\n$/);
}, 60_000);
