import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, CsvError, CsvReader, type CsvRow, splitRecord } from "./csv.js";

function rows(content: string | Buffer): CsvRow[] {
  const file = join(mkdtempSync(join(tmpdir(), "fleet-csv-")), "log.csv");
  writeFileSync(file, content);
  const r = new CsvReader(file);
  const out: CsvRow[] = [];
  for (let row = r.next(); row; row = r.next()) out.push(row);
  return out;
}

describe("CSV records", () => {
  it("splits cells, with quoted commas, doubled quotes and trimmed spaces", () => {
    expect(splitRecord('a, "b,c" ,"say ""hi""",,')).toEqual(["a", "b,c", 'say "hi"', "", ""]);
    expect(splitRecord("x")).toEqual(["x"]);
    expect(splitRecord('"open, still')).toBe("open");
    expect(splitRecord('"a"b,c')).toEqual({ error: "text after the closing quote of cell 1" });
  });

  it("reads a BOM, CRLF line ends and blank lines, numbering physical lines", () => {
    expect(rows("\uFEFFTime,Slot\r\n2021-05-04,1\r\n\r\n2021-05-05,2\r\n")).toEqual([
      { line: 1, cells: ["Time", "Slot"] },
      { line: 2, cells: ["2021-05-04", "1"] },
      { line: 4, cells: ["2021-05-05", "2"] },
    ]);
  });

  it("lets a quoted cell span lines, the record keeping its first line's number", () => {
    expect(rows('a,b\n1,"two\nlines"\n3,4')).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["1", "two\nlines"] },
      { line: 4, cells: ["3", "4"] },
    ]);
    expect(rows('a,b\n1,"never closed\n')).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, error: "a quoted cell is still open at the end of the file", hint: 'close it with "' },
    ]);
  });

  it("reads records across chunk boundaries, multi-byte characters included", () => {
    const line = "é,".repeat(1000).slice(0, -1);
    const n = Math.ceil((3 * CHUNK_BYTES) / Buffer.byteLength(`${line}\n`));
    const all = rows(`${line}\n`.repeat(n));
    expect(all.length).toBe(n);
    expect(all.every((r) => "cells" in r && r.cells.length === 1000 && r.cells[999] === "é")).toBe(true);
    expect(all[n - 1].line).toBe(n);
  });

  it("refuses a file that is not UTF-8 text, naming the line", () => {
    expect(() => rows(Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x0a]))).toThrow(CsvError);
    expect(() => rows(Buffer.from("a\nb\0c\n"))).toThrow("the file holds NUL bytes near line 1: not a text file");
  });
});
