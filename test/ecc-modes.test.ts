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

/** The scenario with every datacenter's hosts on `ecc` (and optionally some fault kinds dropped). */
function withEcc(s: Scenario, ecc: EccMode, dropKinds: string[] = []): Scenario {
  return {
    ...s,
    fleet: { ...s.fleet, datacenters: s.fleet.datacenters.map((d) => ({ ...d, host: { ...d.host, ecc } })) },
    faults: s.faults.filter((f) => !dropKinds.includes(f.kind)),
  };
}

function runLane(s: Scenario): { m: LaneMetrics; digest: string } {
  const lane = new Lane(s, undefined, s.seed, s.durationSec, false);
  lane.advance(s.durationSec, Infinity);
  return { m: lane.metrics(s.durationSec), digest: lane.layer.trace.digestHex() };
}

const MODES: EccMode[] = ["none", "secded", "chipkill"];

describe("ECC modes on one fault trace (scenarios/ecc-compare.yaml, seed 7)", () => {
  const base = load();
  const runs = Object.fromEntries(MODES.map((mode) => [mode, runLane(withEcc(base, mode))])) as Record<EccMode, { m: LaneMetrics; digest: string }>;

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
    expect(m.silentCorruptions).toBe(m["memory.silent"]);
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
    const dev = Object.fromEntries(MODES.map((mode) => [mode, runLane(withEcc(base, mode, ["cosmic"])).m])) as Record<EccMode, LaneMetrics>;
    expect(dev.secded["faults.dram.error"]).toBeGreaterThan(200);
    expect(dev.secded["memory.machineChecks"]).toBeGreaterThan(50);
    // Every DRAM fault mode here errs inside one x4 device: one chipkill symbol.
    expect(dev.chipkill["memory.machineChecks"]).toBe(0);
    expect(dev.chipkill["memory.silent"]).toBe(0);
    expect(dev.chipkill["memory.corrected"]).toBe(dev.chipkill["faults.dram.error"]);
    expect(dev.none["memory.silent"]).toBeGreaterThan(dev.secded["memory.silent"]);
  });

  it("the mixed scenario reports each code's figures side by side in `fleet chaos`", async () => {
    const r = await fleet(["chaos", FILE, "--no-journal", "--reporter", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out.slice(r.out.indexOf("{"))) as Record<string, unknown>;
    const text = JSON.stringify(json);
    for (const mode of MODES) expect(text).toContain(`"memory.${mode}.machineChecks"`);
    const metrics = findMetrics(json);
    expect(metrics["memory.none.machineChecks"]).toBe(0);
    expect(metrics["memory.none.silent"]).toBeGreaterThan(metrics["memory.secded.silent"]);
    expect(metrics["memory.chipkill.machineChecks"]).toBeLessThan(metrics["memory.secded.machineChecks"]);
  });
});

/** The first object in a JSON report holding "memory.corrected". */
function findMetrics(v: unknown): Record<string, number> {
  if (v && typeof v === "object") {
    if ("memory.corrected" in (v as object)) return v as Record<string, number>;
    for (const x of Object.values(v as object)) {
      const m = findMetrics(x);
      if (Object.keys(m).length) return m;
    }
  }
  return {};
}
