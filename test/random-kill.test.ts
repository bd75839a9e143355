// Killing `fleet chaos` at random moments loses no complete record. Each round starts the
// real binary on a ~0.5 s run and sends it SIGKILL, SIGINT or SIGTERM after a delay drawn
// from a seeded generator, counted from the moment its journal file appears (a few rounds
// signal it during start-up, before the journal exists, and a few only after it ended). Then: the journal
// is at X when the run ended with a footer, or at X.partial when it was killed outright;
// every complete line's CRC holds (only a last line cut mid-write may be short); the
// records are exactly a prefix of the same run's uninterrupted journal (zero lost or
// changed records); SIGINT/SIGTERM exit 130 with an "interrupted" footer whose record count
// equals the lines; and `fleet replay --verify` (with --prefix when there is no footer)
// verifies every journal.
//
// Needs dist/ built (`npm run build`; `npm test` builds first).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fleet, tempDir, withoutWall } from "./helpers.js";
import { checkLineBytes } from "../src/journal/format.js";

const ROUNDS = 24;
const SEED = 20_240_611;
const ARGS = ["test/fixtures/small.yaml", "--duration", "1500d", "-q"];

/** mulberry32: the test's own seeded choices (never the simulation's streams). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms from spawn to the journal's .partial file appearing (polled every 2 ms), if seen. */
  openedMs?: number;
  endedMs: number;
}

/** When to send the signal: ms after spawning, or ms after the journal's .partial file appears. */
type When = { afterSpawnMs: number } | { afterOpenMs: number };

/** Runs `fleet chaos ... --journal path`, sending `signal` at `when` (if still running). */
function runChaos(path: string, signal?: NodeJS.Signals, when?: When): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["bin/fleet.js", "chaos", ...ARGS, "--journal", path], { stdio: "ignore" });
    let openedMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const send = (ms: number) => (timer = setTimeout(() => child.kill(signal), ms));
    if (signal && when && "afterSpawnMs" in when) send(when.afterSpawnMs);
    const poll = setInterval(() => {
      if (openedMs !== undefined || !existsSync(`${path}.partial`)) return;
      openedMs = Date.now() - t0;
      if (signal && when && "afterOpenMs" in when) send(when.afterOpenMs);
    }, 2);
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal: sig, openedMs, endedMs: Date.now() - t0 });
    });
  });
}

let dir: string;
let reference: string[];
let openedMs: number;
let endedMs: number;

beforeAll(async () => {
  dir = tempDir("fleet-kill-");
  const path = join(dir, "reference.jsonl");
  const r = await runChaos(path);
  expect(r.code).toBe(0);
  reference = withoutWall(readFileSync(path, "utf8"));
  expect(reference.length).toBeGreaterThan(5_000);
  openedMs = r.openedMs ?? 0;
  endedMs = r.endedMs;
  expect(endedMs - openedMs).toBeGreaterThan(200); // the run itself lasts long enough to be hit
});

describe("fleet chaos killed at random moments", () => {
  it(`keeps every complete record, ${ROUNDS} rounds`, async () => {
    const random = prng(SEED);
    const signals: NodeJS.Signals[] = ["SIGKILL", "SIGINT", "SIGTERM"];
    const tally = { rounds: 0, midRun: 0, afterEnd: 0, beforeJournal: 0, records: 0, lost: 0, killedOutright: 0, interrupted: 0 };
    const problems: string[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const signal = signals[Math.floor(random() * signals.length)];
      // Mostly inside the run (from the journal's opening to near its end); some during
      // start-up, before the journal exists; some after the run ended.
      const r = random();
      const runMs = endedMs - openedMs;
      const when: When = r < 0.1 ? { afterSpawnMs: Math.round(random() * openedMs) } : r < 0.2 ? { afterOpenMs: runMs + 500 } : { afterOpenMs: Math.round(random() * 0.9 * runMs) };
      const delay = JSON.stringify(when);
      const path = join(dir, `round-${round}.jsonl`);
      const ended = await runChaos(path, signal, when);
      const tag = `round ${round} (${signal} ${delay})`;
      tally.rounds++;

      const atPath = existsSync(path);
      const atPartial = existsSync(`${path}.partial`);
      if (!atPath && !atPartial) {
        // Killed before the journal was opened: nothing was recorded, so nothing could be lost.
        expect(ended.signal, `${tag}: no journal, so the process must have died before opening it`).toBe(signal);
        tally.beforeJournal++;
        continue;
      }
      expect(atPath && atPartial, `${tag}: journal at both X and X.partial`).toBe(false);
      const file = atPath ? path : `${path}.partial`;
      const text = readFileSync(file);

      // Every complete line's CRC holds; only a last line without "\n" may be cut.
      const raw = text.toString("utf8").split("\n");
      const cut = raw.pop()!; // "" when the file ends with "\n"
      for (const [i, line] of raw.entries()) {
        const c = checkLineBytes(Buffer.from(line, "utf8"));
        if (!c.ok) problems.push(`${tag}: ${file}:${i + 1}: ${c.reason}`);
      }
      if (cut !== "" && atPath) problems.push(`${tag}: a finished journal ends in a cut line`);

      // Zero lost or changed records: the complete lines are a prefix of the uninterrupted run.
      const lines = raw.length ? withoutWall(raw.join("\n")) : [];
      const last = lines.length ? (JSON.parse(lines[lines.length - 1]) as { t: string; status?: string; records?: number }) : undefined;
      const footer = last?.t === "footer" ? last : undefined;
      const body = footer ? lines.slice(0, -1) : lines;
      const same = body.every((l, i) => l === reference[i]);
      if (!same) {
        const i = body.findIndex((l, j) => l !== reference[j]);
        problems.push(`${tag}: line ${i + 1} is not the uninterrupted run's line ${i + 1}`);
        tally.lost++;
      }
      tally.records += Math.max(0, body.length - 1);

      if (atPath) {
        expect(footer, `${tag}: a journal at X has its footer`).toBeDefined();
        expect(footer!.records, `${tag}: footer record count`).toBe(body.length - 1);
      }
      if (ended.code === 0) {
        // Ended before the signal: the whole run.
        tally.afterEnd++;
        expect(lines, `${tag}: a run that ended is the whole run`).toEqual(reference);
      } else if (signal === "SIGKILL") {
        expect(ended.signal, tag).toBe("SIGKILL");
        expect(atPartial, `${tag}: a killed run leaves X.partial`).toBe(true);
        tally.midRun++;
        tally.killedOutright++;
      } else if (ended.signal === signal) {
        // The signal came in the few ms between opening the journal and installing the handler.
        expect(atPartial, `${tag}: died by signal, so X.partial`).toBe(true);
        tally.beforeJournal++;
      } else {
        expect(ended.code, `${tag}: exit code`).toBe(130);
        expect(footer?.status, `${tag}: footer status`).toBe("interrupted");
        tally.midRun++;
        tally.interrupted++;
      }

      // fleet replay --verify proves the journal is the run (or a prefix of it).
      if (lines.length > 0) {
        const args = ["replay", file, "--verify", ...(footer ? [] : ["--prefix"])];
        const v = await fleet(args);
        if (v.code !== 0) problems.push(`${tag}: fleet ${args.join(" ")} exited ${v.code}: ${v.err || v.out}`);
        else expect(v.out, tag).toMatch(footer?.status === "complete" ? /\nverified: [\d,]+ records, digest [0-9a-f]{64} matches\n/ : /\nverified prefix: [\d,]+ records/);
      }
    }

    console.log(`random-kill: ${JSON.stringify(tally)}`);
    expect(problems).toEqual([]);
    expect(tally.lost).toBe(0);
    expect(tally.rounds).toBe(ROUNDS);
    // The test means something only if most rounds hit a running run, with both kinds of stop.
    expect(tally.midRun).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(tally.killedOutright).toBeGreaterThan(0);
    expect(tally.interrupted).toBeGreaterThan(0);
  }, 120_000);
});
