// Journals from elsewhere: a run recorded by `fleet chaos` and then cut short, reordered,
// duplicated, bit-flipped, nested too deep, or relabelled with another format version.
// `fleet replay` names the line and the reason for each and refuses it (exit 2) unless told
// to read the valid prefix with --prefix, and then says which lines it did not read; a
// journal of another format version is refused even then. A line repeated right after
// itself is not damage the file shows without a footer (a run can write two identical
// records in a row): the re-run of --verify names it. A journal ended by Ctrl-C has an
// "interrupted" footer, opens without --prefix and verifies whole, footer included; a
// footer forged to look interrupted does not, nor one without a proper digest. A header
// asking for more than the recorded scenario's limits (its duration, its snapshots) is
// refused by every command that would run it, a scenario folder it names outside the
// working folder is not where timelines are read, and YAML aliases get fleet's budget of
// 1,000 everywhere.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";
import { sealLine } from "../src/journal/index.js";
import { editLine, recordRun } from "../src/replay/testing.js";

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

/** The recorded journal with its header edited, its scenario's sha256, CRC and digest recomputed as a careful forger would. */
function editHeader(edit: (header: Record<string, unknown>) => void): string {
  return editLine(
    lines.join(""),
    1,
    (line) => {
      const { crc: _crc, ...header } = JSON.parse(line) as Record<string, unknown>;
      edit(header);
      header.scenarioSha256 = createHash("sha256")
        .update(header.scenarioText as string)
        .digest("hex");
      return `${JSON.stringify(header).slice(0, -1)},"crc":"00000000"}`;
    },
    { digest: true },
  );
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

describe("a journal of junk lines", () => {
  it("prints the first issues and counts every bad line, in bounded memory (the reader keeps 1,000 issues)", async () => {
    const junk = Array.from({ length: 20_000 }, (_, i) => `junk ${i}\n`).join("");
    const path = write(lines.slice(0, 5).join("") + junk);
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(2);
    const err = r.err.split("\n");
    expect(err[0]).toBe(`${path}:6: line too short to hold a crc field`);
    expect(r.err).toContain("\n... and 19,980 more\n"); // 20,000 bad lines, 20 shown
    expect(r.err).toContain(`${path}: damaged from line 6 (20000 bad lines; lines 1-5 are intact)`);
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

  it("at line 1 or 2 says how many lines before it are intact in words, not as lines 1-0 (found by the journal fuzzer)", async () => {
    for (const [n, intact] of [
      [1, "no line before it is intact"],
      [2, "line 1 is intact"],
    ] as const) {
      const flipped = [...lines];
      flipped[n - 1] = flipped[n - 1].replace('"t":', '"t" :');
      const path = write(flipped.join(""));
      const r = await fleet(["replay", path]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        new RegExp(`\n${path}: damaged from line ${n} \\(\\d bad lines?; ${intact}\\): the journal cannot be trusted as a record of the run\n`),
      );
    }
  });

  it("read with --prefix, is never said to be verified past the lines read", async () => {
    const flipped = [...lines];
    flipped[99] = flipped[99].replace('"at":', '"at": ');
    const path = write(flipped.join(""));
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.code).toBe(0);
    expect(prefix.out).toMatch(
      new RegExp(
        `\\nverified prefix: 99 records, up to \\S+ of 2d simulated, match the re-run; lines 100-${lines.length} were not read \\(--prefix\\) and are not verified\\n$`,
      ),
    );
    expect(prefix.out).not.toContain("the journal holds nothing after that");
  });

  it("nested thousands of levels deep is refused at its line, once, and its prefix verifies", async () => {
    const deep = [...lines];
    deep[5] = sealLine(`${deep[5].slice(0, -19)},"x":${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    const path = write(deep.join(""));
    for (const args of [["--verify"], [], ["--policy", "hardened"]]) {
      const r = await fleet(["replay", path, ...args]);
      expect(r.code).toBe(2);
      expect(r.err.split("\n")[0]).toBe(`${path}:6: objects and arrays nested more than 64 levels deep (a journal line nests at most 64)`);
      expect(r.err).not.toContain("Maximum call stack");
    }
    const prefix = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(prefix.code).toBe(0);
    expect(prefix.out).toContain("verified prefix: 5 records");
  });
});

describe("a journal header beyond the scenario's limits", () => {
  it("with durationSec 1e308 is refused at line 1, naming the field and the limit", async () => {
    const text = editLine(lines.join(""), 1, (l) => l.replace('"durationSec":172800', '"durationSec":1e308'), { digest: true });
    const path = write(text);
    for (const mode of ["--verify", "--policy"]) {
      const r = await fleet(["replay", path, mode, ...(mode === "--policy" ? ["hardened"] : [])]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `fleet replay: ${path}:1: the header's options.durationSec 1e+308 (3.170979198376459e+300y) is above the safety limit of 10y (limits.maxDuration of the recorded scenario)`,
      );
    }
  });

  it("whose snapshots over its duration would pass the journal limit is refused by every mode that runs it, before running (found by the scenario fuzzer)", async () => {
    // The recorded scenario says `duration: 1s` (a snapshot every 10ms); the header asks for 30d.
    const path = write(
      editHeader((h) => {
        h.scenarioText = (h.scenarioText as string).replace("duration: 2d", "duration: 1s");
        (h.options as Record<string, unknown>).durationSec = 30 * 86400;
      }),
    );
    const refusal = `${path}:1: the header's options.durationSec 2592000 (30d): snapshots every 10ms over 30d make 518,400,000 records (2 policies), at least 30.9GiB of journal, above the safety limit of 1GiB (limits.maxJournal): fleet does not run it`;
    for (const command of [
      ["replay", path, "--policy", "hardened"],
      ["replay", path, "--verify"],
      ["explain", path],
    ]) {
      const r = await fleet(command);
      expect(r.code).toBe(2);
      expect(r.err).toContain(refusal);
    }
  });

  it("naming a scenario file outside the working folder: explain and shrink do not read timelines beside it (found writing SECURITY.md)", async () => {
    const outside = tempDir("fleet-hostile-outside-");
    writeFileSync(join(outside, "t.csv"), "at,kind,target\nSECRET-LINE,host,dc1/row01/rack01/host01\n");
    const path = write(
      editHeader((h) => {
        h.scenarioText = (h.scenarioText as string).replace("  - disk: {}\n", "  - disk: {}\n  - timeline: t.csv\n");
        (h.options as Record<string, unknown>).file = join(outside, "x.yaml");
      }),
    );
    for (const command of [
      ["explain", path],
      ["shrink", path, "--slo", "training.goodput"],
      ["replay", path, "--policy", "hardened"],
    ]) {
      const r = await fleet(command);
      expect(r.code).toBe(2);
      expect(r.err).toContain('cannot read the timeline "t.csv": no such file');
      expect(r.err).not.toContain("SECRET-LINE");
    }
  });
});

describe("a journal with a forged footer", () => {
  it("verdicts rewritten to all ✓, status set to interrupted, CRC recomputed: does not reproduce, at the footer", async () => {
    const n = lines.length;
    expect(lines[n - 1]).toContain('"ok":false');
    for (const resealed of [{ crc: true }, { digest: true }]) {
      const forged = editLine(
        lines.join(""),
        n,
        (l) => l.replace('"status":"complete"', '"status":"interrupted"').replaceAll('"ok":false', '"ok":true'),
        resealed,
      );
      const path = write(forged);
      const r = await fleet(["replay", path, "--verify"]);
      expect(r.code).toBe(1);
      expect(r.out).not.toContain("verified");
      expect(r.out).toContain(`${path}:${n}: the re-run differs here: field status: recorded "interrupted", re-run "complete"\n`);
      expect(r.out).toContain("but no re-run stood there");
      expect(r.out).toContain(`does not reproduce: lines 1-${n - 1} match, line ${n} differs\n`);
    }
  });

  it("without its digest, or with one that is not a sha256, CRC recomputed: damaged at the footer (found by the journal fuzzer)", async () => {
    const n = lines.length;
    for (const [edit, found] of [
      [(l: string) => l.replace(/,"digest":"[0-9a-f]{64}"/, ""), "null"],
      [(l: string) => l.replace(/"digest":"[0-9a-f]{64}"/, '"digest":7'), "7"],
    ] as const) {
      const path = write(editLine(lines.join(""), n, edit, { crc: true }));
      for (const args of [["--verify"], []]) {
        const r = await fleet(["replay", path, ...args]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`${path}:${n}: footer digest ${found} is not a sha256 (64 lowercase hex digits)\n`);
        expect(r.err).not.toContain("internal error");
      }
    }
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
  it("has an interrupted footer, opens without --prefix, and verifies whole: the re-run stops where it stopped", async () => {
    const rec = await recordRun({ stopAfterSteps: 30 });
    expect(rec.footer.status).toBe("interrupted");
    const path = write(rec.text);
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("note: the run was interrupted at");
    expect(r.out).toContain(`\nverified: ${rec.lines.length} records, digest ${rec.footer.digest} matches\n`);
  });
});

describe("YAML aliases", () => {
  /** The replay fixture with `n` more rack failures, each repaired after `*rackRepair`. */
  const withAliases = (n: number) =>
    readFileSync(SCENARIO, "utf8").replace(
      "    repair: 2h\n",
      `    repair: &rackRepair 2h\n${"  - { at: 21h, rack: dc1/row02/rack03, repair: *rackRepair }\n".repeat(n)}`,
    );

  it("past the yaml library's 100, within fleet's 1,000: a recorded scenario's policy re-runs", async () => {
    const rec = await recordRun({ text: withAliases(150) });
    const path = write(rec.text);
    const r = await fleet(["replay", path, "--policy", "hardened"]);
    expect(r.err).toBe("");
    expect([0, 1]).toContain(r.code);
  });

  it("in a policy file: 150 re-run, more than 1,000 are one clear error", async () => {
    const file = (n: number) => `checkpoint: 2h\ndetect: [&g gradientChecksum${", *g".repeat(n)}]\n`;
    const many = join(dir, "many.yaml");
    writeFileSync(many, file(150));
    const path = write(lines.join(""));
    const r = await fleet(["replay", path, "--policy", many]);
    expect(r.err).toBe("");
    expect([0, 1]).toContain(r.code);
    const bomb = join(dir, "bomb.yaml");
    writeFileSync(bomb, file(1001));
    const refused = await fleet(["replay", path, "--policy", bomb]);
    expect(refused).toEqual({
      code: 2,
      out: "",
      err: `fleet replay: ${bomb}:2:4031 detect[1001]: too many alias expansions (a file may expand at most 1000 aliases)\n1 error in ${bomb}\n`,
    });
  });
});
