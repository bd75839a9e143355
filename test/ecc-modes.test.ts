// The same fleet and the same faults under no ECC, SECDED and chipkill
// (scenarios/ecc-compare.yaml): what the real codes make of one identical fault trace.
// Every assertion follows from the codes (see `fleet codes`):
//   none      no check bits: every flip reaches the reader (silent), never a machine check;
//   SECDED    corrects 1 bit, detects 2 (adjacent 2-bit upsets: machine checks), may
//             miscorrect 3 (a few silent escapes); a whole x4 device is 1-4 bits of one
//             word: only 4 of its 15 error values are correctable;
//   chipkill  corrects any error inside one x4 device, detects any two devices: fewer
//             machine checks than SECDED, and none at all from device faults.
import { describe, expect, it } from "vitest";
import { loadScenarioFile, type Scenario } from "../src/scenario/load.js";
import type { EccMode } from "../src/fleet/spec.js";
import { Lane, type LaneMetrics } from "../src/run/lane.js";
import { fleet } from "./helpers.js";

const FILE = "scenarios/ecc-compare.yaml";

function load(): Scenario {
  const r = loadScenarioFile(FILE);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** The scenario without some fault kinds. */
function without(s: Scenario, dropKinds: string[]): Scenario {
  return { ...s, faults: s.faults.filter((f) => !dropKinds.includes(f.kind)) };
}

/** The lane of the policy that sets `ecc` (scenarios/ecc-compare.yaml names them no-ecc, secded, chipkill). */
function runLane(s: Scenario, ecc: EccMode): { m: LaneMetrics; digest: string } {
  const policy = Object.keys(s.policies).find((p) => s.policies[p].ecc === ecc)!;
  const lane = new Lane(s, policy, s.seed, s.durationSec, false);
  lane.advance(s.durationSec, Infinity);
  return { m: lane.metrics(s.durationSec), digest: lane.layer.trace.digestHex() };
}

const MODES: EccMode[] = ["none", "secded", "chipkill"];

describe("ECC modes on one fault trace (scenarios/ecc-compare.yaml, seed 7)", () => {
  const base = load();
  const runs = Object.fromEntries(MODES.map((mode) => [mode, runLane(base, mode)])) as Record<EccMode, { m: LaneMetrics; digest: string }>;

  it("draws the very same faults whatever the code (the trace digest is equal)", () => {
    expect(runs.secded.digest).toBe(runs.none.digest);
    expect(runs.chipkill.digest).toBe(runs.none.digest);
    expect(runs.none.m["faults.cosmic.upset"]).toBeGreaterThan(50_000);
  });

  it("none: every flip is a silent escape, and nothing is ever detected", () => {
    const m = runs.none.m;
    expect(m["memory.machineChecks"]).toBe(0);
    expect(m["memory.corrected"]).toBe(0);
    expect(m["memory.silent"]).toBeGreaterThan(50_000);
    expect(m["silentCorruptions.idle"]).toBe(m["memory.silent"]); // no workload: none reached one
  });

  it("SECDED: corrects the single bits, takes machine checks on multi-bit errors, escapes few", () => {
    const m = runs.secded.m;
    expect(m["memory.corrected"]).toBeGreaterThan(50_000);
    expect(m["memory.machineChecks"]).toBeGreaterThan(1_000);
    expect(m["memory.silent"]).toBeGreaterThan(0); // 3-bit bursts it miscorrects
    expect(m["memory.silent"]).toBeLessThan(runs.none.m["memory.silent"] / 50);
    expect(m["memory.latentCleared"]).toBeGreaterThan(0);
  });

  it("chipkill: fewer machine checks than SECDED, and no more silent escapes", () => {
    const c = runs.chipkill.m;
    const s = runs.secded.m;
    expect(c["memory.machineChecks"]).toBeLessThan(s["memory.machineChecks"] / 2);
    expect(c["memory.silent"]).toBeLessThanOrEqual(s["memory.silent"]);
    expect(c["memory.corrected"]).toBeGreaterThan(s["memory.corrected"]);
    // machine checks cost availability
    expect(c["fleet.availability"]).toBeGreaterThan(s["fleet.availability"]);
  });

  it("DRAM device faults alone: SECDED takes machine checks, chipkill corrects every error", () => {
    const dev = Object.fromEntries(MODES.map((mode) => [mode, runLane(without(base, ["cosmic"]), mode).m])) as Record<EccMode, LaneMetrics>;
    expect(dev.secded["faults.dram.error"]).toBeGreaterThan(200);
    expect(dev.secded["memory.machineChecks"]).toBeGreaterThan(50);
    // Every DRAM fault mode here errs inside one x4 device: one chipkill symbol.
    expect(dev.chipkill["memory.machineChecks"]).toBe(0);
    expect(dev.chipkill["memory.silent"]).toBe(0);
    expect(dev.chipkill["memory.corrected"]).toBe(dev.chipkill["faults.dram.error"]);
    expect(dev.none["memory.silent"]).toBeGreaterThan(dev.secded["memory.silent"]);
  });

  it("`fleet chaos` reports the three codes side by side, one policy each, on one fault trace", async () => {
    const r = await fleet(["chaos", FILE, "--no-journal", "--reporter", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { policies: string[]; metrics: Record<string, Record<string, number>> };
    expect(json.policies).toEqual(["no-ecc", "secded", "chipkill"]);
    const m = json.metrics;
    expect(m["no-ecc"]["memory.machineChecks"]).toBe(0);
    expect(m["no-ecc"]["memory.silent"]).toBeGreaterThan(m.secded["memory.silent"]);
    expect(m.chipkill["memory.machineChecks"]).toBeLessThan(m.secded["memory.machineChecks"]);
    expect(m.chipkill["faults.cosmic.upset"]).toBe(m["no-ecc"]["faults.cosmic.upset"]);
    // No workload here: every escape reached no workload's data.
    expect(m["no-ecc"].silentCorruptions).toBe(0);
    expect(m["no-ecc"]["silentCorruptions.idle"]).toBe(m["no-ecc"]["memory.silent"]);
  });
});
