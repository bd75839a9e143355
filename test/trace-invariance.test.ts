// Invariant 2 of DESIGN.md: faults do not depend on policy. Every lane of a run (one per
// policy) draws its fault trace from the injectors' own streams; the session compares
// their digests and fails the run if they differ. These tests run the showcase scenario
// with one lane and with several and compare the trace digests.
import { describe, expect, it } from "vitest";
import { loadScenarioFile, type Scenario } from "../src/scenario/load.js";
import { runScenario } from "../src/run/session.js";
import { MemoryJournal } from "../src/journal/index.js";
import { defaultPolicy } from "../src/recovery/policy.js";

function load(): Scenario {
  const r = loadScenarioFile("scenarios/cosmic.yaml");
  if (!r.ok) throw new Error("cosmic.yaml must load");
  return r.value;
}

async function run(s: Scenario, seed: number) {
  const journal = new MemoryJournal({ clock: () => new Date(0) });
  const outcome = await runScenario(s, { seed, durationSec: 24 * 3600, journal, fleetVersion: "test" });
  return { outcome, journal };
}

describe("the fault trace does not depend on the policies", () => {
  it("is identical with one lane and with three", async () => {
    const one = await run(load(), 3);
    const three = load();
    three.policies = { baseline: defaultPolicy(), hardened: { ...defaultPolicy(), spares: 0.02 }, paranoid: { ...defaultPolicy(), detect: ["lossSpike"] } };
    const many = await run(three, 3);
    expect(one.outcome.status).toBe("complete");
    expect(many.outcome.status).toBe("complete");
    expect(many.outcome.traceDigest).toBe(one.outcome.traceDigest);
    expect(Object.keys(many.outcome.metrics)).toEqual(["baseline", "hardened", "paranoid"]);
    // the journal holds each fault once, not once per lane
    const faults = (j: MemoryJournal) => j.lines.filter((l) => l.startsWith('{"t":"fault"')).length;
    expect(faults(many.journal)).toBe(faults(one.journal));
    expect(faults(one.journal)).toBeGreaterThan(100);
  });

  it("differs under another seed", async () => {
    const a = await run(load(), 3);
    const b = await run(load(), 4);
    expect(b.outcome.traceDigest).not.toBe(a.outcome.traceDigest);
  });
});
