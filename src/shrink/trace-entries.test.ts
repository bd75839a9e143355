// A run's fault trace written as scheduled entries (what `fleet shrink` runs) must be
// the same faults: model by model, the run with that model's faults as entries gives
// every policy the same metrics as the run with the model itself. DRAM faults' positions
// and errors and disks' latent errors are drawn again or left out (trace-entries.ts says
// so), so for those only the count of faults is the same.
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { runJob } from "../distributed/job.js";
import { FAULT_MODELS } from "../faults/registry.js";
import { loadScenarioText } from "../scenario/load.js";
import { entryOf } from "./shrink.js";
import { traceEntries } from "./trace-entries.js";

const SCENARIO = `name: fidelity
seed: 5
duration: 2d
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 4, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
    - { name: dc2, rows: 2, racksPerRow: 4, hostsPerRack: 16 }
workloads:
  - training: { name: job, hosts: 128, stepTime: 10s, checkpointWrite: 60s, restart: 5m }
  - storage: { name: store, blocks: 20000, firstHost: 128, hosts: 200 }
  - serving: { name: web, shards: 8, replicas: 4, qps: 200, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms }, firstHost: 340 }
faults:
  - cosmic: { rate: 5 FIT/Mbit, multiBit: 5%, bursts: { every: 12h, duration: 20m, x: 50 } }
  - dram: {}
  - disk: { afr: 50% }
  - busbar: { mtbf: 20d, repair: 3h, warning: 10m }
  - pdu: { mtbf: 10d, repair: 2h }
  - utility: { mtbf: 2d, masked: 50%, repair: 1h }
  - host: { mtbf: 1y }
  - accelerator: {}
  - rack: { mtbf: 20d, wonkyMtbf: 20d }
  - link: { mtbf: 2d, latencyMtbf: 1d }
  - straggler: { hosts: 5%, slowdown: 3x, duration: 30m }
  - colocated: { firstHost: 340, count: 32, hosts: 25%, step: 2h }
  - mercurialCore: { hosts: 1% }
policies:
  plain: { checkpoint: 1h, replication: 3 }
  careful: { checkpoint: 30m, spares: 5%, drainSlowerThan: 1.5x, hedge: p95, endToEndCrc: true, replication: 3, onPowerWarning: migrate }
`;

const FILE = "fidelity.yaml";
const SEC = 2 * 86400;

/** The scenario text with only the `faults:` entries at `keep`. */
function keepFaults(text: string, keep: readonly number[]): { text: string; doc: ReturnType<typeof parseDocument> } {
  const doc = parseDocument(text);
  const n = (doc.toJS() as { faults: unknown[] }).faults.length;
  for (let i = n - 1; i >= 0; i--) if (!keep.includes(i)) doc.deleteIn(["faults", i]);
  return { text: String(doc), doc };
}

/**
 * Every policy's metrics, less two that a timeline cannot carry and the runs here do not
 * use: the count of burst starts (a marker with no entry) and the M the fault models'
 * rates give (young and daly intervals; these policies checkpoint at fixed intervals).
 */
async function metrics(text: string): Promise<Record<string, Record<string, number>>> {
  const r = await runJob({ id: "x", file: FILE, text, seed: 5, durationSec: SEC });
  expect(r.error).toBeUndefined();
  for (const m of Object.values(r.metrics)) {
    delete m["faults.cosmic.burst"];
    delete m["training.mtbfHours"];
  }
  return r.metrics;
}

describe("a trace as scheduled entries", () => {
  it("names no incident parameter like a model or `at` (an entry could not say both)", () => {
    const keys = new Set(["at", "timeline", ...Object.keys(FAULT_MODELS)]);
    for (const m of Object.values(FAULT_MODELS)) for (const p of Object.keys(m.incident?.params ?? {})) expect(keys.has(p), `${m.kind}.${p}`).toBe(false);
  });

  it("gives every policy the same metrics as the model it came from, model by model", async () => {
    const all = Array.from({ length: 13 }, (_, i) => i);
    const exact = await metrics(SCENARIO);
    const tried: string[] = [];
    for (const m of all) {
      const alone = loadScenarioText(keepFaults(SCENARIO, [m]).text, FILE);
      if (!alone.ok) throw new Error(alone.issues[0].message);
      const model = alone.value.faults[0].kind;
      const { entries, leftOut } = traceEntries(alone.value, 5, SEC);
      const { doc } = keepFaults(
        SCENARIO,
        all.filter((x) => x !== m),
      );
      for (const e of entries) doc.addIn(["faults"], doc.createNode(entryOf(e)));
      const converted = await metrics(String(doc));
      if (model === "dram" || model === "disk") {
        const count = model === "dram" ? "faults.dram.fault" : "faults.disk.fail";
        expect(converted.plain[count], model).toBe(exact.plain[count]);
        for (const l of leftOut) expect(["disk.lse", "disk.slow"], model).toContain(l.faultKind);
        continue;
      }
      expect(leftOut, model).toEqual([]);
      if (entries.length) tried.push(model);
      expect(converted, model).toEqual(exact);
    }
    // Most models made faults in these two days (pdu and utility may not).
    expect(tried.length).toBeGreaterThanOrEqual(9);
  });
});
