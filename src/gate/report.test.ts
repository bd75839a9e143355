import { describe, expect, it } from "vitest";
import { buildReport, gateJobs } from "./report.js";
import { sampleGate } from "./testing.js";

describe("a gate's report", () => {
  it("makes one job per scenario and seed, named by both", () => {
    const { scenario } = sampleGate();
    expect(gateJobs([scenario]).map((j) => [j.id, j.seed, j.durationSec])).toEqual([1, 2, 3, 4, 5].map((s) => [`0/x/seed=${s}`, s, 86400]));
  });

  it("judges every SLO for every policy over the seeds, and exits 1 on a breach", () => {
    const { scenario, results } = sampleGate();
    const r = buildReport([scenario], results, { judge: "bound", interrupted: false });
    const s = r.scenarios[0];
    expect(s.policies.map((p) => [p.policy, p.judgments.map((j) => j.ok)])).toEqual([
      ["naive", [false, false, false]],
      ["hardened", [true, true, true]],
    ]);
    expect(s.policies[0].judgments[0]).toMatchObject({ estimate: 0.8, n: 5, seedsBreaching: 4 });
    expect(s.policies[1].metrics["training.goodput"]).toMatchObject({ n: 5, mean: 0.954, min: 0.94, max: 0.97, p50: 0.95 });
    expect(r).toMatchObject({ checks: 6, breaches: 3, runsComplete: 5, runsFailed: 0, partial: false, exitCode: 1 });
    expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("exits 3 when a run failed, judging the others, and 130 when interrupted, marked partial", () => {
    const { scenario, results } = sampleGate({ failSeed: 2 });
    const failed = buildReport([scenario], results, { judge: "bound", interrupted: false });
    expect(failed).toMatchObject({ exitCode: 3, runsFailed: 1, runsComplete: 4 });
    expect(failed.scenarios[0].failedRuns).toEqual([{ seed: 2, status: "failed", error: 'internal error: <boom> & "quotes"' }]);
    expect(failed.scenarios[0].policies[1].judgments[0].n).toBe(4);

    const cut = sampleGate({ drop: [4, 5] });
    const partial = buildReport([cut.scenario], cut.results, { judge: "bound", interrupted: true });
    expect(partial).toMatchObject({ exitCode: 130, partial: true, runsComplete: 3, runsPlanned: 5 });
    expect(partial.scenarios[0].seedsComplete).toEqual([1, 2, 3]);
  });

  it("gives the same digest for the same results, and a different one when a run differs", () => {
    const { scenario, results } = sampleGate();
    const a = buildReport([scenario], results, { judge: "bound", interrupted: false });
    const b = buildReport([scenario], structuredClone(results), { judge: "bound", interrupted: false });
    expect(b.digest).toBe(a.digest);
    const changed = structuredClone(results);
    changed[2].digest = "other";
    expect(buildReport([scenario], changed, { judge: "bound", interrupted: false }).digest).not.toBe(a.digest);
  });
});
