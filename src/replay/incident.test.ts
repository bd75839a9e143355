// Importing a real incident timeline as a scenario's whole fault trace.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { digestOnlyJournal } from "../journal/index.js";
import { runScenario } from "../run/session.js";
import { loadScenarioText, type Scenario } from "../scenario/load.js";
import type { ScheduledFault } from "../faults/timeline/entry.js";
import { coveringDuration, importIncident, incidentEndSec } from "./incident.js";
import { FIXTURE } from "./testing.js";
import { withSection } from "./scenario-edit.js";

const H = 3600;
const cwd = process.cwd();
const fault = (kind: string, atSec: number, params: Record<string, unknown>): ScheduledFault => ({ atSec, kind, target: "x", params, origin: { path: [] } });

async function traceOf(s: Scenario, durationSec: number): Promise<string> {
  const o = await runScenario(s, { seed: 5, durationSec, journal: digestOnlyJournal(), fleetVersion: "test" });
  expect(o.status).toBe("complete");
  return o.traceDigest;
}

describe("when an incident is over", () => {
  it("is its time plus its repair, replacement, or episode length", () => {
    expect(incidentEndSec(fault("busbar", 10 * H, { repair: 4 * H }))).toBe(14 * H);
    expect(incidentEndSec(fault("disk", 10 * H, { index: 0, replace: 24 * H }))).toBe(34 * H);
    expect(incidentEndSec(fault("straggler", 10 * H, { slowdown: 4, duration: 2 * H }))).toBe(12 * H);
    // a plain rack failure lasts its repair; a wonky rack its episode
    expect(incidentEndSec(fault("rack", 10 * H, { repair: 3 * H, duration: 4 * H }))).toBe(13 * H);
    expect(incidentEndSec(fault("rack", 10 * H, { repair: 3 * H, wonky: 0.5, duration: 4 * H }))).toBe(14 * H);
  });

  it("extends a shorter scenario to the next whole hour, and leaves a longer one alone", () => {
    expect(coveringDuration(48 * H, 30 * H)).toEqual({ durationSec: 48 * H, extended: false });
    expect(coveringDuration(48 * H, 49.2 * H)).toEqual({ durationSec: 50 * H, extended: true });
  });
});

describe("importIncident", () => {
  it("writes the incident's faults into the scenario text, in place of its own faults", () => {
    const r = importIncident(FIXTURE, "test/fixtures/incident.jsonl", cwd);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { scenario, faults, inline, endSec } = r.value;
    expect(inline).toBe(true);
    expect(faults.map((f) => [f.atSec / H, f.kind, f.target])).toEqual([
      [10, "busbar", "dc1/row01/busbar-a"],
      [30, "rack", "dc1/row02/rack05"],
      [47, "straggler", "dc1/row01/rack02/host03"],
    ]);
    expect(scenario.faults.every((f) => f.kind === "scheduled")).toBe(true);
    expect(scenario.source.text).toContain("# faults: imported from test/fixtures/incident.jsonl (sha256 ");
    expect(scenario.source.text).not.toContain("mercurialCore");
    expect(scenario.source.text).not.toContain("timeline:");
    expect(endSec).toBe(49 * H);
    // the policies, workloads and SLOs are the scenario's
    expect(Object.keys(scenario.policies)).toEqual(["baseline", "hardened"]);
    expect(scenario.slo.map((s) => s.metric)).toEqual(["training.goodput", "training.silentEscapes"]);
  });

  it("gives the same fault trace inline as through the timeline file, and the same from CSV as from JSONL", async () => {
    const jsonl = importIncident(FIXTURE, "test/fixtures/incident.jsonl", cwd);
    const csv = importIncident(FIXTURE, "test/fixtures/incident.csv", cwd);
    if (!jsonl.ok || !csv.ok) throw new Error("the fixtures must import");
    const abs = resolve("test/fixtures/incident.jsonl");
    const viaFile = loadScenarioText(withSection(jsonl.value.scenario.source.text, "faults", [{ timeline: abs }]), resolve(FIXTURE), { trustedFiles: [abs] });
    if (!viaFile.ok) throw new Error(JSON.stringify(viaFile.issues));
    const inline = await traceOf(jsonl.value.scenario, 50 * H);
    expect(await traceOf(viaFile.value, 50 * H)).toBe(inline);
    expect(await traceOf(csv.value.scenario, 50 * H)).toBe(inline);
  });

  it("reports a bad incident line with the incident file and its line", () => {
    const r = importIncident(FIXTURE, "test/fixtures/incident-bad.jsonl", cwd);
    expect(r).toEqual({
      ok: false,
      message:
        'test/fixtures/incident-bad.jsonl:3: no "dc1/row02/rak05" in the fleet (did you mean "dc1/row02/rack05"?)\n1 error in test/fixtures/incident-bad.jsonl',
    });
  });

  it("refuses a FIFO named like an incident before reading it, instead of waiting for a writer", () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "fleet-incident-")), "incident.jsonl");
    execFileSync("mkfifo", [fifo]);
    expect(importIncident(FIXTURE, fifo, cwd)).toEqual({
      ok: false,
      message: `cannot read incident ${fifo}: is not a regular file (a FIFO); an incident timeline must be a regular file`,
    });
  });

  it("reports lines that are not faults, an empty incident, a wrong extension, and a broken scenario", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-incident-"));
    writeFileSync(join(dir, "junk.csv"), "at,kind,target\n10h,busbar\n5h,bogus,dc1/row01/busbar-a\n");
    const junk = importIncident(FIXTURE, join(dir, "junk.csv"), cwd);
    expect(junk.ok).toBe(false);
    if (!junk.ok) {
      expect(junk.message).toContain(`${join(dir, "junk.csv")}:2: missing "target"`);
      expect(junk.message).toContain(`${join(dir, "junk.csv")}:3: unknown fault kind "bogus"`);
    }
    writeFileSync(join(dir, "empty.jsonl"), "# nothing happened\n\n");
    expect(importIncident(FIXTURE, join(dir, "empty.jsonl"), cwd)).toEqual({
      ok: false,
      message: `${join(dir, "empty.jsonl")}: the incident holds no faults (every line is blank or a # comment)`,
    });
    expect(importIncident(FIXTURE, "incident.txt", cwd)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--import incident\.txt: expected a \.jsonl or \.csv incident timeline/),
    });
    mkdirSync(join(dir, "folder.jsonl"));
    expect(importIncident(FIXTURE, join(dir, "folder.jsonl"), cwd)).toEqual({
      ok: false,
      message: `cannot read incident ${join(dir, "folder.jsonl")}: is a folder, not an incident timeline`,
    });
    writeFileSync(join(dir, "broken.yaml"), "name: b\n");
    expect(importIncident(join(dir, "broken.yaml"), "test/fixtures/incident.jsonl", cwd)).toMatchObject({
      ok: false,
      message: expect.stringContaining(`${join(dir, "broken.yaml")}`),
    });
  });
});
