// How far a journal can be trusted: intact, truncated, edited (CRCs recomputed) or damaged.
import { describe, expect, it } from "vitest";
import { MemoryJournal, parseJournal } from "../journal/index.js";
import { writeSampleRun } from "../journal/sample-run.js";
import { assess } from "./trust.js";
import { editLine } from "./testing.js";

function sample(): string {
  const j = new MemoryJournal();
  writeSampleRun(j, { records: 10 });
  return j.text(); // header, 10 records, footer: 12 lines
}

describe("assess", () => {
  it("calls a journal as written intact", () => {
    expect(assess(parseJournal(sample()))).toEqual({ trust: "intact", damage: [] });
  });

  it("calls a journal without its footer truncated, and one cut mid-line too", () => {
    const lines = sample().split("\n");
    const noFooter = `${lines.slice(0, 11).join("\n")}\n`;
    expect(assess(parseJournal(noFooter))).toMatchObject({ trust: "truncated", damage: [] });
    const cut = `${lines.slice(0, 8).join("\n")}\n${lines[8].slice(0, 30)}`;
    const a = assess(parseJournal(cut));
    expect(a.trust).toBe("truncated");
    expect(a.truncation).toMatch(/^its last line \(9\) was cut mid-write and it has no footer/);
  });

  it("calls a hand edit with a stale CRC damage, at its line", () => {
    const edited = editLine(sample(), 5, (l) => l.replace('"bit":30', '"bit":31'));
    const a = assess(parseJournal(edited));
    expect(a.trust).toBe("damaged");
    expect(a.damage[0]).toEqual({ line: 5, reason: expect.stringMatching(/^CRC mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)$/) });
  });

  it("calls a hand edit with a recomputed CRC edited: the footer's digest no longer matches", () => {
    const edited = editLine(sample(), 5, (l) => l.replace('"bit":30', '"bit":31'), { crc: true });
    expect(assess(parseJournal(edited))).toEqual({ trust: "edited", damage: [] });
  });

  it("cannot tell an edit whose digest was recomputed too: that takes a re-run", () => {
    const edited = editLine(sample(), 5, (l) => l.replace('"bit":30', '"bit":31'), { digest: true });
    expect(assess(parseJournal(edited))).toEqual({ trust: "intact", damage: [] });
  });

  it("calls an empty file damaged", () => {
    expect(assess(parseJournal(""))).toMatchObject({ trust: "damaged", damage: [{ line: 1, reason: "empty journal: no header" }] });
  });
});
