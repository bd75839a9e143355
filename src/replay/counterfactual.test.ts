// The recorded faults met by another policy.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJournal } from "../journal/index.js";
import { recordedRun, type RecordedRun } from "./recorded.js";
import { choosePolicy, runCounterfactual } from "./counterfactual.js";
import { editLine, FIXTURE, recordRun } from "./testing.js";

const cwd = process.cwd();

function runOf(text: string): RecordedRun {
  const read = parseJournal(text);
  const r = recordedRun(read.header!, "run.jsonl", cwd);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("choosePolicy", () => {
  it("takes a recorded policy by name, as written in the scenario", async () => {
    const rec = await recordRun();
    expect(choosePolicy("hardened", runOf(rec.text), cwd)).toEqual({
      ok: true,
      value: {
        policies: { hardened: { checkpoint: "daly", inMemoryCheckpoint: true, spares: "2%", detect: ["gradientChecksum"] } },
        origin: "the recorded scenario",
      },
    });
  });

  it("answers an unknown name with the recorded names and a did-you-mean", async () => {
    const rec = await recordRun();
    expect(choosePolicy("hardend", runOf(rec.text), cwd)).toEqual({
      ok: false,
      message:
        '--policy hardend: no policy "hardend" in the recorded scenario (did you mean "hardened"?); the recorded scenario\'s policies are baseline, hardened, or give a YAML file of policy settings',
    });
  });

  it("reads a file when the argument is one, and reports its errors at file:line:column", async () => {
    const run = runOf((await recordRun()).text);
    expect(choosePolicy("test/fixtures/policy-strict.yaml", run, cwd)).toMatchObject({
      ok: true,
      value: { policies: { "policy-strict": { checkpoint: "30m" } }, file: "test/fixtures/policy-strict.yaml" },
    });
    expect(choosePolicy("test/fixtures/policy-typo.yaml", run, cwd)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^test\/fixtures\/policy-typo\.yaml:4:1 chekpointWrite: unknown key/),
    });
    expect(choosePolicy("nowhere/p.yaml", run, cwd)).toMatchObject({ ok: false, message: "nowhere/p.yaml no such file\n1 error in nowhere/p.yaml" });
  });
});

describe("runCounterfactual", () => {
  it("meets the recorded fault trace: a recorded policy re-run as the counterfactual gets exactly its recorded results", async () => {
    const rec = await recordRun();
    const run = runOf(rec.text);
    const choice = choosePolicy("hardened", run, cwd);
    if (!choice.ok) throw new Error(choice.message);
    const cf = await runCounterfactual(parseJournal(rec.text), run, choice.value);
    expect(cf.ok).toBe(true);
    if (!cf.ok) return;
    expect(cf.value.beforeSource).toBe("footer");
    expect(cf.value.recordedTraceDigest).toBe(rec.outcome.traceDigest);
    expect(cf.value.after.traceDigest).toBe(rec.outcome.traceDigest);
    expect(cf.value.before).toEqual(rec.outcome.metrics);
    expect(cf.value.after.metrics).toEqual({ hardened: rec.outcome.metrics.hardened });
    expect(cf.value.after.verdicts.every((v) => v.ok)).toBe(true);
  });

  it("re-runs the recorded policies when the journal has no footer, and says so", async () => {
    const rec = await recordRun();
    const noFooter = rec.lines.slice(0, -1).join("");
    const run = runOf(noFooter);
    const cf = await runCounterfactual(parseJournal(noFooter), run, { policies: { strict: { checkpoint: "30m" } }, origin: "test" });
    expect(cf.ok).toBe(true);
    if (!cf.ok) return;
    expect(cf.value.beforeSource).toBe("re-run");
    expect(cf.value.notes).toEqual([expect.stringMatching(/^the journal has no footer: the recorded policies were re-run/)]);
    expect(cf.value.before).toEqual(rec.outcome.metrics);
    expect(Object.keys(cf.value.after.metrics)).toEqual(["strict"]);
  });

  it("refuses a run whose footer says it failed", async () => {
    const rec = await recordRun();
    const run = runOf(rec.text);
    const read = parseJournal(rec.text);
    read.footer = { ...read.footer!, status: "failed", error: "boom" };
    expect(await runCounterfactual(read, run, { policies: { x: {} }, origin: "test" })).toEqual({
      ok: false,
      exitCode: 2,
      message: "the recorded run failed (boom): there is no result to compare a counterfactual with",
    });
  });

  it("says why when the counterfactual cannot meet the recorded trace: other spares where stragglers are aggregated", async () => {
    // aggregateAbove: 0 makes the straggler model simulate episodes one by one only on the
    // hosts a job may use (its block plus the most spares any policy keeps).
    const text = readFileSync(FIXTURE, "utf8").replace("faults:\n", "faults:\n  - straggler: { hosts: 5%, aggregateAbove: 0 }\n");
    const rec = await recordRun({ text });
    const run = runOf(rec.text);
    const read = parseJournal(rec.text);
    const fewer = await runCounterfactual(read, run, { policies: { strict: { checkpoint: "30m" } }, origin: "test" });
    expect(fewer).toMatchObject({
      ok: false,
      exitCode: 2,
      message: expect.stringMatching(
        /another fault trace .* the recorded policies keep up to 2% spares, the counterfactual 0%.*give the counterfactual spares: 2%$/,
      ),
    });
    const same = await runCounterfactual(read, run, { policies: { strict: { checkpoint: "30m", spares: "2%" } }, origin: "test" });
    expect(same.ok).toBe(true);
  });

  it("tells a journal this build does not reproduce from a counterfactual that strays", async () => {
    const rec = await recordRun();
    // As if another build had recorded it: the footer's trace digest is not this build's.
    const other = editLine(rec.text, rec.lines.length, (l) => l.replace(/"traceDigest":"[0-9a-f]{64}"/, `"traceDigest":"${"ab".repeat(32)}"`), {
      digest: true,
    });
    const run = runOf(other);
    const choice = choosePolicy("hardened", run, cwd);
    if (!choice.ok) throw new Error(choice.message);
    const cf = await runCounterfactual(parseJournal(other), run, choice.value);
    expect(cf).toMatchObject({
      ok: false,
      exitCode: 2,
      message: expect.stringMatching(
        /vs recorded ababababab.*this build does not reproduce the recorded faults either .* another build of fleet .*--verify shows the first record that differs$/,
      ),
    });
  });

  it("reports a policy that does not fit the scenario without positions in text the user never saw", async () => {
    const rec = await recordRun();
    const cf = await runCounterfactual(parseJournal(rec.text), runOf(rec.text), { policies: { "bad name!": {} }, origin: "p.yaml" });
    expect(cf).toMatchObject({
      ok: false,
      exitCode: 2,
      message: expect.stringMatching(/^the policy from p\.yaml does not fit the recorded scenario:\np\.yaml policies: /),
    });
  });
});
