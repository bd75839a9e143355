// Tests of the journal reader: every corruption or truncation is reported at the line where it is.
import { mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { sealLine } from "./format.js";
import { MemoryJournal } from "./memory.js";
import { collectJournal, MAX_KEPT_ISSUES, MAX_LINE_BYTES, parseJournal, readJournal, streamJournal, summarizeJournal } from "./reader.js";
import { writeSampleRun } from "./sample-run.js";
import { JournalWriter } from "./writer.js";

const dir = mkdtempSync(join(tmpdir(), "fleet-journal-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sampleLines(records = 40): string[] {
  const j = new MemoryJournal({ clock: () => new Date(Date.UTC(2025, 0, 1)) });
  writeSampleRun(j, { records });
  return [...j.lines];
}

const sample = Buffer.from(sampleLines().join(""), "utf8");

/** 1-based line holding byte `p`; a "\n" belongs to the line it ends. */
function lineOf(bytes: Uint8Array, p: number): number {
  let n = 1;
  for (let i = 0; i < p; i++) if (bytes[i] === 0x0a) n++;
  return n;
}

/** Re-encodes an edited record as a correctly sealed line, as a buggy or malicious writer would. */
function reseal(line: string, edit: (r: Record<string, unknown>) => Record<string, unknown>): string {
  const { crc: _crc, ...rec } = JSON.parse(line) as Record<string, unknown>;
  return sealLine(JSON.stringify(edit(rec)).slice(0, -1));
}

describe("readJournal", () => {
  it("reports a flipped bit at the exact line, with stored and computed CRC", () => {
    const lines = sampleLines(80);
    const bytes = Buffer.from(lines.join(""), "utf8");
    const start57 = Buffer.byteLength(lines.slice(0, 56).join(""), "utf8");
    bytes[start57 + 20] ^= 0x04;
    const r = parseJournal(bytes);
    expect(r.issues[0].line).toBe(57);
    expect(r.issues[0].reason).toMatch(/^CRC mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)$/);
    expect(r.validPrefixLines).toBe(56);
    expect(r.records).toHaveLength(79); // the other lines are still intact and returned
    expect(r.complete).toBe(true); // the footer is there...
    expect(r.digestMatches).toBe(false); // ...but the run it describes is not all here
    expect(r.ok).toBe(false);
  });

  it("property: any single bit flip is reported first at the line holding the flipped byte", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.length - 1 }), fc.integer({ min: 0, max: 7 }), (p, bit) => {
        const bytes = Buffer.from(sample);
        bytes[p] ^= 1 << bit;
        const r = parseJournal(bytes);
        const line = lineOf(sample, p);
        expect(r.ok).toBe(false);
        expect(r.issues[0].line).toBe(line);
        expect(r.issues[0].reason).toMatch(/^(CRC mismatch|no crc field|partial last line|line too short|empty line)/);
        expect(r.validPrefixLines).toBe(line - 1);
      }),
      { numRuns: 1000 },
    );
  });

  it("property: a journal cut anywhere is reported at the cut line, and keeps every whole record before it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.length - 1 }), (p) => {
        const cut = sample.subarray(0, p);
        const r = parseJournal(cut);
        expect(r.complete).toBe(false);
        expect(r.ok).toBe(false);
        expect(r.footer).toBeUndefined();
        if (p === 0) {
          expect(r.issues).toEqual([{ line: 1, reason: "empty journal: no header" }]);
          return;
        }
        const wholeLines = lineOf(sample, p) - 1; // lines whose "\n" is before the cut
        expect(r.validPrefixLines).toBe(wholeLines);
        expect(r.records).toHaveLength(Math.max(0, wholeLines - 1));
        if (sample[p - 1] === 0x0a) {
          expect(r.issues).toEqual([{ line: wholeLines, reason: "no footer: the run was interrupted or is still running" }]);
        } else {
          expect(r.issues).toEqual([{ line: wholeLines + 1, reason: `partial last line (no trailing newline): truncated after line ${wholeLines}` }]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reports a file cut in the middle of line 10", () => {
    const path = join(dir, "cut.jsonl");
    writeSampleRun(JournalWriter.open(path));
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    truncateSync(path, Buffer.byteLength(lines.slice(0, 9).join("\n") + "\n", "utf8") + 30);
    const r = readJournal(path);
    expect(r.issues).toEqual([{ line: 10, reason: "partial last line (no trailing newline): truncated after line 9" }]);
    expect(r.validPrefixLines).toBe(9);
    expect(r.records).toHaveLength(8);
    expect(r.header?.scenario).toBe("cosmic-burst");
  });

  it("reports a format version it does not understand", () => {
    const lines = sampleLines(3);
    lines[0] = reseal(lines[0], (h) => ({ ...h, format: 2 }));
    const r = parseJournal(lines.join(""));
    expect(r.issues).toContainEqual({ line: 1, reason: "format version 2, this reader understands version 1" });
  });

  it("reports a header whose options are not an object, or whose fleetVersion is not a string", () => {
    for (const [edit, reason] of [
      [(h: Record<string, unknown>) => ({ ...h, options: "fast" }), "header options are not an object"],
      [(h: Record<string, unknown>) => ({ ...h, options: [1] }), "header options are not an object"],
      [(h: Record<string, unknown>) => ({ ...h, fleetVersion: 7 }), "header without a fleetVersion string"],
    ] as const) {
      const lines = sampleLines(3);
      lines[0] = reseal(lines[0], edit);
      expect(parseJournal(lines.join("")).issues).toContainEqual({ line: 1, reason });
    }
  });

  it("reports a line nested too deep at its line, once, and reads the lines after it", () => {
    const lines = sampleLines(5);
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    lines[2] = sealLine(`${lines[2].slice(0, -19)},"deep":${deep}`);
    const r = parseJournal(lines.join(""));
    expect(r.issues[0]).toEqual({ line: 3, reason: "objects and arrays nested more than 64 levels deep (a journal line nests at most 64)" });
    expect(r.issues.filter((i) => i.line === 3)).toHaveLength(1);
    expect(r.validPrefixLines).toBe(2);
    expect(r.records).toHaveLength(4);
  });

  it("keeps the first MAX_KEPT_ISSUES issues of a journal of junk lines and counts them all, the whole file's issues kept", () => {
    const lines = sampleLines(5);
    const junk = Array.from({ length: 5000 }, (_, i) => `junk ${i}\n`);
    const r = parseJournal([...lines.slice(0, 3), ...junk].join(""));
    expect(r.issueCount).toBe(5001); // 5,000 junk lines, and no footer
    expect(r.badLines).toBe(5000); // the no-footer issue is the file's, not a line's
    expect(r.unkeptBadLines).toBe(5000 - MAX_KEPT_ISSUES);
    expect(r.issues).toHaveLength(MAX_KEPT_ISSUES + 1);
    expect(r.issues[0].line).toBe(4);
    expect(r.issues.at(-1)).toEqual({ line: 5003, reason: "no footer: the run was interrupted or is still running" });
    expect(r.ok).toBe(false);
    expect(r.validPrefixLines).toBe(3);
  });

  it("streamed, refuses a line longer than any journal line at its line, and reads the lines after it", () => {
    const lines = sampleLines(5);
    const mib = Buffer.alloc(2 ** 20, "x");
    function* chunks(): Generator<Buffer> {
      yield Buffer.from(lines.slice(0, 2).join(""));
      for (let i = 0; i < 40; i++) yield mib; // line 3: 40 MiB of "x"
      yield Buffer.from(`\n${lines.slice(3).join("")}`);
    }
    const r = collectJournal(streamJournal(chunks()));
    expect(r.issues.slice(0, 1)).toEqual([{ line: 3, reason: `longer than ${MAX_LINE_BYTES} bytes: no journal line is this long` }]);
    expect([r.validPrefixLines, r.lines, r.records.length]).toEqual([2, 7, 4]);
    const cut = [Buffer.from(lines.slice(0, 2).join("")), ...Array.from({ length: 40 }, () => mib)]; // and no newline after it
    expect(summarizeJournal(streamJournal(cut)).issues).toEqual([{ line: 3, reason: "partial last line (no trailing newline): truncated after line 2" }]);
  });

  it("catches a correctly sealed but altered record through the digest", () => {
    const lines = sampleLines(5);
    lines[3] = reseal(lines[3], (r) => ({ ...r, host: 1 }));
    const r = parseJournal(lines.join(""));
    expect(r.digestMatches).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].line).toBe(7);
    expect(r.issues[0].reason).toMatch(/^digest mismatch \(footer [0-9a-f]{64}, recomputed [0-9a-f]{64}\)$/);
  });

  it("reports records out of place: decreasing at, unknown type, header not first, lines after the footer", () => {
    const lines = sampleLines(5);
    lines[4] = reseal(lines[4], (r) => ({ ...r, at: 0.1 }));
    lines[5] = reseal(lines[5], (r) => ({ ...r, t: "rumour" }));
    const r = parseJournal(lines.join("") + lines[1]);
    expect(r.issues.map((i) => i.line)).toEqual([5, 6, 7, 7, 8, 8]);
    expect(r.issues[0].reason).toMatch(/^at 0\.1 is before the previous record's at [\d.]+ \(line 4\)$/);
    expect(r.issues[1].reason).toBe('unknown record type "rumour"');
    expect(r.issues[2].reason).toBe("footer counts 5 records, the journal holds 4 intact ones");
    expect(r.issues[3].reason).toMatch(/^digest mismatch/);
    expect(r.issues[4].reason).toBe("record after the footer (line 7)");
    expect(r.complete).toBe(false);

    const swapped = sampleLines(2);
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    const s = parseJournal(swapped.join(""));
    expect(s.header).toBeUndefined();
    expect(s.issues.slice(0, 2)).toEqual([
      { line: 1, reason: 'first record is "fault", expected "header"' },
      { line: 2, reason: "header after line 1" },
    ]);
  });
});
