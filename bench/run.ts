// `npm run bench`: the whole benchmark suite. Prints the machine first, then one JSON
// line per figure (stable names, for machines) and a readable table (for people), with
// each figure's target and whether it is met. `--quick` for a short pass; `--only NAME`
// runs the benches whose name contains NAME. Figures are medians over repeated runs.
import { machine, meets, type Bench, type Figure } from "./lib.js";
import { benchEngine } from "./engine.js";
import { benchFleet } from "./fleet.js";
import { benchChecksums } from "./checksums.js";
import { benchFaults } from "./faults.js";
import { benchTraining } from "./training.js";
import { benchScenario } from "./scenario.js";
import { benchRedisWorkers } from "./redis-workers.js";
import { benchServing } from "./serving.js";
import { benchDashboard } from "./dashboard.js";
import { benchStorage } from "./storage.js";
import { benchExplain } from "./explain.js";
import { benchShrink } from "./shrink.js";

const benches: [string, Bench][] = [
  ["engine", benchEngine],
  ["fleet", benchFleet],
  ["checksums", benchChecksums],
  ["faults", benchFaults],
  ["training", benchTraining],
  ["scenario", benchScenario],
  ["redis-workers", benchRedisWorkers],
  ["serving", benchServing],
  ["dashboard", benchDashboard],
  ["storage", benchStorage],
  ["workers", (o) => import("./workers.js").then((m) => m.benchWorkers(o))],
  ["explain", benchExplain],
  ["shrink", benchShrink],
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const m = machine();
  console.log(JSON.stringify({ machine: m, quick }));
  const figures: Figure[] = [];
  for (const [name, bench] of benches) {
    if (only && !name.includes(only)) continue;
    for (const f of await bench({ quick })) {
      figures.push(f);
      console.log(JSON.stringify(f));
    }
  }
  console.log("");
  console.log(`machine: ${m.cpu} (${m.cores} cores), ${m.memGiB} GiB, Node ${m.node}${quick ? "  [--quick]" : ""}`);
  const rows = figures.map((f) => {
    const ok = meets(f);
    const target = f.target ? `${f.target.op} ${fmt(f.target.value)}` : "";
    return [f.name, fmt(f.value), f.unit, target, ok === undefined ? "" : ok ? "met" : "NOT MET"];
  });
  const header = ["figure", "value", "unit", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function fmt(x: number): string {
  if (Math.abs(x) >= 1e5) return Math.round(x).toLocaleString("en-US");
  if (Number.isInteger(x)) return String(x);
  return String(+x.toPrecision(4));
}

await main();
