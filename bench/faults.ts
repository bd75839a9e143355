// Fault layer benchmark: 1M hosts (4 datacenters x 625 rows x 25 racks x 16 hosts, two
// inter-datacenter links) for 30 simulated days with every fault model of the registry
// on at its default rates (`- <kind>: {}`), through the same path as `fleet faults`:
// loadScenarioText, startFaultLayer (builds the fleet), sim.run to the horizon. No
// journal file (the trace still computes its digest). The time covers loading, building
// and running; peak RSS is the whole process's, so each repetition runs in a child
// process of its own (this file with --child) and other benches do not inflate it.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { FAULT_MODELS } from "../src/faults/registry.js";
import { startFaultLayer } from "../src/faults/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const DAYS = 30;

/** The scenario: every registered fault kind at its defaults. */
export function benchScenarioText(kinds: string[] = Object.keys(FAULT_MODELS)): string {
  const dcs = [1, 2, 3, 4].map((i) => `    - { name: dc${i}, altitudeM: ${i * 400}, rows: 625, racksPerRow: 25, hostsPerRack: 16 }`);
  return `name: bench-faults
seed: 1
duration: ${DAYS}d
fleet:
  datacenters:
${dcs.join("\n")}
  links:
    - { between: [dc1, dc2] }
    - { between: [dc3, dc4] }
faults:
${kinds.map((k) => `  - ${k}: {}`).join("\n")}
`;
}

interface Measurement {
  sec: number;
  startSec: number;
  runSec: number;
  peakRssMB: number;
  hosts: number;
  events: number;
  records: number;
  counts: Record<string, number>;
  rssScope: "child" | "process";
}

/** One full run in this process. */
export function measureFaults(): Omit<Measurement, "rssScope"> {
  const t0 = performance.now();
  const r = loadScenarioText(benchScenarioText(), "bench/faults.yaml");
  if (!r.ok) throw new Error(`bench scenario refused: ${JSON.stringify(r.issues)}`);
  const horizonSec = DAYS * 86400;
  const layer = startFaultLayer(r.value, { seed: 1, horizonSec });
  const t1 = performance.now();
  const run = layer.sim.run({ until: horizonSec });
  const t2 = performance.now();
  return {
    sec: (t2 - t0) / 1000,
    startSec: (t1 - t0) / 1000,
    runSec: (t2 - t1) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    hosts: layer.fleet.hostCount,
    events: run.events,
    records: layer.trace.records,
    counts: Object.fromEntries([...layer.trace.counts].map(([k, c]) => [k, c.events])),
  };
}

const self = fileURLToPath(import.meta.url);

function measureInChild(): Measurement | undefined {
  const r = spawnSync(process.execPath, [...process.execArgv, self, "--child"], { encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) return undefined;
  const last = r.stdout.trimEnd().split("\n").at(-1);
  try {
    return { ...(JSON.parse(last ?? "") as Omit<Measurement, "rssScope">), rssScope: "child" };
  } catch {
    return undefined;
  }
}

export async function benchFaults(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 1 : 3;
  const runs: Measurement[] = [];
  for (let i = 0; i < reps; i++) runs.push(measureInChild() ?? { ...measureFaults(), rssScope: "process" });
  const last = runs[runs.length - 1];
  const extra = {
    hosts: last.hosts,
    days: DAYS,
    kinds: Object.keys(FAULT_MODELS),
    events: last.events,
    faultRecords: last.records,
    faults: last.counts,
    startSec: median(runs.map((r) => r.startSec)),
    runSec: median(runs.map((r) => r.runSec)),
    runs: runs.map((r) => r.sec),
    reps,
    rssScope: last.rssScope,
    machine: machine(),
  };
  return [
    { name: "faults.1Mx30d.sec", value: median(runs.map((r) => r.sec)), unit: "s", target: { op: "<=", value: 5 }, extra },
    { name: "faults.1Mx30d.peakRssMB", value: Math.max(...runs.map((r) => r.peakRssMB)), unit: "MB", extra: { rssScope: last.rssScope, hosts: last.hosts } },
  ];
}

if (process.argv.includes("--child") && process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  console.log(JSON.stringify(measureFaults()));
}
