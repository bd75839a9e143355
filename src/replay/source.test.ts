// Where a journal to replay comes from: a regular file only, read in chunks from its start
// as often as a mode asks, as it stood when it was opened.
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, openSync, closeSync, writeSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeJournal } from "../journal/index.js";
import { openJournalSource } from "./source.js";
import { recordRun } from "./testing.js";

const dir = () => mkdtempSync(join(tmpdir(), "fleet-source-"));

/** The one-line message openJournalSource refuses `spec` with. */
async function refusal(spec: string, cwd: string): Promise<string> {
  try {
    (await openJournalSource(spec, cwd)).close();
    return "opened";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("a journal file", () => {
  it("is refused before anything is read when it is a FIFO, a device or a folder", async () => {
    const d = dir();
    execFileSync("mkfifo", [join(d, "run.jsonl")]);
    mkdirSync(join(d, "runs"));
    expect(await refusal("run.jsonl", d)).toBe("cannot read journal run.jsonl: is not a regular file (a FIFO); a journal file must be a regular file");
    expect(await refusal("/dev/zero", d)).toBe("cannot read journal /dev/zero: is not a regular file (a device); a journal file must be a regular file");
    expect(await refusal("runs", d)).toBe("cannot read journal runs: is a folder, not a journal file");
    expect(await refusal("none.jsonl", d)).toBe("cannot read journal none.jsonl: no such file");
  });

  it("is read as it stood when opened, on every pass, though a running run appends to it", async () => {
    const rec = await recordRun();
    const d = dir();
    writeFileSync(join(d, "run.jsonl"), rec.text);
    const src = await openJournalSource("run.jsonl", d);
    try {
      appendFileSync(join(d, "run.jsonl"), rec.lines[1]);
      const read = summarizeJournal(src.items());
      expect([read.ok, read.lines]).toEqual([true, rec.lines.length]);
      expect([...src.records(read)]).toHaveLength(rec.lines.length);
      expect(summarizeJournal(src.items(10))).toMatchObject({ lines: 10, validPrefixLines: 10, complete: false });
    } finally {
      src.close();
    }
  });

  it("says so when a line no longer reads as it did on the first pass", async () => {
    const rec = await recordRun();
    const d = dir();
    const path = join(d, "run.jsonl");
    writeFileSync(path, rec.text);
    const src = await openJournalSource("run.jsonl", d);
    try {
      const read = summarizeJournal(src.items());
      const fd = openSync(path, "r+");
      writeSync(fd, "X", rec.lines.slice(0, 4).join("").length + 5); // a byte of line 5, in place
      closeSync(fd);
      expect(() => [...src.records(read)]).toThrow("run.jsonl:5: the journal changed while it was read: this line no longer reads as it did");
    } finally {
      src.close();
    }
  });
});
