// `fleet shrink`: on a scenario whose causes are known (a bus bar under a job with no
// spares, a throttled host, a host crash model that does little), the smallest schedule
// is the cause that breaches alone, or both causes when only together they breach; on a
// breached seed of the showcase, a schedule of a few faults. Every claim is checked by
// running what shrink wrote: the regression scenario breaches, each fault removed makes
// the SLO hold, the incident file replays through `fleet replay --import`, and the
// journal of the regression scenario verifies.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { fleet, tempDir } from "./helpers.js";

/** test/fixtures/two-causes.yaml with its goodput SLO set to `slo`. */
const SCENARIO = (slo: string) => readFileSync("test/fixtures/two-causes.yaml", "utf8").replace('training.goodput: ">= 0.95"', `training.goodput: "${slo}"`);

interface Shrunk {
  outcome: {
    kind: string;
    entries: { atSec: number; kind: string; target: string; params: Record<string, number> }[];
    without: { value: number; holds: boolean }[];
    minimal: boolean;
    shrunkValue: number;
  };
  out: string;
  scenarioOut: string;
  check: { value: number; breached: boolean };
}

function metricOf(out: string, policy: string, metric: string): number {
  return (JSON.parse(out) as { metrics: Record<string, Record<string, number>> }).metrics[policy][metric];
}

/** Each fault of the regression scenario removed in turn: `metric` of `policy` in the run without it. */
async function withoutEach(dir: string, scenarioOut: string, incident: string, policy: string, metric: string): Promise<number[]> {
  const lines = readFileSync(join(dir, incident), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"));
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const name = `without-${i}.jsonl`;
    writeFileSync(join(dir, name), lines.filter((_, j) => j !== i).join("\n"));
    const doc = parseDocument(readFileSync(join(dir, scenarioOut), "utf8"));
    doc.setIn(["faults", 0, "timeline"], name);
    const file = join(dir, `without-${i}.yaml`);
    writeFileSync(file, String(doc));
    const r = await fleet(["chaos", file, "--reporter", "json", "--no-journal"]);
    out.push(metricOf(r.out, policy, metric));
  }
  return out;
}

describe("fleet shrink", () => {
  const dir = tempDir("fleet-shrink-");

  it("keeps the one cause that breaches alone, shortens it while it still breaches, and what it writes runs", async () => {
    const file = join(dir, "two.yaml");
    writeFileSync(file, SCENARIO(">= 0.95"));
    const r = await fleet(["shrink", file, "--slo", "training.goodput", "--serial", "--reporter", "json", "-o", join(dir, "one.jsonl")]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Shrunk;
    expect(j.outcome.kind).toBe("shrunk");
    // Both causes breach alone; the heavier one (32 hosts for 12 h) is tried first and kept.
    expect(j.outcome.entries.map((e) => `${e.kind} ${e.target} ${e.atSec}`)).toEqual(["busbar dc1/row01/busbar-a 36000"]);
    expect(j.outcome.entries[0].params.repair).toBeLessThan(12 * 3600);
    expect(j.outcome.minimal).toBe(true);
    expect(j.outcome.without).toEqual([{ entry: 0, value: expect.any(Number), holds: true }]);
    expect(j.check.breached).toBe(true);

    // The regression scenario breaches when run, and its journal verifies (run where a
    // user keeps it: replay looks up a recorded scenario's timeline only under its folder).
    const journal = join(dir, "one.journal.jsonl");
    const chaos = await fleet(["chaos", join(dir, "one.yaml"), "--reporter", "json", "--journal", journal]);
    expect(chaos.code).toBe(1);
    const got = metricOf(chaos.out, "plain", "training.goodput");
    expect(got).toBeCloseTo(j.outcome.shrunkValue, 12);
    expect(got).toBeLessThan(0.95);
    const verify = await fleet(["replay", journal, "--verify"], { cwd: dir });
    expect(verify.err).toBe("");
    expect(verify.code).toBe(0);
    // The incident file alone, imported against the original scenario, is the same run.
    const imported = await fleet(["replay", "--import", join(dir, "one.jsonl"), "--scenario", file, "--duration", "3d", "--reporter", "json", "--no-journal"]);
    expect(imported.code).toBe(1);
    expect(metricOf(imported.out, "plain", "training.goodput")).toBe(got);
  });

  it("keeps both causes when only together they breach, and each removed alone holds the SLO", async () => {
    const file = join(dir, "two75.yaml");
    writeFileSync(file, SCENARIO(">= 0.75"));
    const r = await fleet(["shrink", file, "--slo", "training.goodput", "--serial", "--reporter", "json", "-o", join(dir, "both.jsonl")]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Shrunk;
    expect(j.outcome.entries.map((e) => e.kind)).toEqual(["straggler", "busbar"]);
    expect(j.outcome.without.every((w) => w.holds && w.value >= 0.75)).toBe(true);
    // Re-measured here from the files: each fault left out of the regression scenario.
    const runs = await withoutEach(dir, "both.yaml", "both.jsonl", "plain", "training.goodput");
    expect(runs).toHaveLength(2);
    for (const g of runs) expect(g).toBeGreaterThanOrEqual(0.75);
    const all = await fleet(["chaos", join(dir, "both.yaml"), "--no-journal", "--reporter", "json"]);
    expect(all.code).toBe(1);
  });

  it("on a breached seed of the showcase, returns a few faults that breach, 1-minimal, and replays and verifies", async () => {
    const cosmic = join(import.meta.dirname, "..", "scenarios", "cosmic.yaml");
    const out = join(dir, "cosmic.jsonl");
    const r = await fleet(["shrink", cosmic, "--slo", "training.silentEscapes", "--policy", "baseline", "--duration", "1d", "--reporter", "json", "-o", out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Shrunk;
    expect(j.outcome.kind).toBe("shrunk");
    expect(j.outcome.entries.length).toBeGreaterThan(0);
    expect(j.outcome.entries.length).toBeLessThanOrEqual(3);
    expect(j.outcome.minimal).toBe(true);
    const journal = join(dir, "cosmic.journal.jsonl");
    const chaos = await fleet(["chaos", join(dir, "cosmic.yaml"), "--journal", journal, "--reporter", "json"]);
    expect(chaos.code).toBe(1);
    expect(metricOf(chaos.out, "baseline", "training.silentEscapes")).toBe(j.outcome.shrunkValue);
    expect(j.outcome.shrunkValue).toBeGreaterThan(0);
    expect((await fleet(["replay", journal, "--verify"], { cwd: dir })).code).toBe(0);
    // Without any one fault, baseline has no silent escape: re-measured from the files.
    expect(await withoutEach(dir, "cosmic.yaml", "cosmic.jsonl", "baseline", "training.silentEscapes")).toEqual(j.outcome.entries.map(() => 0));
  });

  it("prints the schedule with what each fault's removal gives, every line within 80 columns", async () => {
    const file = join(dir, "text.yaml");
    writeFileSync(file, SCENARIO(">= 0.75"));
    const r = await fleet(["shrink", file, "--slo", "training.goodput", "--serial", "-o", join(dir, "text-shrunk.jsonl")]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nsmallest schedule: 2 faults of 2, training\.goodput 0\.\d+ \(breached\)\n {2}at 0s {2}straggler dc1\/row02\/rack01\/host03\n/);
    expect(r.out).toMatch(/\n {4}without it: 0\.\d+ \(holds\)\n/);
    expect(r.out).toContain("\n  1-minimal: removing any one of them makes the SLO hold\n");
    expect(r.out).toContain(`\n  fleet chaos ${join(dir, "text-shrunk.yaml")}\n`);
    for (const line of r.out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("says so when the SLO holds, or breaches with no fault at all, and refuses an unknown SLO", async () => {
    const file = join(dir, "held.yaml");
    writeFileSync(file, SCENARIO(">= 0.1"));
    const held = await fleet(["shrink", file, "--slo", "training.goodput", "--serial"]);
    expect(held.code).toBe(2);
    expect(held.out).toMatch(/the SLO holds in this run/);
    const never = join(dir, "never.yaml");
    writeFileSync(never, SCENARIO(">= 0.999"));
    const r = await fleet(["shrink", never, "--slo", "training.goodput", "--serial"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/breaches with no fault at all/);
    const bad = await fleet(["shrink", file, "--slo", "training.goodputt", "--serial"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--slo training\.goodputt: the scenario's SLOs are on training\.goodput/);
  });
});
