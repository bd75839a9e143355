// End to end: `scenarios/cosmic.yaml` as `fleet chaos --no-journal --reporter json` runs it
// (load, build, every policy's lane, verdicts), without the dashboard. The figure is the
// median wall time; the target is issue 9's 15 s. Each repetition loads and runs afresh.
import { performance } from "node:perf_hooks";
import { digestOnlyJournal } from "../src/journal/index.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { runScenario } from "../src/run/session.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

export async function runCosmicOnce(file = "scenarios/cosmic.yaml"): Promise<{ sec: number; events: number; digest: string }> {
  const t0 = performance.now();
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(`${file} refused: ${JSON.stringify(r.issues)}`);
  const out = await runScenario(r.value, { seed: r.value.seed, durationSec: r.value.durationSec, journal: digestOnlyJournal(), fleetVersion: "bench" });
  if (out.status !== "complete") throw new Error(`${file}: run ${out.status}: ${out.error}`);
  return { sec: (performance.now() - t0) / 1000, events: out.events, digest: out.footer?.digest ?? "" };
}

export async function benchScenario(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 1 : 3;
  const runs: { sec: number; events: number; digest: string }[] = [];
  for (let i = 0; i < reps; i++) runs.push(await runCosmicOnce());
  return [
    {
      name: "scenario.cosmic.sec",
      value: median(runs.map((r) => r.sec)),
      unit: "s",
      target: { op: "<=", value: 15 },
      extra: { runs: runs.map((r) => r.sec), events: runs[0].events, digest: runs[0].digest, machine: machine() },
    },
  ];
}
