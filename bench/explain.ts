// `fleet explain scenarios/cosmic.yaml` end to end as the CLI runs it (the fault layer
// alone for the incidents, then every leave-one-out run on the worker threads, one per
// core), with its output discarded. The figure is the median wall time; the target is
// issue 17's: under 30 s for the scenario's breached SLOs on 2 cores.
import { performance } from "node:perf_hooks";
import { run } from "../src/cli/main.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

async function explainOnce(): Promise<number> {
  const t0 = performance.now();
  let out = "";
  const code = await run(["explain", "scenarios/cosmic.yaml", "--reporter", "json"], {
    out: (t) => void (out += t),
    err: () => undefined,
    isTTY: false,
    env: {},
    cwd: process.cwd(),
  });
  if (code !== 0) throw new Error(`fleet explain exited ${code}`);
  const runs = (JSON.parse(out) as { runs: number }).runs;
  if (!(runs > 2)) throw new Error("fleet explain ran nothing");
  return (performance.now() - t0) / 1000;
}

export async function benchExplain(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 1 : 3;
  const secs: number[] = [];
  for (let i = 0; i < reps; i++) secs.push(await explainOnce());
  return [{ name: "explain.cosmic.sec", value: median(secs), unit: "s", target: { op: "<=", value: 30 }, extra: { runs: secs, machine: machine() } }];
}
