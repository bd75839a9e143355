// Proving a recorded run reproduces, or naming the first line where it does not.
import { describe, expect, it } from "vitest";
import { parseJournal } from "../journal/index.js";
import { verifyJournal } from "./verify.js";
import { editLine, lineOf, recordRun } from "./testing.js";

const opts = { journalName: "run.jsonl", cwd: process.cwd() };

describe("verifyJournal", () => {
  it("verifies a recorded run: every line and the digest", async () => {
    const rec = await recordRun();
    const r = await verifyJournal(parseJournal(rec.text), opts);
    expect(r).toMatchObject({ kind: "verified", scope: "whole", lines: rec.lines.length, digest: rec.footer.digest, warnings: [] });
    expect(rec.lines.length).toBeGreaterThan(500);
  });

  it("catches a record changed by hand, CRC and digest recomputed, at its line", async () => {
    const rec = await recordRun();
    const n = lineOf(rec.text, '"kind":"host.crash"');
    const edited = editLine(rec.text, n, (l) => l.replace('"hosts":1', '"hosts":2'), { digest: true });
    const read = parseJournal(edited);
    expect(read.ok).toBe(true); // the file itself shows nothing
    const r = await verifyJournal(read, opts);
    expect(r.kind).toBe("diverged");
    if (r.kind !== "diverged") return;
    expect(r.divergence.line).toBe(n);
    expect(r.verifiedLines).toBe(n - 1);
    expect(r.divergence.difference).toMatchObject({ path: ["hosts"], recorded: "2", rerun: "1" });
    expect(r.divergence.recordedLine).toContain('"hosts":2');
    expect(r.divergence.rerunLine).toContain('"hosts":1');
  });

  it("catches a changed footer metric at the footer line", async () => {
    const rec = await recordRun();
    const n = rec.lines.length;
    const edited = editLine(rec.text, n, (l) => l.replace('"training.stepsDone":7200', '"training.stepsDone":7300'), { digest: true });
    expect(edited).not.toBe(rec.text);
    const r = await verifyJournal(parseJournal(edited), opts);
    expect(r).toMatchObject({
      kind: "diverged",
      divergence: { line: n, difference: { path: ["metrics", "baseline", "training.stepsDone"], recorded: "7300", rerun: "7200" } },
    });
  });

  it("catches a footer whose digest alone was changed", async () => {
    const rec = await recordRun();
    const n = rec.lines.length;
    const edited = editLine(rec.text, n, (l) => l.replace(/"digest":"[0-9a-f]{64}"/, `"digest":"${"0".repeat(64)}"`), { crc: true });
    const r = await verifyJournal(parseJournal(edited), opts);
    expect(r).toMatchObject({ kind: "diverged", divergence: { line: n, difference: { path: ["digest"], rerun: JSON.stringify(rec.footer.digest) } } });
  });

  it("a header edited to another seed re-runs that seed, and differs at the first record the seed changes", async () => {
    const rec = await recordRun();
    const edited = editLine(rec.text, 1, (l) => l.replace('"seed":5', '"seed":6'), { digest: true });
    const r = await verifyJournal(parseJournal(edited), opts);
    expect(r.kind).toBe("diverged");
    if (r.kind === "diverged") expect(r.divergence.line).toBeGreaterThan(1);
  });

  it("verifies the prefix of a journal that lost its footer and its last line", async () => {
    const rec = await recordRun();
    const cut = `${rec.lines.slice(0, 300).join("")}${rec.lines[300].slice(0, 25)}`;
    const r = await verifyJournal(parseJournal(cut), opts);
    expect(r).toMatchObject({ kind: "verified", scope: "prefix", lines: 300 });
    if (r.kind === "verified") {
      expect(r.upToSec).toBe((JSON.parse(rec.lines[299]) as { at: number }).at);
      expect(r.durationSec).toBe(2 * 86400);
    }
  });

  it("verifies an interrupted run's records but not its footer, which stands where the stop fell", async () => {
    const rec = await recordRun({ stopAfterSteps: 3 });
    expect(rec.footer.status).toBe("interrupted");
    const r = await verifyJournal(parseJournal(rec.text), opts);
    expect(r).toMatchObject({ kind: "verified", scope: "prefix", lines: rec.lines.length - 1 });
  });

  it("warns when another fleet version wrote the journal, and still verifies", async () => {
    const rec = await recordRun({ fleetVersion: "0.0.1-old" });
    const r = await verifyJournal(parseJournal(rec.text), opts);
    expect(r.kind).toBe("verified");
    expect(r.warnings).toEqual([expect.stringMatching(/^the journal was written by fleet 0\.0\.1-old, this is fleet /)]);
  });

  it("says so when the header does not give the run's duration", async () => {
    const rec = await recordRun();
    const text = editLine(rec.text, 1, (l) => l.replace('"durationSec":172800', '"durationSec":"2d"'), { digest: true });
    const r = await verifyJournal(parseJournal(text), opts);
    expect(r).toMatchObject({ kind: "unrunnable", message: expect.stringMatching(/^run\.jsonl:1: the header has no options\.durationSec/) });
  });
});
