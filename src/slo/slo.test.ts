import { describe, expect, it } from "vitest";
import { parseSettings } from "../faults/testing.js";
import { formatIssue } from "../base/issues.js";
import { loadScenarioText } from "../scenario/load.js";
import { knownMetrics } from "./catalog.js";
import { exitCodeOf, formatPolicySloTable, sloSection, verdicts } from "./slo.js";

describe("slo section", () => {
  it("reads numbers, percentages and durations in the metric's unit", () => {
    const slos = parseSettings(
      sloSection,
      '{ training.goodput: ">= 92%", serving.p999: "<= 150ms", training.lostWorkHours: "< 30m", training.silentEscapes: "== 0" }',
    );
    expect(slos.map((s) => [s.metric, s.op, s.threshold])).toEqual([
      ["training.goodput", ">=", 0.92],
      ["serving.p999", "<=", 0.15],
      ["training.lostWorkHours", "<", 0.5],
      ["training.silentEscapes", "==", 0],
    ]);
  });

  it("rejects an unknown metric with the valid names and a did-you-mean", () => {
    expect(() => parseSettings(sloSection, '{ training.goodptu: ">= 0.9" }')).toThrow(
      /unknown metric "training.goodptu".*did you mean "training.goodput"\?.*training.rollbacks/,
    );
    expect(knownMetrics()).toContain("silentCorruptions");
  });

  it("rejects bad comparisons and units that do not fit", () => {
    expect(() => parseSettings(sloSection, '{ training.goodput: "about 0.9" }')).toThrow(/expected a comparison/);
    expect(() => parseSettings(sloSection, '{ training.rollbacks: "<= 5%" }')).toThrow(/percentage fits only a fraction/);
    expect(() => parseSettings(sloSection, '{ training.rollbacks: "<= 5m" }')).toThrow(/plain number/);
  });
});

describe("verdicts", () => {
  const slos = parseSettings(sloSection, '{ training.goodput: ">= 0.92", training.silentEscapes: "== 0" }');
  const vs = verdicts(slos, {
    naive: { "training.goodput": 0.8712, "training.silentEscapes": 3 },
    hardened: { "training.goodput": 0.9431, "training.silentEscapes": 0 },
  });

  it("judges every policy against every SLO; exit code 1 on any breach", () => {
    expect(vs.map((v) => [v.policy, v.metric, v.ok])).toEqual([
      ["naive", "training.goodput", false],
      ["naive", "training.silentEscapes", false],
      ["hardened", "training.goodput", true],
      ["hardened", "training.silentEscapes", true],
    ]);
    expect(exitCodeOf(vs)).toBe(1);
    expect(exitCodeOf(vs.filter((v) => v.policy === "hardened"))).toBe(0);
    expect(verdicts(slos, { x: {} })[0]).toMatchObject({ ok: false, value: NaN });
  });

  it("prints a policy x SLO table, with an ASCII fallback", () => {
    expect(formatPolicySloTable(vs)).toBe(
      [
        "policy    training.goodput >= 0.92  training.silentEscapes == 0",
        "--------  ------------------------  ---------------------------",
        "naive     0.8712 ✗                  3 ✗",
        "hardened  0.9431 ✓                  0 ✓",
      ].join("\n"),
    );
    expect(formatPolicySloTable(vs, { unicode: false })).toContain("naive     0.8712 FAIL");
  });
});

describe("SLOs on metrics no policy can change", () => {
  const scenario = (slo: string, policies: string) => `name: scopes
duration: 1h
fleet: { datacenters: [{ name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 4 }] }
workloads:
  - training: { name: job, hosts: 4, stepTime: 1s, checkpointWrite: 10s, restart: 1m }
policies: ${policies}
slo: ${slo}
`;
  const load = (slo: string, policies = "{ a: { checkpoint: 1h }, b: { checkpoint: daly } }") => {
    const r = loadScenarioText(scenario(slo, policies), "scopes.yaml");
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.value.warnings.map((w) => formatIssue("scopes.yaml", w));
  };

  it("warns, with where and why, when no policy can change the metric: every policy would get the same verdict", () => {
    expect(load('{ faults.host.crash: "== 0" }')).toEqual([
      'scopes.yaml:7:27 slo["faults.host.crash"]: SLO on faults.host.crash: no policy can change it (it is a property of the fault trace), so every policy gets the same verdict (judge policies on what they change, or keep it for fleet health)',
    ]);
    expect(load('{ memory.silent: "== 0", fleet.availability: ">= 99%" }')).toEqual([
      expect.stringContaining("SLO on memory.silent: only a policy's `ecc` changes it, and no policy here sets it"),
      expect.stringContaining("SLO on fleet.availability: only a policy's `ecc` changes it"),
    ]);
  });

  it("does not warn when a policy sets a key that changes it, or for what recovery decides", () => {
    expect(load('{ memory.silent: "== 0" }', "{ a: { ecc: secded }, b: { ecc: chipkill } }")).toEqual([]);
    expect(load('{ training.goodput: ">= 0.9", silentCorruptions: "== 0" }')).toEqual([]);
  });
});
