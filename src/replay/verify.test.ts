// Proving a recorded run reproduces, or naming the first line where it does not.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type JournalRecord, parseJournal } from "../journal/index.js";
import { FIXTURE, editLine, lineOf, recordRun, verifyText } from "./testing.js";
import { verifyJournal } from "./verify.js";

const opts = { journalName: "run.jsonl", cwd: process.cwd() };
/** The fixture's snapshot interval: 2d / 100. */
const SNAPSHOT_SEC = 1728;

describe("verifyJournal", () => {
  it("verifies a recorded run: every line and the digest", async () => {
    const rec = await recordRun();
    const r = await verifyText(rec.text, opts);
    expect(r).toMatchObject({ kind: "verified", scope: "whole", lines: rec.lines.length, digest: rec.footer.digest, warnings: [] });
    expect(rec.lines.length).toBeGreaterThan(500);
  });

  it("catches a record changed by hand, CRC and digest recomputed, at its line", async () => {
    const rec = await recordRun();
    const n = lineOf(rec.text, '"kind":"host.crash"');
    const edited = editLine(rec.text, n, (l) => l.replace('"hosts":1', '"hosts":2'), { digest: true });
    const read = parseJournal(edited);
    expect(read.ok).toBe(true); // the file itself shows nothing
    const r = await verifyText(edited, opts);
    expect(r.kind).toBe("diverged");
    if (r.kind !== "diverged") return;
    expect(r.divergence.line).toBe(n);
    expect(r.verifiedLines).toBe(n - 1);
    expect(r.divergence.difference).toMatchObject({ path: ["hosts"], recorded: "2", rerun: "1" });
    expect(r.divergence.recordedLine).toContain('"hosts":2');
    expect(r.divergence.rerunLine).toContain('"hosts":1');
  });

  it("reads the recorded records as the re-run reaches them, none past the first difference, and says so if they cannot be read on", async () => {
    const rec = await recordRun();
    const n = lineOf(rec.text, '"kind":"host.crash"');
    const edited = editLine(rec.text, n, (l) => l.replace('"hosts":1', '"hosts":2'), { digest: true });
    let pulled = 0;
    const recordsOf = function* (text: string, upTo = Infinity) {
      for (const line of text.trimEnd().split("\n").slice(0, upTo)) {
        pulled++;
        yield JSON.parse(line) as JournalRecord;
      }
    };
    const r = await verifyJournal(parseJournal(edited), () => recordsOf(edited), opts);
    expect(r).toMatchObject({ kind: "diverged", divergence: { line: n } });
    expect(pulled).toBe(n); // lines 1 to n, and not one more
    const broken = function* () {
      yield* recordsOf(rec.text, 8);
      throw new Error("run.jsonl:9: the journal changed while it was read: this line no longer reads as it did");
    };
    expect(await verifyJournal(parseJournal(rec.text), broken, opts)).toEqual({
      kind: "unrunnable",
      message: "run.jsonl:9: the journal changed while it was read: this line no longer reads as it did",
      warnings: [],
    });
  });

  it("catches a changed footer metric at the footer line", async () => {
    const rec = await recordRun();
    const n = rec.lines.length;
    const edited = editLine(rec.text, n, (l) => l.replace('"training.stepsDone":7200', '"training.stepsDone":7300'), { digest: true });
    expect(edited).not.toBe(rec.text);
    const r = await verifyText(edited, opts);
    expect(r).toMatchObject({
      kind: "diverged",
      divergence: { line: n, difference: { path: ["metrics", "baseline", "training.stepsDone"], recorded: "7300", rerun: "7200" } },
    });
  });

  it("catches a footer whose digest alone was changed", async () => {
    const rec = await recordRun();
    const n = rec.lines.length;
    const edited = editLine(rec.text, n, (l) => l.replace(/"digest":"[0-9a-f]{64}"/, `"digest":"${"0".repeat(64)}"`), { crc: true });
    const r = await verifyText(edited, opts);
    expect(r).toMatchObject({ kind: "diverged", divergence: { line: n, difference: { path: ["digest"], rerun: JSON.stringify(rec.footer.digest) } } });
  });

  it("a header edited to another seed re-runs that seed, and differs at the first record the seed changes", async () => {
    const rec = await recordRun();
    const edited = editLine(rec.text, 1, (l) => l.replace('"seed":5', '"seed":6'), { digest: true });
    const r = await verifyText(edited, opts);
    expect(r.kind).toBe("diverged");
    if (r.kind === "diverged") expect(r.divergence.line).toBeGreaterThan(1);
  });

  it("verifies the prefix of a journal that lost its footer and its last line", async () => {
    const rec = await recordRun();
    const cut = `${rec.lines.slice(0, 300).join("")}${rec.lines[300].slice(0, 25)}`;
    const r = await verifyText(cut, opts);
    expect(r).toMatchObject({ kind: "verified", scope: "prefix", lines: 300 });
    if (r.kind === "verified") {
      expect(r.upToSec).toBe((JSON.parse(rec.lines[299]) as { at: number }).at);
      expect(r.durationSec).toBe(2 * 86400);
    }
  });

  it("verifies an interrupted run whole, its footer too: the re-run stops where the run stopped", async () => {
    const rec = await recordRun({ stopAfterSteps: 3 });
    expect(rec.footer.status).toBe("interrupted");
    const r = await verifyText(rec.text, opts);
    expect(r).toMatchObject({ kind: "verified", scope: "whole", lines: rec.lines.length, digest: rec.footer.digest });
  });

  it("stops where an interrupted run stopped between two snapshots, where the loop checks for a stop", async () => {
    // Steps of one event: the first stop after the 40th check that falls between two snapshots.
    let rec = await recordRun({ stopAfterSteps: 40, stepEvents: 1 });
    for (let n = 41; rec.footer.at % SNAPSHOT_SEC === 0 && n < 60; n++) rec = await recordRun({ stopAfterSteps: n, stepEvents: 1 });
    expect(rec.footer.status).toBe("interrupted");
    expect(rec.footer.at % SNAPSHOT_SEC).not.toBe(0);
    const r = await verifyText(rec.text, { ...opts, stepEvents: 1 });
    expect(r).toMatchObject({ kind: "verified", scope: "whole", lines: rec.lines.length });
  });

  it("stops where the dashboard's pace held an interrupted run", async () => {
    const rec = await recordRun({ stopAfterSteps: 23, pace: async (at) => at + 1000 });
    expect(rec.footer.status).toBe("interrupted");
    expect(rec.footer.at % SNAPSHOT_SEC).not.toBe(0);
    const r = await verifyText(rec.text, opts);
    expect(r).toMatchObject({ kind: "verified", scope: "whole", lines: rec.lines.length });
  });

  it("catches an interrupted run's footer whose verdicts were rewritten, digest recomputed", async () => {
    const rec = await recordRun({ stopAfterSteps: 30 });
    const n = rec.lines.length;
    expect(rec.lines[n - 1]).toContain('"ok":false');
    const edited = editLine(rec.text, n, (l) => l.replaceAll('"ok":false', '"ok":true'), { digest: true });
    const r = await verifyText(edited, opts);
    expect(r).toMatchObject({ kind: "diverged", verifiedLines: n - 1, divergence: { line: n, difference: { recorded: "true", rerun: "false" } } });
  });

  it("catches a complete run's footer relabelled interrupted: no re-run stops where it says", async () => {
    const rec = await recordRun();
    const n = rec.lines.length;
    const edited = editLine(rec.text, n, (l) => l.replace('"status":"complete"', '"status":"interrupted"'), { digest: true });
    const r = await verifyText(edited, opts);
    expect(r).toMatchObject({
      kind: "diverged",
      verifiedLines: n - 1,
      divergence: { line: n, difference: { path: ["status"], recorded: '"interrupted"', rerun: '"complete"' } },
      note: expect.stringMatching(/^the footer says the run was interrupted at 2d of simulated time after \d+ events, but no re-run stood there /),
    });
  });

  it("warns when another fleet version wrote the journal, and still verifies", async () => {
    const rec = await recordRun({ fleetVersion: "0.0.1-old" });
    const r = await verifyText(rec.text, opts);
    expect(r.kind).toBe("verified");
    expect(r.warnings).toEqual([expect.stringMatching(/^the journal was written by fleet 0\.0\.1-old, this is fleet /)]);
  });

  it("refuses a header whose duration is above the scenario's limits.maxDuration, naming both", async () => {
    const rec = await recordRun();
    const text = editLine(rec.text, 1, (l) => l.replace('"durationSec":172800', '"durationSec":1e308'), { digest: true });
    const r = await verifyText(text, opts);
    expect(r).toMatchObject({
      kind: "unrunnable",
      message: expect.stringMatching(
        /^run\.jsonl:1: the header's options\.durationSec 1e\+308 \(.*\) is above the safety limit of 10y \(limits\.maxDuration of the recorded scenario\)/,
      ),
    });
    // The recorded scenario's own limit is the one that counts.
    const text2d = readFileSync(FIXTURE, "utf8").replace("duration: 2d\n", "duration: 2d\nlimits: { maxDuration: 2d }\n");
    const limited = await recordRun({ text: text2d });
    const longer = editLine(limited.text, 1, (l) => l.replace('"durationSec":172800', '"durationSec":259200'), { digest: true });
    const r2 = await verifyText(longer, opts);
    expect(r2).toMatchObject({ kind: "unrunnable", message: expect.stringContaining("options.durationSec 259200 (3d) is above the safety limit of 2d") });
  });

  it("says so when the header does not give the run's duration", async () => {
    const rec = await recordRun();
    const text = editLine(rec.text, 1, (l) => l.replace('"durationSec":172800', '"durationSec":"2d"'), { digest: true });
    const r = await verifyText(text, opts);
    expect(r).toMatchObject({ kind: "unrunnable", message: expect.stringMatching(/^run\.jsonl:1: the header has no options\.durationSec/) });
  });
});
