// Memory patrol scrub as a policy setting (src/recovery/hardware.ts memoryScrub), on one
// fault trace: a DRAM row fault (src/faults/dram.ts) keeps producing single-bit errors in
// the words of one row, any bit of a device's nibble. SECDED corrects each, and the
// corrected bit stays in its word as a latent error until the scrubber passes; a second
// error in the same word before then is a double-bit error, a machine check. Scrubbing
// every hour clears the latent errors 24 times sooner than the daily default, so fewer
// pair up. Every lane draws the same trace (one trace digest), so the lanes differ only by
// their scrub.
import { describe, expect, it } from "vitest";
import { MemoryJournal } from "../src/journal/memory.js";
import { runScenario } from "../src/run/session.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { trainingWorld } from "../src/workloads/training/testing.js";

const SCENARIO = `
name: scrub
seed: 3
duration: 3d
fleet:
  host: { dimms: 1, dimmGiB: 1, ecc: secded }
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 1, hostsPerRack: 4 }
faults:
  - { at: 1h, dram: dc1/row01/rack01/host01, mode: row, dimm: 0, device: 3, errorsPerHour: 60, maxErrors: 100000 }
policies:
  unset: {}
  daily: { memoryScrub: 24h }
  hourly: { memoryScrub: 1h }
  never: { memoryScrub: off }
`;

async function run() {
  const r = loadScenarioText(SCENARIO, "scrub.yaml");
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const journal = new MemoryJournal();
  const outcome = await runScenario(r.value, { seed: 3, durationSec: r.value.durationSec, journal, fleetVersion: "test" });
  expect(outcome.status).toBe("complete");
  const records = journal.lines.map((l) => JSON.parse(l) as Record<string, unknown> & { t: string; at: number });
  return { m: outcome.metrics, records };
}

describe("memory patrol scrub as a policy setting", () => {
  it("an hourly scrub leaves fewer latent errors to pair up into machine checks than the daily default", async () => {
    const { m } = await run();
    const mc = (p: string) => m[p]["memory.machineChecks"];
    expect(m.hourly["faults.dram.error"]).toBe(m.daily["faults.dram.error"]);
    expect(mc("hourly")).toBeLessThan(mc("daily"));
    // Each machine check reboots the host and wipes its latent errors: at ~1 an hour here a
    // daily sweep rarely gets to one first, so it does no better than no scrub at all.
    expect(mc("daily")).toBeLessThanOrEqual(mc("never"));
    expect(m.never["memory.latentCleared"]).toBe(0);
    // Setting the default explicitly decides every error as before; only the reporting differs.
    for (const k of ["memory.corrected", "memory.machineChecks", "memory.silent", "memory.decoded", "memory.latent", "memory.whileDown"])
      expect({ k, v: m.daily[k] }).toEqual({ k, v: m.unset[k] });
  });

  it("a policy that sets it reports its scrubs as one aggregated detection record an hour at most; an unset one writes none", async () => {
    const { m, records } = await run();
    const scrubbed = (p: string) => records.filter((x) => x.t === "detection" && x.outcome === "scrubbed" && x.policy === p);
    expect(scrubbed("unset")).toEqual([]);
    expect(scrubbed("never")).toEqual([]);
    for (const p of ["daily", "hourly"]) {
      const rs = scrubbed(p);
      expect(rs.length).toBeGreaterThan(0);
      const hours = rs.map((x) => Math.ceil(x.at / 3600));
      expect(new Set(hours).size).toBe(rs.length);
      // Each names what it cleared; together, every latent error the scrubber cleared.
      expect(rs.reduce((s, x) => s + Number(x.count), 0)).toBe(m[p]["memory.latentCleared"]);
      for (const x of rs) expect(x).toMatchObject({ aggregated: true, source: "patrol scrub", hosts: 1, host: "dc1/row01/rack01/host01" });
    }
  });

  it("a memoryScrub that is not a duration is refused where it is written", () => {
    const r = loadScenarioText(SCENARIO.replace("memoryScrub: 1h", "memoryScrub: hourly"), "scrub.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0].path).toEqual(["policies", "hourly", "memoryScrub"]);
  });
});

describe("what scrubbing costs a training job (memoryScrubCost)", () => {
  it("each step is that fraction slower, counted as lost to detection; 0 (the default) changes nothing", () => {
    const job = (memoryScrubCost?: number) => {
      const w = trainingWorld({
        spec: {},
        policy: { checkpoint: { kind: "fixed", seconds: 1200 }, ...(memoryScrubCost === undefined ? {} : { memoryScrubCost }) },
      });
      w.sim.runUntil(36_000);
      return w.job.metrics();
    };
    const base = job();
    expect(job(0)).toEqual(base);
    const m = job(0.01);
    // The checkpoints fall as before (every 1200 s of running); the running time is spent on
    // steps of 4 s x 1.01, the extra 0.04 s of each lost to detection.
    const running = 36_000 - m["training.checkpointStallHours"] * 3600;
    expect(m["training.stepsDone"]).toBe(Math.floor(running / 4.04 + 1e-9));
    expect(m["training.lost.detectionHours"] * 3600).toBeCloseTo((running / 4.04) * 0.04, 6);
    expect(m["training.goodput"]).toBeLessThan(base["training.goodput"]);
  });
});
