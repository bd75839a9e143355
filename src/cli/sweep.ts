// `fleet sweep SCENARIO --set PATH=FROM..TO:STEPS [--set ...]`: tries a grid of one or two
// settings, every point under the same seeds, on the same Runner as `fleet gate`; per
// point the metric of one policy averaged over the seeds with a 95% interval; prints the
// table and a chart (one setting) or a heat table (two), the best point marked. Exit 0
// done, 2 bad input (nothing runs), 3 a run failed, 130 interrupted (what finished is
// printed and written, marked partial).
import { loadScenarioFile } from "../scenario/load.js";
import { didYouMean, formatIssues, formatWarnings } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { laneNames } from "../run/session.js";
import { knownMetrics, metricInfo } from "../slo/catalog.js";
import { chooseRunner } from "../distributed/runners.js";
import { readRunnerChoice, runnerOptions, runnerUsage } from "./runner-options.js";
import { runBatch } from "../gate/batch.js";
import { checkOutputPath, writeOutput } from "../gate/output.js";
import { METHOD } from "../gate/stats.js";
import { aggregatePoints, bestIndex, closeToBest, gridPoints, sweepJobs, type Goal } from "../sweep/grid.js";
import { checkAxisPath, checkPoint } from "../sweep/check.js";
import { formatSetting, parseSet, type Axis } from "../sweep/range.js";
import { formatSweepChart, formatSweepHeat, formatSweepTable } from "../sweep/plot.js";
import { formatSweepJson } from "../sweep/json.js";
import { choice, durationOption, flag, int, parse, str, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { checkSnapshotBudget } from "./run.js";

export const DEFAULT_SWEEP_SEEDS = 5;

export const sweepOptions: OptionSpec = {
  set: { type: "string", multiple: true },
  seeds: { type: "string" },
  "seed-base": { type: "string" },
  duration: { type: "string" },
  metric: { type: "string" },
  policy: { type: "string" },
  goal: { type: "string" },
  json: { type: "string" },
  force: { type: "boolean" },
  ascii: { type: "boolean" },
  ...runnerOptions,
};

export const sweepUsage = `fleet sweep SCENARIO --set PATH=FROM..TO:STEPS [--set ...] [options]

Tries a grid of one or two settings of the scenario: every point runs under the
same seeds (S, S+1, ..., where S is --seed-base or else the scenario's seed), on
worker threads. Per point, the metric of one policy is averaged over the seeds,
with a Student-t 95% interval cut at the metric's range ([0, 1] for a share, 0
and up for a count or a duration). Prints a table and a chart of the metric
against the setting (for two settings, a heat table), the best point marked, and
the points the seeds cannot tell apart from it: every point runs the same seeds,
hence the same faults, so each point is compared with the best seed by seed
(Student-t 95% interval of the mean difference; "not clearly worse" when it
reaches 0).

--set PATH=FROM..TO:STEPS
  PATH is dotted keys into the scenario (list items by number), e.g.
  policies.naive.checkpoint or workloads.0.training.stepTime; every part but the
  last must exist in the file. FROM and TO are numbers, percentages or durations
  (both the same kind); STEPS values from FROM to TO, both included, evenly
  spaced, or evenly on a log scale with FROM..~TO. Each value is set into the
  scenario before it is checked.

Options:
  --set PATH=RANGE    a setting to sweep (once or twice)
  --seeds N           runs per point (default ${DEFAULT_SWEEP_SEEDS})
  --seed-base S       first seed (default: the scenario's seed)
  --duration D        simulated time of every run (default: the scenario's)
  --metric NAME       what to compare
                      (default: the metric of the scenario's first SLO)
  --policy NAME       whose metric (default: the policy every --set path is
                      under, e.g. naive for policies.naive.checkpoint; else the
                      first policy)
  --goal max|min      which way is better (default: from the SLO on the metric,
                      max for >= and >, min for <=, < and ==)
  --json PATH         write every point, its per-seed values and digests as JSON
                      (written to PATH.tmp-<pid> and renamed when complete)
  --force             overwrite an existing --json file (without it, a file that
                      exists and is not empty stops the sweep before any run
                      starts)
  --ascii             draw with ASCII characters only
${runnerUsage}

Exit codes: 0 done, 2 bad input (a bad --set, path or value: nothing runs), 3 a
run failed, 130 interrupted (the points so far are shown, marked partial).

Examples:
  fleet sweep scenarios/llm-training.yaml \\
      --set policies.naive.checkpoint=10m..~4h:10
  fleet sweep scenarios/llm-training.yaml \\
      --set policies.naive.checkpoint=10m..2h:12 --seeds 10 --json sweep.json
  fleet sweep scenarios/cosmic.yaml --set policies.hardened.spares=0%..4%:5 \\
      --set policies.hardened.checkpoint=10m..1h:6 --metric training.goodput`;

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("sweep", argv, sweepOptions);
  if (p.positionals.length !== 1) throw new UsageError(`sweep needs exactly one scenario file, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const sets = (p.values.set as string[] | undefined) ?? [];
  if (sets.length === 0) throw new UsageError("sweep needs a --set PATH=FROM..TO:STEPS, e.g. --set policies.naive.checkpoint=10m..4h:12");
  if (sets.length > 2) throw new UsageError(`sweep takes one or two --set, found ${sets.length}`);
  const axes: Axis[] = sets.map((s) => {
    try {
      return parseSet(s);
    } catch (e) {
      throw new UsageError(`--set ${s}: ${(e as Error).message}`);
    }
  });
  if (axes.length === 2 && axes[0].path === axes[1].path) throw new UsageError(`--set ${axes[0].path} is given twice`);
  const seedsN = int(p, "seeds", { min: 1, max: 100_000 }) ?? DEFAULT_SWEEP_SEEDS;
  const runnerChoice = readRunnerChoice(p);
  const jsonPath = str(p, "json");
  if (jsonPath !== undefined) checkOutputPath("json", jsonPath, io.cwd, flag(p, "force"));

  const loaded = loadScenarioFile(file);
  if (!loaded.ok) {
    io.err(`${formatIssues(file, loaded.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = loaded.value;
  if (scenario.warnings.length) io.err(`${formatWarnings(file, scenario.warnings)}\n`);
  const text = scenario.source.text;
  for (const axis of axes) {
    try {
      checkAxisPath(text, axis);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const points = gridPoints(axes);
  // Every value of every axis (the other axes at their first value) must give a valid scenario.
  for (const [k, axis] of axes.entries()) {
    for (const v of axis.values) {
      const probe = points.find((pt) => pt.values[k] === v && pt.values.every((x, j) => j === k || x === axes[j].values[0]))!;
      try {
        checkPoint(file, text, probe, axes);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
  }

  const policies = laneNames(scenario).map((x) => x ?? "default");
  const policy = choosePolicy(str(p, "policy"), axes, policies);
  const metric = str(p, "metric") ?? scenario.slo[0]?.metric;
  if (metric === undefined) throw new UsageError(`${file} states no SLO to take a metric from; give --metric NAME (e.g. training.goodput)`);
  if (!metricInfo(metric)) {
    const guess = didYouMean(metric, knownMetrics());
    throw new UsageError(`--metric: unknown metric "${metric}"${guess ? ` (did you mean "${guess}"?)` : ""}; valid metrics: ${knownMetrics().join(", ")}`);
  }
  const goal = chooseGoal(choice(p, "goal", ["max", "min"] as const), metric, scenario.slo);

  const durationSec = durationOption(p, scenario.limits.maxDurationSec) ?? scenario.durationSec;
  checkSnapshotBudget(scenario, durationSec, `${file}: `);
  const base = int(p, "seed-base", { min: 0, max: 2 ** 53 - 1 }) ?? scenario.seed;
  const seeds = Array.from({ length: seedsN }, (_, i) => base + i);
  const jobs = sweepJobs({ file, text, durationSec }, points, seeds);
  const { runner, label } = await chooseRunner(runnerChoice, jobs.length, io);
  const grid = axes.map((a) => `${a.values.length}`).join(" x ");
  io.err(`sweep: ${grid} point${points.length === 1 ? "" : "s"} x ${seedsN} seed${seedsN === 1 ? "" : "s"} = ${jobs.length} runs on ${label}\n`);

  const batch = await runBatch({ runner, jobs, io, label: "sweep" });
  const rows = aggregatePoints(points, seeds, batch.results, policy, metric);
  const best = bestIndex(rows, goal);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  const finished = batch.results.filter((r) => r.status !== "interrupted").length;
  const partial = batch.interrupted || finished < jobs.length;
  const unicode = !p.values.ascii;

  const out: string[] = [];
  out.push(
    `sweep ${file}: ${axes.map((a) => `${a.text} (${a.spacing})`).join(" x ")}; ${seedsN} seeds ${seeds[0]}..${seeds[seeds.length - 1]}, ${formatDuration(durationSec)} each`,
  );
  out.push(
    `metric: ${metric} of policy ${policy}, goal ${goal}; mean over seeds with a ${METHOD.mean}${partial ? `; PARTIAL: ${finished} of ${jobs.length} runs finished` : ""}`,
    "",
  );
  out.push(formatSweepTable(axes, rows, best, { unicode }), "");
  out.push(axes.length === 1 ? formatSweepChart(axes[0], rows, best, { unicode }) : formatSweepHeat([axes[0], axes[1]], rows, best, goal, { unicode }), "");
  if (best >= 0) {
    const b = rows[best];
    const at = b.point.values.map((v, k) => `${axes[k].path} = ${formatSetting(axes[k], v)}`).join(", ");
    out.push(`best: ${at}: ${metric} ${formatValueCi(b)} (${b.n} seeds)`);
    const edge = axes.some((a, k) => b.point.values[k] === a.values[0] || b.point.values[k] === a.values[a.values.length - 1]);
    if (edge) out.push("  the best is at the edge of the range: the optimum may lie outside it");
    const close = closeToBest(rows, best, goal);
    if (close.length) {
      const list = close.map((i) => rows[i].point.values.map((v, k) => formatSetting(axes[k], v)).join("/")).join(", ");
      out.push(`  not clearly worse (paired by seed, the 95% interval of the difference from the best reaches 0): ${list}`);
    }
  } else {
    out.push("best: none (no point has a value)");
  }
  if (failed)
    out.push(
      `${failed} run${failed === 1 ? "" : "s"} FAILED: ${batch.results.filter((r) => r.status === "failed" || r.status === "invalid").map((r) => `${r.id}: ${r.error ?? ""}`)[0]}${failed > 1 ? " ..." : ""}`,
    );
  const exitCode = batch.interrupted ? EXIT.interrupted : failed ? EXIT.harness : EXIT.ok;
  if (jsonPath === "-") {
    writeOutput("-", formatSweepJson({ file, axes, seeds, durationSec, policy, metric, goal, rows, best, partial, exitCode }), io.cwd, io.out);
  } else {
    io.out(`${out.join("\n")}\n`);
    if (jsonPath !== undefined) {
      writeOutput(jsonPath, formatSweepJson({ file, axes, seeds, durationSec, policy, metric, goal, rows, best, partial, exitCode }), io.cwd, io.out);
      io.err(`json: ${jsonPath}${partial ? " (partial)" : ""}\n`);
    }
  }
  return exitCode;
}

function formatValueCi(r: { estimate: number; low: number; high: number; n: number }): string {
  const f = (x: number) => String(Number(x.toPrecision(4)));
  return r.n >= 2 ? `${f(r.estimate)} [${f(r.low)}, ${f(r.high)}]` : f(r.estimate);
}

/** --policy, else the policy every --set path is under, else the first policy. */
function choosePolicy(given: string | undefined, axes: readonly Axis[], policies: string[]): string {
  if (given !== undefined) {
    if (!policies.includes(given)) {
      const guess = didYouMean(given, policies);
      throw new UsageError(`--policy: the scenario has no policy "${given}"${guess ? ` (did you mean "${guess}"?)` : ""}; it has: ${policies.join(", ")}`);
    }
    return given;
  }
  const under = new Set(axes.map((a) => /^policies\.([^.]+)\./.exec(a.path)?.[1]));
  const only = under.size === 1 ? [...under][0] : undefined;
  return only !== undefined && policies.includes(only) ? only : policies[0];
}

/** --goal, else from the scenario's SLO on the metric. */
function chooseGoal(given: Goal | undefined, metric: string, slos: readonly { metric: string; op: string }[]): Goal {
  if (given) return given;
  const slo = slos.find((s) => s.metric === metric);
  if (!slo || slo.op === "!=") throw new UsageError(`no SLO of the scenario says which way ${metric} is better; give --goal max or --goal min`);
  return slo.op === ">=" || slo.op === ">" ? "max" : "min";
}
