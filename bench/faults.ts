// Fault layer benchmark: 1M hosts (4 datacenters x 625 rows x 25 racks x 16 hosts, two
// inter-datacenter links) for 30 simulated days with every fault model of the registry
// on at its default rates (`- <kind>: {}`), through the same path as `fleet faults`:
// loadScenarioText, scenarioFaultLayer (builds the fleet), sim.run to the horizon. No
// journal file (the trace still computes its digest). The time covers loading, building
// and running; peak RSS is the whole process's, so each repetition runs in a child
// process of its own (this file with --child) and other benches do not inflate it.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { FAULT_MODELS } from "../src/faults/registry.js";
import { scenarioFaultLayer } from "../src/run/fault-layer.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const DAYS = 30;

/** The scenario: every registered fault kind at its defaults; 1M hosts unless `rowsPerDc` says fewer. */
export function benchScenarioText(kinds: string[] = Object.keys(FAULT_MODELS), rowsPerDc = 625, days = DAYS): string {
  const dcs = [1, 2, 3, 4].map((i) => `    - { name: dc${i}, altitudeM: ${i * 400}, rows: ${rowsPerDc}, racksPerRow: 25, hostsPerRack: 16 }`);
  return `name: bench-faults
seed: 1
duration: ${days}d
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

/** One full run in this process (1M hosts x 30 days unless told otherwise). */
export function measureFaults(rowsPerDc = 625, days = DAYS): Omit<Measurement, "rssScope"> {
  const t0 = performance.now();
  const r = loadScenarioText(benchScenarioText(undefined, rowsPerDc, days), "bench/faults.yaml");
  if (!r.ok) throw new Error(`bench scenario refused: ${JSON.stringify(r.issues)}`);
  const horizonSec = days * 86400;
  const layer = scenarioFaultLayer(r.value, { seed: 1, horizonSec });
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

function measureInChild(rowsPerDc = 625, days = DAYS): Measurement | undefined {
  const r = spawnSync(process.execPath, [...process.execArgv, self, "--child", String(rowsPerDc), String(days)], { encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
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
  const figures: Figure[] = [
    { name: "faults.1Mx30d.sec", value: median(runs.map((r) => r.sec)), unit: "s", target: { op: "<=", value: 5 }, extra },
    { name: "faults.1Mx30d.peakRssMB", value: Math.max(...runs.map((r) => r.peakRssMB)), unit: "MB", extra: { rssScope: last.rssScope, hosts: last.hosts } },
  ];
  // Growth: the cost per host-day should stay flat (linear growth) from 10k to 1M hosts
  // and from 7 to 30 days. One child run per shape (the 1M x 30 d figure is above).
  if (!opts.quick) {
    const shapes: { label: string; rows: number; days: number }[] = [
      { label: "10kx30d", rows: 6, days: 30 },
      { label: "100kx30d", rows: 63, days: 30 },
      { label: "1Mx7d", rows: 625, days: 7 },
    ];
    const per = (m: { sec: number; hosts: number }, days: number) => (m.sec / (m.hosts * days)) * 1e9;
    figures.push({
      name: "faults.1Mx30d.nsPerHostDay",
      value: per({ sec: median(runs.map((r) => r.sec)), hosts: last.hosts }, DAYS),
      unit: "ns/host-day",
      extra: { hosts: last.hosts, days: DAYS },
    });
    for (const s of shapes) {
      const m = measureInChild(s.rows, s.days) ?? { ...measureFaults(s.rows, s.days), rssScope: "process" as const };
      figures.push({
        name: `faults.${s.label}.nsPerHostDay`,
        value: per(m, s.days),
        unit: "ns/host-day",
        extra: { hosts: m.hosts, days: s.days, sec: m.sec, events: m.events },
      });
    }
  }
  return figures;
}

if (process.argv.includes("--child") && process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  const at = process.argv.indexOf("--child");
  console.log(JSON.stringify(measureFaults(Number(process.argv[at + 1] ?? 625), Number(process.argv[at + 2] ?? DAYS))));
}
