// `fleet shrink scenarios/cosmic.yaml` end to end as the CLI runs it, on the worker
// threads (one per core), for the breaches of the showcase's default seed that a user
// would shrink: baseline's goodput (host crashes), baseline's silent escapes (a defective
// core) and hardened's availability (a defective core and a GPU failure). Each writes its
// incident file and regression scenario to a temporary folder, which is removed. The
// figures are the median wall time of each; the target is issue 17's: under 60 s on 2
// cores.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { run } from "../src/cli/main.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const CASES = [
  { name: "goodput", slo: "training.goodput", policy: "baseline" },
  { name: "escapes", slo: "training.silentEscapes", policy: "baseline" },
  { name: "availability", slo: "serving.availability", policy: "hardened" },
] as const;

async function shrinkOnce(slo: string, policy: string): Promise<{ sec: number; runs: number; faults: number }> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-shrink-"));
  try {
    const t0 = performance.now();
    let out = "";
    const code = await run(["shrink", "scenarios/cosmic.yaml", "--slo", slo, "--policy", policy, "--reporter", "json", "-o", join(dir, "shrunk.jsonl")], {
      out: (t) => void (out += t),
      err: () => undefined,
      isTTY: false,
      env: {},
      cwd: process.cwd(),
    });
    const sec = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`fleet shrink --slo ${slo} exited ${code}`);
    const j = JSON.parse(out) as { runs: number; outcome: { kind: string; entries?: unknown[] } };
    if (j.outcome.kind !== "shrunk") throw new Error(`fleet shrink --slo ${slo}: ${j.outcome.kind}`);
    return { sec, runs: j.runs, faults: j.outcome.entries?.length ?? 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchShrink(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 1 : 3;
  const figures: Figure[] = [];
  for (const c of CASES) {
    const got = [];
    for (let i = 0; i < reps; i++) got.push(await shrinkOnce(c.slo, c.policy));
    figures.push({
      name: `shrink.cosmic.${c.name}.sec`,
      value: median(got.map((g) => g.sec)),
      unit: "s",
      target: { op: "<=", value: 60 },
      extra: { runs: got.map((g) => g.runs), faults: got.map((g) => g.faults), secs: got.map((g) => g.sec), machine: machine() },
    });
  }
  return figures;
}
