// The dashboard's cost: scenarios/cosmic.yaml run to the end at full speed ("max", no
// pacing) with the dashboard drawing into a stand-in 100x30 terminal, against the same
// run with the text reporter (output dropped). Both write a digest-only journal and load
// the scenario afresh; the runs alternate so machine load falls on both alike. The figure
// is the slowdown of the median run, in percent; the target is at most 10%.
// Also reported: the same in CPU time, and frames per second (at most 10 by design; at
// full speed frames also keep to 5% of the wall time, see src/tui/throttle.ts).
import { performance } from "node:perf_hooks";
import { digestOnlyJournal } from "../src/journal/index.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { laneNames, runScenario } from "../src/run/session.js";
import { countScenario } from "../src/scenario/summary.js";
import { TextReporter } from "../src/report/text.js";
import type { Reporter, StartInfo } from "../src/report/reporter.js";
import type { DashboardReporter } from "../src/tui/reporter.js";
import { fakeTerminal } from "../src/tui/testing.js";
import { SPEEDS } from "../src/tui/speed.js";
import { machine, median, type BenchOptions, type Figure } from "./lib.js";

const FILE = "scenarios/cosmic.yaml";

async function runOnce(withDashboard: boolean): Promise<{ sec: number; cpuSec: number; frames: number; digest: string }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = loadScenarioFile(FILE);
  if (!r.ok) throw new Error(`${FILE} refused`);
  const s = r.value;
  const policies = laneNames(s).filter((x): x is string => x !== undefined);
  const info: StartInfo = {
    scenario: s,
    file: FILE,
    seed: s.seed,
    durationSec: s.durationSec,
    counts: countScenario(s),
    policies,
    journalPath: undefined,
    seedLine: `seed=${s.seed}`,
  };
  const drop = () => {};
  let frames = 0;
  let reporter: Reporter;
  let dash: DashboardReporter | undefined;
  if (withDashboard) {
    const term = fakeTerminal(100, 30, { keys: false });
    // As `fleet chaos` loads it: React's production build (see src/cli/chaos.ts).
    process.env.NODE_ENV ??= "production";
    const { DashboardReporter } = await import("../src/tui/reporter.js");
    dash = new DashboardReporter({ stdout: term.stdout, stdin: term.stdin, out: drop, err: drop, color: true, speedIndex: SPEEDS.length - 1 });
    reporter = dash;
  } else {
    reporter = new TextReporter({ out: drop, err: drop });
  }
  reporter.start(info);
  const outcome = await runScenario(s, {
    seed: s.seed,
    durationSec: s.durationSec,
    journal: digestOnlyJournal(),
    fleetVersion: "bench",
    observer: reporter,
    pace: dash?.pace,
  });
  if (outcome.status !== "complete") throw new Error(`${FILE}: run ${outcome.status}`);
  reporter.end({ outcome, wallSec: 0, journalPath: undefined, journalComplete: true, exitCode: 0 });
  await dash?.closed;
  frames = dash?.framesDrawn ?? 0;
  const cpu = process.cpuUsage(cpu0);
  return { sec: (performance.now() - t0) / 1000, cpuSec: (cpu.user + cpu.system) / 1e6, frames, digest: outcome.footer?.digest ?? "" };
}

export async function benchDashboard(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 3 : 7;
  await runOnce(false); // warm up both paths (module loading, JIT)
  await runOnce(true);
  const text: number[] = [];
  const dash: number[] = [];
  const textCpu: number[] = [];
  const dashCpu: number[] = [];
  let frames = 0;
  let digests = new Set<string>();
  for (let i = 0; i < reps; i++) {
    const a = await runOnce(false);
    const b = await runOnce(true);
    text.push(a.sec);
    dash.push(b.sec);
    textCpu.push(a.cpuSec);
    dashCpu.push(b.cpuSec);
    frames += b.frames;
    digests = new Set([...digests, a.digest, b.digest]);
  }
  if (digests.size !== 1) throw new Error("the dashboard changed the run: digests differ");
  const t = median(text);
  const d = median(dash);
  const wall = dash.reduce((x, y) => x + y, 0);
  return [
    {
      name: "dashboard.overheadPercent",
      value: ((d - t) / t) * 100,
      unit: "%",
      target: { op: "<=", value: 10 },
      extra: { scenario: FILE, textSec: text, dashboardSec: dash, medianTextSec: t, medianDashboardSec: d, machine: machine() },
    },
    {
      // The same in CPU time (user + system): less disturbed by other work on the machine.
      name: "dashboard.cpuOverheadPercent",
      value: ((median(dashCpu) - median(textCpu)) / median(textCpu)) * 100,
      unit: "%",
      extra: { textCpuSec: textCpu, dashboardCpuSec: dashCpu },
    },
    { name: "dashboard.framesPerSec", value: frames / wall, unit: "frames/s", target: { op: "<=", value: 10 }, extra: { frames, wallSec: wall } },
  ];
}
