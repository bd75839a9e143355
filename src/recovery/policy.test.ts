import { describe, expect, it } from "vitest";
import { parseSettings } from "../faults/testing.js";
import { defaultPolicy, policySection } from "./policy.js";
import { detectionOf, LLAMA3_ACCELERATOR_MTBF_SEC, TrainingRecovery } from "./training.js";

describe("policies section", () => {
  it("fills documented defaults and reads every key", () => {
    const p = parseSettings(
      policySection,
      "{ baseline: { checkpoint: 1h }, hardened: { checkpoint: daly, checkpointWrite: async, inMemoryCheckpoint: true, spares: 2%, drainAfterCorrected: 100, detect: [gradientChecksum, lossSpike], onLoss: shrink, mtbf: 3h } }",
    );
    expect(p.baseline).toEqual({ ...defaultPolicy(), mtbf: undefined });
    expect(p.hardened).toMatchObject({
      checkpoint: { kind: "daly" },
      checkpointWrite: "async",
      inMemoryCheckpoint: true,
      spares: 0.02,
      drainAfterCorrected: 100,
      detect: ["gradientChecksum", "lossSpike"],
      onLoss: "shrink",
      mtbf: 10800,
    });
    expect(detectionOf(p.hardened)).toEqual({ costPerStep: 0.01, delaySteps: 1 });
  });

  it("errors say what to fix", () => {
    expect(() => parseSettings(policySection, "{ a: { checkpiont: 1h } }")).toThrow(/did you mean "checkpoint"/);
    expect(() => parseSettings(policySection, "{ a: { checkpoint: often } }")).toThrow(/young, daly or adaptive/);
    expect(() => parseSettings(policySection, "{ a: { detect: [crossReplca] } }")).toThrow(/did you mean "crossReplica"/);
    expect(() => parseSettings(policySection, "{ a: { onLoss: pray } }")).toThrow(/restart-on-spares/);
  });

  it("backupWorkers: off, a count of hosts or a percentage of the job's hosts (rounded up)", () => {
    const p = parseSettings(policySection, "{ a: { backupWorkers: 4 }, b: { backupWorkers: 2% }, c: { backupWorkers: off }, d: { backupWorkers: 0 }, e: {} }");
    expect([p.a, p.b, p.c, p.d, p.e].map((x) => x.backupWorkers)).toEqual([{ count: 4 }, { fraction: 0.02 }, "off", "off", "off"]);
    expect([p.a, p.b, p.c].map((x) => new TrainingRecovery(x).backups(2048))).toEqual([4, 41, 0]);
    expect(() => parseSettings(policySection, "{ a: { backupWorkers: 2.5 } }")).toThrow(/backupWorkers: expected a whole number, found 2.5/);
    expect(() => parseSettings(policySection, "{ a: { backupWorkers: lots } }")).toThrow(/a number of hosts like 4 or a percentage of the job's hosts like 2%/);
    expect(() => parseSettings(policySection, "{ a: { backupWorkers: 200% } }")).toThrow(/between 0% and 100%/);
  });

  it("the Llama 3 prior: 16,384 GPUs see an interruption every ~3.1 h", () => {
    expect(LLAMA3_ACCELERATOR_MTBF_SEC / 16384 / 3600).toBeCloseTo(3.09, 2);
  });
});
