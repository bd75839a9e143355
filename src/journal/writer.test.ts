// Tests of the journal writers: round trip, determinism of lines and digest, overwrite refusal,
// paths that cannot hold a journal, aborts, the size limit.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatSize, formatTime } from "../base/units.js";
import { digestOfRecords } from "./digest.js";
import { JournalError, JournalExistsError, JournalFullError } from "./errors.js";
import { digestOnlyJournal, MemoryJournal } from "./memory.js";
import { readJournal, streamJournal } from "./reader.js";
import { SAMPLE_SCENARIO, writeSampleRun } from "./sample-run.js";
import { JournalWriter } from "./writer.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fleet-journal-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A clock that advances one second per reading from `startMs`. */
function ticking(startMs: number): () => Date {
  let t = startMs;
  return () => new Date((t += 1000));
}

/** The file's lines with every top-level wall field and crc removed. */
function withoutWall(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const { wall: _w, crc: _c, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
}

describe("JournalWriter", () => {
  it("round trips: what is written is what is read, and the footer digest verifies", () => {
    const path = join(dir, "nested", "deeper", "run.jsonl");
    const writer = JournalWriter.open(path, { clock: ticking(Date.UTC(2025, 0, 1)) });
    const mem = new MemoryJournal();
    const footer = writeSampleRun(writer);
    writeSampleRun(mem);

    const r = readJournal(path);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.complete).toBe(true);
    expect(r.digestMatches).toBe(true);
    expect(r.validPrefixLines).toBe(42);
    expect(r.header).toMatchObject({ t: "header", format: 1, scenario: "cosmic-burst", scenarioText: SAMPLE_SCENARIO, seed: 42 });
    expect(r.header!.wall).toEqual({ startedAt: "2025-01-01T00:00:01.000Z" });
    expect(r.footer).toEqual(footer);
    expect(r.footer!.wall).toEqual({ finishedAt: "2025-01-01T00:00:02.000Z", wallSeconds: 1 });
    expect(r.footer!.status).toBe("complete");
    expect(r.footer!.records).toBe(40);
    expect(r.footer!.recordsByType).toEqual({ fault: 8, detection: 8, recovery: 8, milestone: 8, snapshot: 8 });
    expect(r.records).toHaveLength(40);
    const { crc: _crc, ...fourth } = JSON.parse(mem.lines[4]) as Record<string, unknown>;
    expect(r.records[3]).toEqual(fourth);
    expect(r.records[3]).toMatchObject({ t: "milestone", host: (3 * 7919) % 16000, word: [3, 6, -0.5] });
    expect(digestOfRecords([r.header!, ...r.records, r.footer!])).toBe(footer.digest);
    expect(footer.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("same records twice: identical files apart from wall, identical digest; the digest ignores the sink", () => {
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    const fa = writeSampleRun(JournalWriter.open(a, { clock: ticking(0) }));
    const fb = writeSampleRun(JournalWriter.open(b, { clock: ticking(5e11) }));
    expect(readFileSync(a, "utf8")).not.toBe(readFileSync(b, "utf8")); // wall differs...
    expect(withoutWall(a)).toEqual(withoutWall(b)); // ...and nothing else
    expect(fa.digest).toBe(fb.digest);

    const c = join(dir, "c.jsonl");
    writeSampleRun(JournalWriter.open(c, { clock: ticking(0) }));
    expect(readFileSync(c)).toEqual(readFileSync(a)); // same clock: byte-identical

    const mem = new MemoryJournal({ clock: ticking(0) });
    writeSampleRun(mem);
    expect(mem.text()).toBe(readFileSync(a, "utf8"));
    expect(writeSampleRun(digestOnlyJournal()).digest).toBe(fa.digest);
  });

  it("different records give a different digest", () => {
    const base = writeSampleRun(new MemoryJournal()).digest;
    expect(writeSampleRun(new MemoryJournal(), { variant: 1 }).digest).not.toBe(base);
    expect(writeSampleRun(new MemoryJournal(), { records: 39 }).digest).not.toBe(base);
    const reordered = new MemoryJournal();
    reordered.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "", seed: 1 });
    reordered.record("fault", 1, { a: 1, b: 2 });
    const other = new MemoryJournal();
    other.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "", seed: 1 });
    other.record("fault", 1, { b: 2, a: 1 });
    const footer = { at: 2, metrics: {}, verdicts: null };
    expect(reordered.close(footer).digest).not.toBe(other.close(footer).digest); // key order is part of the record
  });

  it("excludes a record's top-level wall field from the digest, and only that", () => {
    const run = (wall: unknown, nested: unknown) => {
      const j = new MemoryJournal();
      j.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "", seed: "abc" });
      j.record("snapshot", 5, { hosts: 3, wall, stats: { wall: nested } });
      return j.close({ at: 5, metrics: {}, verdicts: [] }).digest;
    };
    expect(run({ eventsPerSecond: 1e6 }, 1)).toBe(run({ eventsPerSecond: 2e6 }, 1));
    expect(run({ eventsPerSecond: 1e6 }, 1)).not.toBe(run({ eventsPerSecond: 1e6 }, 2));
  });

  it("refuses to overwrite unless forced", () => {
    const path = join(dir, "x.jsonl");
    writeFileSync(path, "precious\n");
    let err: unknown;
    try {
      JournalWriter.open(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JournalExistsError);
    expect((err as JournalError).code).toBe("exists");
    expect((err as Error).message).toBe(`journal ${path} already exists; pass --force to overwrite or --journal to choose another path`);
    expect(readFileSync(path, "utf8")).toBe("precious\n");

    writeSampleRun(JournalWriter.open(path, { force: true }));
    expect(readJournal(path).ok).toBe(true);
  });

  it("writes each record before record() returns, so an interrupted run keeps all of them", () => {
    const path = join(dir, "live.jsonl");
    const w = JournalWriter.open(path);
    w.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "x", seed: 7 });
    w.record("fault", 1.5, { host: 3 });
    w.record("detection", 1.5, { host: 3, code: "secded" });
    expect(existsSync(path)).toBe(false); // not finished: the records are at <path>.partial
    expect(w.location).toBe(`${path}.partial`);
    const r = readJournal(`${path}.partial`); // the process "dies" here: no footer
    expect(r.records.map((x) => x.t)).toEqual(["fault", "detection"]);
    expect(r.complete).toBe(false);
    expect(r.validPrefixLines).toBe(3);
    expect(r.issues).toEqual([{ line: 3, reason: "no footer: the run was interrupted or is still running" }]);

    const footer = w.abort("interrupted", { error: "SIGINT" });
    expect(footer).toMatchObject({ status: "interrupted", at: 1.5, records: 2, error: "SIGINT" });
    expect(w.abort("failed")).toBe(footer); // idempotent
    expect(w.location).toBe(path);
    expect(existsSync(`${path}.partial`)).toBe(false);
    const after = readJournal(path);
    expect(after.ok).toBe(true);
    expect(after.footer!.status).toBe("interrupted");
  });

  it("never overwrites a finished journal or one being written, unless forced", () => {
    const path = join(dir, "taken.jsonl");
    writeFileSync(path, "finished run\n");
    expect(() => JournalWriter.open(path)).toThrow(JournalExistsError);
    expect(readFileSync(path, "utf8")).toBe("finished run\n");
    const other = join(dir, "busy.jsonl");
    const first = JournalWriter.open(other);
    expect(() => JournalWriter.open(other)).toThrow(/busy\.jsonl\.partial already exists: another run is writing it/);
    first.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "x", seed: 1 });
    first.close({ at: 0, metrics: {}, verdicts: [] });
    expect(readJournal(other).ok).toBe(true);
    const forced = JournalWriter.open(path, { force: true });
    forced.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "x", seed: 2 });
    forced.close({ at: 0, metrics: {}, verdicts: [] });
    expect(readJournal(path).header!.seed).toBe(2);
  });

  it("fills an existing empty file without force, as SECURITY.md says", () => {
    const path = join(dir, "summary.jsonl");
    writeFileSync(path, "");
    writeSampleRun(JournalWriter.open(path));
    expect(readJournal(path).ok).toBe(true);
  });

  it("refuses a folder at the path before writing anything, with or without force", () => {
    const path = join(dir, "runs");
    mkdirSync(path);
    for (const force of [false, true]) {
      expect(() => JournalWriter.open(path, { force })).toThrow(`journal ${path} is a folder; give a file path with --journal`);
    }
    mkdirSync(join(dir, "x.jsonl.partial"));
    expect(() => JournalWriter.open(join(dir, "x.jsonl"), { force: true })).toThrow(/x\.jsonl\.partial is a folder/);
    expect(readdirSync(dir).sort()).toEqual(["runs", "x.jsonl.partial"]);
  });

  it("with force, replaces a symbolic link at <path>.partial and never writes through it", () => {
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const path = join(dir, "run.jsonl");
    symlinkSync(victim, `${path}.partial`);
    expect(() => JournalWriter.open(path)).toThrow(JournalExistsError); // without force: refused, as any .partial
    writeSampleRun(JournalWriter.open(path, { force: true }));
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(path).isFile()).toBe(true);
    expect(readJournal(path).ok).toBe(true);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it("stops at its size limit: the record that would pass it and every later one are left out, the footer says failed", () => {
    const whole = new MemoryJournal({ clock: ticking(0) });
    writeSampleRun(whole);
    const maxBytes = Buffer.byteLength(whole.lines.slice(0, 11).join("")) + 10; // header and 10 records fit, not the 11th
    const path = join(dir, "capped.jsonl");
    const w = JournalWriter.open(path, { clock: ticking(0), maxBytes });
    w.writeHeader({
      fleetVersion: "0.1.0",
      scenario: "cosmic-burst",
      scenarioText: SAMPLE_SCENARIO,
      seed: 42,
      options: { policy: "hardened", hosts: 16000, hedge: null },
    });
    const refusedAt: number[] = [];
    for (const line of whole.lines.slice(1, -1)) {
      const { t, at, crc: _c, ...fields } = JSON.parse(line) as { t: "fault"; at: number; crc: string };
      try {
        w.record(t, at, fields);
      } catch (e) {
        expect(e).toBeInstanceOf(JournalFullError);
        expect((e as JournalError).code).toBe("full");
        refusedAt.push(at);
      }
    }
    expect(refusedAt).toHaveLength(1); // thrown once, at the 11th record; the later ones are left out silently
    const footer = w.close({ at: 100, metrics: {}, verdicts: null }); // a caller that goes on still gets an honest footer
    expect(footer.status).toBe("failed");
    expect(footer.records).toBe(10);
    expect(footer.error).toBe(
      `the journal reached its size limit of ${formatSize(maxBytes)} at ${formatTime(refusedAt[0])} of simulated time: the records from then on are not in it`,
    );
    const text = readFileSync(path, "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines.slice(0, 11)).toEqual(whole.lines.slice(0, 11).map((l) => l.trimEnd()));
    expect(Buffer.byteLength(text) - Buffer.byteLength(`${lines.at(-1)}\n`)).toBeLessThanOrEqual(maxBytes);
    const read = readJournal(path);
    expect(read.ok).toBe(true);
    expect(read.digestMatches).toBe(true);
  });

  it("reports an unreadable path as a JournalError", () => {
    expect(() => readJournal(join(dir, "missing.jsonl"))).toThrow(/^cannot read journal .*missing\.jsonl/);
  });

  it("abort before the header leaves an empty journal that the reader calls empty", () => {
    const path = join(dir, "empty.jsonl");
    const w = JournalWriter.open(path);
    expect(w.abort("failed")).toBeUndefined();
    expect(existsSync(path)).toBe(true);
    expect(readJournal(path).issues).toEqual([{ line: 1, reason: "empty journal: no header" }]);
  });

  it("rejects records it could not write faithfully", () => {
    const j = new MemoryJournal();
    expect(() => j.record("fault", 0)).toThrow(/before header/);
    j.writeHeader({ fleetVersion: "0.1.0", scenario: "s", scenarioText: "", seed: 1 });
    j.record("fault", 10);
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as JournalError).code;
      }
      return "no error";
    };
    expect(code(() => j.record("fault", 9))).toBe("bad_record");
    expect(code(() => j.record("fault", Number.NaN))).toBe("bad_record");
    expect(code(() => j.record("fault", 11, { t: "x" }))).toBe("bad_record");
    expect(code(() => j.record("fault", 11, { crc: "x" }))).toBe("bad_record");
    expect(code(() => j.record("fault", 11, { "3": "x" }))).toBe("bad_record");
    expect(code(() => j.record("bogus" as "fault", 11))).toBe("bad_record");
    expect(code(() => j.record("fault", 11, { n: 10n }))).toBe("bad_record");
    expect(code(() => j.close({ at: 5, metrics: {}, verdicts: null }))).toBe("bad_record");
    j.close({ at: 10, metrics: {}, verdicts: null });
    expect(code(() => j.record("fault", 11))).toBe("state");
    expect(j.lines).toHaveLength(3); // nothing rejected reached the output
  });

  it("streams the same records as readJournal, across tiny chunks", () => {
    const path = join(dir, "s.jsonl");
    writeSampleRun(JournalWriter.open(path));
    const whole = readJournal(path);
    const items = [...streamJournal(path, { chunkBytes: 7 })];
    const streamed = items.flatMap((i) => (i.kind === "record" && i.record.t !== "header" && i.record.t !== "footer" ? [i.record] : []));
    expect(streamed).toEqual(whole.records);
    const end = items.at(-1)!;
    expect(end.kind).toBe("end");
    if (end.kind === "end") expect(end.summary.ok).toBe(true);
  });
});
