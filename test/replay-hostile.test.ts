// Journals from elsewhere: a run recorded by `fleet chaos` and then cut short, reordered,
// duplicated, bit-flipped, or relabelled with another format version. `fleet replay` names
// the line and the reason for each and refuses it (exit 2) unless told to read the valid
// prefix with --prefix; a journal of another format version is refused even then. A line
// repeated right after itself is not damage the file shows without a footer (a run can
// write two identical records in a row): the re-run of --verify names it. A
// journal ended by Ctrl-C has an "interrupted" footer and opens without --prefix.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";
import { sealLine } from "../src/journal/index.js";
import { recordRun } from "../src/replay/testing.js";

const SCENARIO = "test/fixtures/replay.yaml";

let dir: string;
/** The recorded journal's lines, each with its "\n". */
let lines: string[];

beforeAll(async () => {
  dir = tempDir("fleet-hostile-");
  const path = join(dir, "run.jsonl");
  const r = await fleet(["chaos", SCENARIO, "--journal", path, "-q"]);
  expect(r.code).toBe(1); // baseline breaches its SLOs
  lines = readFileSync(path, "utf8").split(/(?<=\n)/);
  expect(lines.length).toBeGreaterThan(300);
});

let count = 0;
function write(text: string): string {
  const path = join(dir, `hostile-${++count}.jsonl`);
  writeFileSync(path, text);
  return path;
}

const atOf = (line: string) => (JSON.parse(line) as { at: number }).at;

/** The first event line at or after `from` (1-based) whose next line has a later `at`. */
function steppingLine(from: number): number {
  for (let n = from; n < lines.length - 1; n++) if (atOf(lines[n]) > atOf(lines[n - 1])) return n;
  throw new Error("no two lines with different times");
}

describe("a journal without its footer", () => {
  it("is refused, naming its last good line and --prefix; with --prefix its prefix verifies", async () => {
    const path = write(lines.slice(0, 200).join(""));
    const refused = await fleet(["replay", path, "--verify"]);
    expect(refused.code).toBe(2);
    expect(refused.out).toBe("");
    expect(refused.err).toMatch(new RegExp(`^${path}:200: it has no footer: .*its last good line is 200 .*pass --prefix to read the valid prefix\\n$`));

    const summary = await fleet(["replay", path]);
    expect([summary.code, summary.err]).toEqual([2, refused.err]);

    const read = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/\nverified prefix: 200 records, up to \S+ of 2d simulated/);
  });

  it("cut mid-line is refused at its last complete line, and its prefix verifies with --prefix", async () => {
    const path = write(lines.slice(0, 150).join("") + lines[150].slice(0, 33));
    const refused = await fleet(["replay", path, "--verify"]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${path}:150: its last line (151) was cut mid-write and it has no footer`);
    expect(refused.err).toContain("its last good line is 150");
    const read = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(read.code).toBe(0);
    expect(read.out).toContain("verified prefix: 150 records");
  });
});

describe("a journal with a bad line", () => {
  it("with two lines swapped is caught at the second, time going backwards", async () => {
    const n = steppingLine(60); // lines n and n+1 (1-based) have different times
    const swapped = [...lines];
    [swapped[n - 1], swapped[n]] = [swapped[n], swapped[n - 1]];
    const path = write(swapped.join(""));
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path}:${n + 1}: at ${atOf(lines[n - 1])} is before the previous record's at ${atOf(lines[n])} (line ${n})`);
    expect(r.err).toContain(`damaged from line ${n + 1}`);
    // The prefix before the swap point ends with the moved line: the re-run says it does not belong there.
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.err).toContain(`note: ${path}:${n + 1}: at `);
    expect(prefix.code).toBe(1);
    expect(prefix.out).toContain(`${path}:${n}: the re-run differs here`);
  });

  it("repeated right after itself is caught by the footer's record count; the re-run names the line", async () => {
    const dup = [...lines.slice(0, 80), lines[79], ...lines.slice(80)];
    const path = write(dup.join(""));
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(2);
    const events = lines.length - 2;
    expect(r.err).toContain(`${path}:${dup.length}: footer counts ${events} records, the journal holds ${events + 1} intact ones\n`);
    // Its valid prefix ends before the footer and holds the copy: the re-run does not write it.
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.code).toBe(1);
    expect(prefix.out).toContain(`${path}:81: the re-run differs here`);
    expect(prefix.out).toContain("does not reproduce: lines 1-80 match, line 81 differs");
  });

  it("repeated right after itself without a footer is found by the re-run (two identical records can be real)", async () => {
    const dup = [...lines.slice(0, 80), lines[79], ...lines.slice(80, 120)];
    const path = write(dup.join(""));
    expect((await fleet(["replay", path, "--verify"])).code).toBe(2); // no footer: refused
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.code).toBe(1);
    expect(prefix.out).toContain("does not reproduce: lines 1-80 match, line 81 differs");
  });

  it("repeated further on is caught by its time and by the footer's record count", async () => {
    const n = steppingLine(90);
    const dup = [...lines.slice(0, n + 1), lines[n - 1], ...lines.slice(n + 1)];
    const path = write(dup.join(""));
    const r = await fleet(["replay", path]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path}:${n + 2}: at ${atOf(lines[n - 1])} is before the previous record's at`);
    const events = lines.length - 2;
    expect(r.err).toContain(`${path}:${dup.length}: footer counts ${events} records, the journal holds ${events + 1} intact ones`);
  });

  it("with one bit flipped is caught by the line's CRC", async () => {
    const flipped = [...lines];
    const bytes = Buffer.from(flipped[99], "utf8");
    bytes[20] ^= 0x04;
    flipped[99] = bytes.toString("latin1");
    const path = write(flipped.join(""));
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${path}:100: CRC mismatch \\(stored [0-9a-f]{8}, computed [0-9a-f]{8}\\)\\n`));
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.code).toBe(0);
    expect(prefix.out).toContain("verified prefix: 99 records");
  });
});

describe("a journal of another format version", () => {
  it("is refused with both versions, even with --prefix", async () => {
    const header = JSON.parse(lines[0]) as Record<string, unknown>;
    delete header.crc;
    header.format = 2;
    const relabelled = [sealLine(JSON.stringify(header).slice(0, -1)), ...lines.slice(1)];
    const path = write(relabelled.join(""));
    for (const extra of [[], ["--prefix"]]) {
      const r = await fleet(["replay", path, "--verify", ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${path}:1: format version 2, this reader understands version 1`);
    }
  });
});

describe("a journal ended by Ctrl-C", () => {
  it("has an interrupted footer and opens without --prefix", async () => {
    const rec = await recordRun({ stopAfterSteps: 30 });
    expect(rec.footer.status).toBe("interrupted");
    const path = write(rec.text);
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("note: the run was interrupted at");
  });
});
