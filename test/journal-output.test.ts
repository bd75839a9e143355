// Where a journal may go and how big it may grow: the journal limit (limits.maxJournal,
// --max-journal) refuses a scenario whose snapshots alone cannot fit before anything runs,
// and stops a run that reaches it with exit 2 and a journal that is an exact prefix of the
// run with a `failed` footer; a folder at --journal is refused before simulating, a symbolic
// link at PATH.partial is never written through, and an empty file is filled.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../src/journal/index.js";
import { fleet, tempDir, withoutWall } from "./helpers.js";

const SMALL = "test/fixtures/small.yaml";

/** test/fixtures/small.yaml with `lines` added after its duration. */
function smallWith(dir: string, lines: string, duration = "10d"): string {
  const file = join(dir, "snap.yaml");
  writeFileSync(file, readFileSync(SMALL, "utf8").replace("duration: 10d\n", `duration: ${duration}\n${lines}\n`));
  return file;
}

describe("the journal's size limit", () => {
  it("refuses a scenario whose snapshots alone would pass it, at its line, before anything runs; --max-journal raises it", async () => {
    const dir = tempDir();
    const file = smallWith(dir, "snapshotEvery: 1ms");
    const r = await fleet(["chaos", file, "--journal", join(dir, "run.jsonl"), "-q"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(
      `${file}:5:16 snapshotEvery: snapshots every 1ms over 10d make 864,000,000 records, at least 51.5GiB of journal, above the safety limit of 1GiB (limits.maxJournal) (make snapshotEvery at least 51.5ms, or raise the limit with --max-journal or limits.maxJournal)`,
    );
    expect(r.out).toBe("");
    expect(readdirSync(dir)).toEqual(["snap.yaml"]);
    const raised = await fleet(["chaos", file, "--max-journal", "64GiB", "--duration", "2s", "--journal", join(dir, "run.jsonl"), "-q"]);
    expect(raised.code).toBe(0);
    expect(readJournal(join(dir, "run.jsonl")).footer?.recordsByType.snapshot).toBe(2000);
  });

  it("refuses a --duration whose snapshots would pass it, before the journal is opened", async () => {
    const dir = tempDir();
    const file = smallWith(dir, "snapshotEvery: 1ms", "1h");
    const r = await fleet(["chaos", file, "--duration", "10d", "--journal", join(dir, "run.jsonl"), "-q"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(
      "fleet chaos: snapshots every 1ms over 10d make 864,000,000 records, at least 51.5GiB of journal, above the safety limit of 1GiB (limits.maxJournal); make snapshotEvery at least 51.5ms, or raise the limit with --max-journal or limits.maxJournal",
    );
    expect(readdirSync(dir)).toEqual(["snap.yaml"]);
  });

  it("stops a run that reaches it: exit 2 naming the limit, the journal an exact prefix of the run with a failed footer", async () => {
    const dir = tempDir();
    const whole = join(dir, "whole.jsonl");
    const capped = join(dir, "capped.jsonl");
    expect((await fleet(["chaos", SMALL, "--journal", whole, "-q"])).code).toBe(0);
    const r = await fleet(["chaos", SMALL, "--journal", capped, "--max-journal", "8KiB", "-q"]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(
      /^error: the journal reached its size limit of 8KiB at \S+ of simulated time: the records from then on are not in it; raise it with --max-journal or limits\.maxJournal$/m,
    );
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    const read = readJournal(capped);
    expect(read.ok).toBe(true);
    expect(read.digestMatches).toBe(true);
    expect(read.footer?.status).toBe("failed");
    expect(read.footer?.error).toContain("size limit of 8KiB");
    const lines = withoutWall(readFileSync(capped, "utf8"));
    const wholeLines = withoutWall(readFileSync(whole, "utf8"));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.length).toBeLessThan(wholeLines.length);
    expect(lines.slice(1, -1)).toEqual(wholeLines.slice(1, lines.length - 1)); // every record kept is the run's, in order
    expect(read.header?.options).toEqual({ ...readJournal(whole).header?.options, maxJournalBytes: 8192 }); // the flag is recorded
    const text = readFileSync(capped, "utf8");
    const footerBytes = Buffer.byteLength(text.slice(text.lastIndexOf("\n", text.length - 2) + 1));
    expect(Buffer.byteLength(text) - footerBytes).toBeLessThanOrEqual(8 * 1024);
  });

  it("a run stopped at it verifies with fleet replay --verify, the limit raised by --max-journal or set by the scenario", async () => {
    const dir = tempDir();
    const capped = join(dir, "capped.jsonl");
    expect((await fleet(["chaos", SMALL, "--journal", capped, "--max-journal", "8KiB", "-q"])).code).toBe(2);
    const lines = readFileSync(capped, "utf8").trimEnd().split("\n").length;
    expect(readJournal(capped).header?.options.maxJournalBytes).toBe(8192);
    const r = await fleet(["replay", capped, "--verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /\nnote: the run failed at (\S+) \(the journal reached its size limit of 8KiB at \1 of simulated time: .*\); the re-run must fail the same way, footer included\n/,
    );
    expect(r.out).toMatch(new RegExp(`\nverified: ${lines} records, digest [0-9a-f]{64} matches\n$`));

    const file = smallWith(dir, "limits: { maxJournal: 8KiB }");
    const bySetting = join(dir, "by-setting.jsonl");
    expect((await fleet(["chaos", file, "--journal", bySetting, "-q"])).code).toBe(2);
    expect(readJournal(bySetting).header?.options.maxJournalBytes).toBeUndefined(); // the scenario text says it
    expect((await fleet(["replay", bySetting, "--verify"])).out).toMatch(/\nverified: \d+ records, digest [0-9a-f]{64} matches\n$/);
  });

  it("fleet replay --import takes --max-journal as fleet chaos does, and its journal verifies", async () => {
    const dir = tempDir();
    const journal = join(dir, "incident.jsonl");
    const r = await fleet([
      "replay",
      "--import",
      "test/fixtures/incident.jsonl",
      "--scenario",
      "test/fixtures/replay.yaml",
      "--journal",
      journal,
      "--max-journal",
      "16KiB",
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^error: the journal reached its size limit of 16KiB at /m);
    expect(readJournal(journal).footer?.status).toBe("failed");
    expect((await fleet(["replay", journal, "--verify"])).code).toBe(0);
    const verify = await fleet(["replay", journal, "--verify", "--max-journal", "1MiB"]);
    expect(verify.code).toBe(2);
    expect(verify.err.split("\n")[0]).toBe(
      "fleet replay: --max-journal goes with --import: a journal records the limit it was written with, and --verify re-runs with it",
    );
  });

  it("is 1GiB unless the scenario or the flag says otherwise, and refuses a bad size", async () => {
    const dir = tempDir();
    const file = smallWith(dir, "limits: { maxJournal: 8KiB }");
    const r = await fleet(["chaos", file, "--journal", join(dir, "a.jsonl"), "-q"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("size limit of 8KiB");
    expect((await fleet(["chaos", file, "--journal", join(dir, "b.jsonl"), "--max-journal", "1MiB", "-q"])).code).toBe(0);
    const bad = await fleet(["chaos", SMALL, "--max-journal", "0B"]);
    expect(bad.code).toBe(2);
    expect(bad.err.split("\n")[0]).toBe("fleet chaos: --max-journal must be more than zero, e.g. 8GiB");
  });
});

describe("where a journal may go", () => {
  it("refuses a folder at --journal before simulating, with or without --force", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "runs"));
    for (const force of [[], ["--force"]]) {
      const r = await fleet(["chaos", SMALL, "--journal", "runs", ...force, "-q"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.err.split("\n")[0]).toBe("fleet chaos: journal runs is a folder; give a file path with --journal");
      expect(r.out).toBe(""); // nothing ran
    }
    expect(readdirSync(dir)).toEqual(["runs"]);
  });

  it("--force replaces a symbolic link at PATH.partial, never writes through it", async () => {
    const dir = tempDir();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const journal = join(dir, "run.jsonl");
    symlinkSync(victim, `${journal}.partial`);
    const r = await fleet(["chaos", SMALL, "--journal", journal, "--force", "-q"]);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(journal).isFile()).toBe(true);
    expect(readJournal(journal).ok).toBe(true);
    expect(existsSync(`${journal}.partial`)).toBe(false);
  });

  it("fills an existing empty file without --force", async () => {
    const dir = tempDir();
    const journal = join(dir, "summary.jsonl");
    writeFileSync(journal, "");
    const r = await fleet(["chaos", SMALL, "--journal", journal, "-q"]);
    expect(r.code).toBe(0);
    expect(readJournal(journal).complete).toBe(true);
  });
});
