// `fleet gate SCENARIO... --seeds N`: the CI gate. Every scenario runs under N seeds (each
// run takes every policy of its scenario against one fault trace), on worker threads by
// default; each SLO is judged per policy over the seeds with a 95% interval (see
// src/gate/objective.ts for the forms and the judging rule); the verdict goes to stdout
// as a table, and to JUnit XML, Markdown and JSON files on request. Exit 0 when every SLO
// holds, 1 on a breach, 2 on bad input (nothing runs), 3 when a run failed, 130 when
// interrupted (what finished is written, marked partial).
import { loadScenarioFile } from "../scenario/load.js";
import { formatIssues, formatWarnings } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { laneNames } from "../run/session.js";
import { chooseRunner } from "../distributed/runners.js";
import { readRunnerChoice, runnerOptions, runnerUsage } from "./runner-options.js";
import { liftSlo, parseGateSlo, type GateSlo, type JudgeMode } from "../gate/objective.js";
import { buildReport, type GateReport, gateJobs, type GateScenario } from "../gate/report.js";
import { runBatch } from "../gate/batch.js";
import { checkOutputPath, writeOutput } from "../gate/output.js";
import { formatGateText } from "../gate/text.js";
import { formatGateMarkdown } from "../gate/markdown.js";
import { nextCommands } from "../gate/next.js";
import { formatGateJUnit } from "../gate/junit.js";
import { formatGateJson } from "../gate/json.js";
import { choice, durationOption, flag, int, parse, str, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { checkSnapshotBudget } from "./run.js";

export const DEFAULT_SEEDS = 10;

export const gateOptions: OptionSpec = {
  seeds: { type: "string" },
  "seed-base": { type: "string" },
  duration: { type: "string" },
  slo: { type: "string", multiple: true },
  judge: { type: "string" },
  junit: { type: "string" },
  markdown: { type: "string" },
  json: { type: "string" },
  force: { type: "boolean" },
  ...runnerOptions,
};

export const gateUsage = `fleet gate SCENARIO... [options]

The CI gate: runs every scenario under N seeds (seeds S, S+1, ..., S+N-1, where
S is --seed-base or else the scenario's own seed), every policy of a scenario
against the same fault trace in each run, in parallel on worker threads, and
judges each SLO per policy over the seeds with a 95% interval. Prints a policy x
SLO table per scenario; writes JUnit XML (a testcase per scenario x policy x
SLO, the numbers in the failure message), Markdown (for $GITHUB_STEP_SUMMARY)
and JSON (everything, with every run's digests) on request. A progress bar goes
to stderr. The results do not depend on how the runs were spread over threads:
--serial gives the same files.

SLOs over seeds:
  By default, each SLO of the scenario's slo: section, "metric OP X", is judged
  as mean(metric) OP X. With --slo (repeatable), the given SLOs are judged
  instead:
    mean(METRIC) OP X          the mean over seeds: Student-t 95% interval
    pNN(METRIC) OP X           a percentile (p5, p99.9): distribution-free
                               order-statistic 95% interval (binomial)
    median(METRIC) OP X        the same as p50(METRIC) OP X
    P(METRIC OP X) OP P        the fraction of seeds where the comparison
                               holds: Wilson score 95% interval
    min(METRIC) / max(METRIC)  over all seeds: max(x) == 0 means "0 in every
                               seed" (exact)
  Values in the metric's unit, as in slo: ("150ms", "99.95%", "2h"). Intervals
  stay in the values the metric can take: [0, 1] for a share, 0 and up for a
  count or a duration.
  Judging (--judge): "bound" (default): an SLO holds only when its whole 95%
  interval meets the threshold (the lower end for >=, the upper end for <=), so
  a mean that passes by less than its uncertainty is a breach and more seeds
  narrow the interval; "estimate": the point estimate alone is judged. A
  percentile's interval needs enough seeds (72 to bound p5 from below); the
  output says so when there are too few.

Options:
  --seeds N           runs per scenario (default ${DEFAULT_SEEDS})
  --seed-base S       first seed (default: each scenario's seed)
  --duration D        simulated time of every run, e.g. 72h
                      (default: each scenario's)
  --slo TEXT          an SLO over seeds (repeatable); replaces the
                      scenario's SLOs
  --judge MODE        bound or estimate (default bound)
  --junit PATH        write JUnit XML
  --markdown PATH     write Markdown, e.g. --markdown "$GITHUB_STEP_SUMMARY"
  --json PATH         write everything as JSON
                      ("-": to stdout, instead of the table)
  --force             overwrite existing output files (without it an output file
                      that exists and is not empty stops the gate before any run
                      starts). Outputs are written to PATH.tmp-<pid> and renamed
                      when complete.
${runnerUsage}

Exit codes: 0 every SLO holds for every policy, 1 an SLO is breached, 2 bad
input (a scenario is invalid: its errors with file:line; no run starts), 3 a run
failed (fleet itself; its error is in every output), 130 interrupted (Ctrl-C:
the outputs are written from the runs that finished, marked partial).

Examples:
  fleet gate scenarios/cosmic.yaml --seeds 50 --junit gate.xml \\
      --markdown gate.md --json gate.json
  fleet gate scenarios/*.yaml --seeds 200 --jobs 8
  fleet gate scenarios/llm-training.yaml --seeds 100 \\
      --slo 'p5(training.goodput) >= 0.5' \\
      --slo 'P(training.lostWorkHours <= 40h) >= 90%' \\
      --slo 'max(training.silentEscapes) == 0'`;

/** For each scenario with a breached SLO: `why:` and `shrink:` lines (src/gate/next.ts). */
export function whyLines(report: GateReport): string {
  const out: string[] = [];
  for (const s of report.scenarios) {
    const next = nextCommands(s);
    if (!next) continue;
    const n = next.explain.breaches;
    out.push(`explain: ${next.explain.command}  # ${n} SLO${n === 1 ? "" : "s"} breached in that run`);
    if (next.answer.length) out.push(...next.answer.map((l) => `  ${l}`));
    out.push(...next.shrink.map((c) => `shrink: ${c}`));
  }
  return out.length ? `\n${out.join("\n")}\n` : "";
}

export async function gateCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("gate", argv, gateOptions);
  if (p.positionals.length === 0) throw new UsageError("gate needs at least one scenario file");
  const seeds = int(p, "seeds", { min: 1, max: 1_000_000 }) ?? DEFAULT_SEEDS;
  const seedBase = int(p, "seed-base", { min: 0, max: 2 ** 53 - 1 });
  const judge: JudgeMode = choice(p, "judge", ["bound", "estimate"] as const) ?? "bound";
  const runnerChoice = readRunnerChoice(p);
  const flagSlos: GateSlo[] = ((p.values.slo as string[] | undefined) ?? []).map((text) => {
    try {
      return parseGateSlo(text);
    } catch (e) {
      throw new UsageError(`--slo ${JSON.stringify(text)}: ${(e as Error).message}`);
    }
  });
  const durationSec = durationOption(p);
  const outputs = (["junit", "markdown", "json"] as const)
    .map((k) => [k, str(p, k)] as const)
    .filter((x): x is readonly [(typeof x)[0], string] => x[1] !== undefined);
  if (outputs.filter(([, path]) => path === "-").length > 1) throw new UsageError("only one of --junit, --markdown and --json can be - (stdout)");
  for (const [k, path] of outputs) checkOutputPath(k, path, io.cwd, flag(p, "force"));

  // Every scenario is checked before anything runs.
  const scenarios: GateScenario[] = [];
  let invalid = false;
  for (const file of p.positionals) {
    const r = loadScenarioFile(file);
    if (!r.ok) {
      io.err(`${formatIssues(file, r.issues)}\n`);
      invalid = true;
      continue;
    }
    const s = r.value;
    if (s.warnings.length) io.err(`${formatWarnings(file, s.warnings)}\n`);
    const dur = durationSec ?? s.durationSec;
    if (dur > s.limits.maxDurationSec)
      throw new UsageError(
        `--duration ${formatDuration(dur)} is above ${file}'s safety limit of ${formatDuration(s.limits.maxDurationSec)}; raise limits.maxDuration in the scenario`,
      );
    checkSnapshotBudget(s, dur, `${file}: `);
    const base = seedBase ?? s.seed;
    if (base + seeds - 1 > 2 ** 53 - 1) throw new UsageError(`seeds ${base}..${base + seeds - 1} pass the largest seed, 2^53 - 1; lower --seed-base`);
    scenarios.push({
      file,
      name: s.name,
      text: s.source.text,
      policies: laneNames(s).map((x) => x ?? "default"),
      seeds: Array.from({ length: seeds }, (_, i) => base + i),
      slos: flagSlos.length ? flagSlos : s.slo.map(liftSlo),
      durationSec: dur,
      settings: s.policies,
    });
  }
  if (invalid) return EXIT.usage;

  const jobs = gateJobs(scenarios);
  const { runner, label } = await chooseRunner(runnerChoice, jobs.length, io);
  io.err(`gate: ${scenarios.length} scenario${scenarios.length === 1 ? "" : "s"} x ${seeds} seed${seeds === 1 ? "" : "s"} = ${jobs.length} runs on ${label}\n`);
  const batch = await runBatch({ runner, jobs, io, label: "gate" });
  const report = buildReport(scenarios, batch.results, { judge, interrupted: batch.interrupted });

  const render = { junit: formatGateJUnit, markdown: formatGateMarkdown, json: formatGateJson };
  const toStdout = outputs.some(([, path]) => path === "-");
  if (!toStdout) io.out(`${formatGateText(report)}${whyLines(report)}`);
  for (const [k, path] of outputs) {
    writeOutput(path, render[k](report), io.cwd, io.out);
    if (path !== "-") io.err(`${k}: ${path}${report.partial ? " (partial)" : ""}\n`);
  }
  return report.exitCode === 130 ? EXIT.interrupted : report.exitCode;
}
