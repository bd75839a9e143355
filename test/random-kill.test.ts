// Killing `fleet chaos` at random moments loses no complete record. Each round starts the
// real binary on a ~0.5 s run and sends it SIGKILL, SIGINT or SIGTERM at a moment drawn
// from a seeded generator and tied to the run's own progress, never to the clock: mostly
// once its journal file has grown past a seeded number of bytes (or as soon as the file
// appears), some right after spawning (before the journal can exist) and some once the
// finished journal has been renamed to X (after the run ended). Then: the journal is at X
// when the run ended with a footer, or at X.partial when it was killed outright; every
// complete line's CRC holds (only a last line cut mid-write may be short); the records are
// exactly a prefix of the same run's uninterrupted journal (zero lost or changed records);
// SIGINT/SIGTERM exit 130 with an "interrupted" footer whose record count equals the lines;
// a signal that lands after the journal is complete leaves it complete (the process exits
// 0, or, once signals.dispose() has run, dies of that signal: Node's default); and
// `fleet replay --verify` (with --prefix when there is no footer) verifies every journal, an
// interrupted one whole, its footer included.
//
// Needs dist/ built (`npm run build`; `npm test` builds first).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, watch } from "node:fs";
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
  /** Whether the moment came and the signal was sent (a run may end before its moment). */
  sent: boolean;
}

/**
 * When to send the signal, by the run's progress: right after spawning (the process is still
 * starting Node, so no journal exists); once `<path>.partial` holds at least `bytes` bytes
 * (0: as soon as it exists; more than 0: the run has written its header, so its signal
 * handler is installed); or once the journal is at `<path>`, renamed after its footer.
 */
type When = { at: "spawn" } | { at: "partial"; bytes: number } | { at: "renamed" };

/** Runs `fleet chaos ... --journal path`, sending `signal` at `when` (if still running). */
function runChaos(path: string, signal?: NodeJS.Signals, when?: When): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/fleet.js", "chaos", ...ARGS, "--journal", path], { stdio: "ignore" });
    let sent = false;
    const send = () => {
      sent = true;
      watcher?.close();
      child.kill(signal);
    };
    // The journal's folder is watched (inotify): every write to X.partial and its rename to X
    // is an event, and each event looks whether the moment has come.
    const reached = (): boolean => {
      if (!when || when.at === "spawn") return false;
      if (when.at === "renamed") return existsSync(path);
      try {
        return statSync(`${path}.partial`).size >= when.bytes;
      } catch {
        return false; // not created yet, or already renamed
      }
    };
    const check = () => {
      if (!sent && child.exitCode === null && child.signalCode === null && reached()) send();
    };
    const watcher = signal && when && when.at !== "spawn" ? watch(join(path, ".."), check) : undefined;
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      watcher?.close();
      resolve({ code, signal: sig, sent });
    });
    if (signal && when?.at === "spawn") send();
    else check();
  });
}

let dir: string;
let reference: string[];
let referenceBytes: number;

beforeAll(async () => {
  dir = tempDir("fleet-kill-");
  const path = join(dir, "reference.jsonl");
  const r = await runChaos(path);
  expect(r.code).toBe(0);
  reference = withoutWall(readFileSync(path, "utf8"));
  referenceBytes = statSync(path).size;
  expect(reference.length).toBeGreaterThan(5_000); // the run writes long enough to be hit mid-way
});

describe("fleet chaos killed at random moments", () => {
  it(`keeps every complete record, ${ROUNDS} rounds`, async () => {
    const random = prng(SEED);
    const signals: NodeJS.Signals[] = ["SIGKILL", "SIGINT", "SIGTERM"];
    const tally = { rounds: 0, midRun: 0, afterEnd: 0, beforeJournal: 0, beforeHandler: 0, records: 0, lost: 0, killedOutright: 0, interrupted: 0 };
    const planned = { spawn: 0, partial: 0, renamed: 0 };
    const problems: string[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const signal = signals[Math.floor(random() * signals.length)];
      // Mostly inside the run (a seeded size of the journal, up to 90% of the whole; now and
      // then as soon as the file appears); some during start-up; some after the run ended.
      const r = random();
      let when: When = { at: "partial", bytes: 0 };
      if (r < 0.1) when = { at: "spawn" };
      else if (r < 0.2) when = { at: "renamed" };
      else if (r >= 0.25) when = { at: "partial", bytes: Math.round(random() * 0.9 * referenceBytes) };
      planned[when.at]++;
      const path = join(dir, `round-${round}.jsonl`);
      const ended = await runChaos(path, signal, when);
      const tag = `round ${round} (${signal} ${JSON.stringify(when)})`;
      tally.rounds++;

      const atPath = existsSync(path);
      const atPartial = existsSync(`${path}.partial`);
      if (when.at === "spawn") {
        // Signalled while Node was still starting: nothing was recorded, so nothing could be lost.
        expect(ended.signal, `${tag}: signalled at spawn, the process dies of the signal`).toBe(signal);
        expect(atPath || atPartial, `${tag}: signalled at spawn, before the journal could be opened`).toBe(false);
        tally.beforeJournal++;
        continue;
      }
      // Every other moment is the journal's own progress, so the journal exists.
      expect(atPath || atPartial, `${tag}: the moment was the journal's, so it exists`).toBe(true);
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
      if (footer?.status === "complete") {
        // The run ended before the signal landed: always so when the moment was the rename,
        // and possible when the run wrote its last tenth before a mid-run signal arrived.
        expect(lines, `${tag}: a run that ended is the whole run`).toEqual(reference);
        // The process had exited, or was still printing its summary: then, before
        // signals.dispose(), the handler only notes the signal and the exit is still 0; after
        // it Node's default handler ends the process by the signal. Nothing else.
        if (ended.code !== 0) expect(ended.signal, `${tag}: a complete run exits 0 or dies of the signal sent after its end`).toBe(signal);
        expect(ended.code === 0 || ended.sent, `${tag}: a run that was never signalled exits 0`).toBe(true);
        tally.afterEnd++;
      } else {
        expect(when.at, `${tag}: after the rename the journal is complete`).toBe("partial");
        if (footer) {
          // SIGINT/SIGTERM with the handler installed: stopped at the next step.
          expect(signal, `${tag}: an interrupted footer comes only from SIGINT/SIGTERM`).not.toBe("SIGKILL");
          expect(ended.code, `${tag}: exit code`).toBe(130);
          expect(footer.status, `${tag}: footer status`).toBe("interrupted");
          tally.midRun++;
          tally.interrupted++;
        } else {
          expect(atPartial, `${tag}: a journal without a footer is X.partial`).toBe(true);
          expect(ended.signal, `${tag}: a journal without a footer: the process died of the signal`).toBe(signal);
          if (signal === "SIGKILL") {
            tally.midRun++;
            tally.killedOutright++;
          } else {
            // SIGINT/SIGTERM kill only before the handler is installed, and the run writes its
            // first line (the header) after installing it: so nothing was written yet.
            expect(when, `${tag}: only a signal as the file appears can precede the handler`).toEqual({ at: "partial", bytes: 0 });
            expect(lines, `${tag}: died of ${signal} before the handler, so before the header`).toEqual([]);
            tally.beforeHandler++;
          }
        }
      }

      // fleet replay --verify proves the journal is the run (or a prefix of it).
      if (lines.length > 0) {
        const args = ["replay", file, "--verify", ...(footer ? [] : ["--prefix"])];
        const v = await fleet(args);
        if (v.code !== 0) problems.push(`${tag}: fleet ${args.join(" ")} exited ${v.code}: ${v.err || v.out}`);
        else expect(v.out, tag).toMatch(footer ? /\nverified: [\d,]+ records, digest [0-9a-f]{64} matches\n/ : /\nverified prefix: [\d,]+ records/);
      }
    }

    console.log(`random-kill: ${JSON.stringify({ ...tally, planned })}`);
    expect(problems).toEqual([]);
    expect(tally.lost).toBe(0);
    expect(tally.rounds).toBe(ROUNDS);
    // The test means something only if most rounds hit a running run, with both kinds of
    // stop, and the seeded plan has rounds at spawn and after the end too.
    expect(tally.midRun).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(tally.killedOutright).toBeGreaterThan(0);
    expect(tally.interrupted).toBeGreaterThan(0);
    expect(planned.spawn).toBeGreaterThan(0);
    expect(planned.renamed).toBeGreaterThan(0);
  }, 120_000);
});
