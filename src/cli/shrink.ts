// `fleet shrink SCENARIO|JOURNAL --slo METRIC`: the smallest fault schedule from the run's
// trace under which the SLO still breaches for a policy (src/shrink/shrink.ts has the
// method), written as an incident timeline that `fleet replay --import` and `fleet chaos`
// (as `- timeline:`) run. The file is read back through the timeline reader and run once
// more before the command says it is done. Runs go to worker threads (or Redis workers).
import { basename, dirname, extname, relative, resolve } from "node:path";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatIssues } from "../base/issues.js";
import { exactDuration } from "../base/units.js";
import { chooseRunner } from "../distributed/runners.js";
import { type Runner, serialRunner } from "../distributed/job.js";
import { checkOutputPath, writeOutput } from "../gate/output.js";
import { laneNames } from "../run/session.js";
import { loadScenarioFile } from "../scenario/load.js";
import { formatJson, formatText, incidentText, type ShrinkMeta } from "../shrink/format.js";
import { regressionScenario, shrink } from "../shrink/shrink.js";
import { choice, flag, int, type OptionSpec, parse, str } from "./args.js";
import { scenarioOrJournal } from "./run-source.js";
import { readRunnerChoice, runnerOptions, runnerUsage } from "./runner-options.js";

const options: OptionSpec = {
  slo: { type: "string" },
  policy: { type: "string" },
  seed: { type: "string" },
  duration: { type: "string" },
  out: { type: "string", short: "o" },
  force: { type: "boolean" },
  "max-runs": { type: "string" },
  reporter: { type: "string" },
  ...runnerOptions,
};

const DEFAULT_MAX_RUNS = 300;

export const shrinkUsage = `fleet shrink SCENARIO|JOURNAL --slo METRIC [options]

The smallest fault schedule under which an SLO still breaches for a policy:
delta debugging over the run's fault trace (first whole fault models, then
single faults, then shorter episodes and milder slowdowns), every candidate a
real run. The result is 1-minimal (removing any one fault makes the SLO hold,
each shown by a run) and is written as an incident timeline and a regression
scenario to commit:
  fleet chaos OUT.yaml
  fleet replay --import OUT.jsonl --scenario SCENARIO --seed N --duration D

Options:
  --slo METRIC        the SLO to keep breached, by its metric (training.goodput)
  --policy P          the policy (default: the first the SLO breaches for)
  --seed N            seed (default: the scenario's, or the journal's)
  --duration D        simulated time (default: the scenario's, or the journal's)
  -o, --out FILE      the incident file, .jsonl or .csv; the scenario is FILE
                      with .yaml (default: SCENARIO-POLICY-METRIC-seedN.jsonl)
  --force             overwrite them
  --max-runs N        stop searching after N runs (default ${DEFAULT_MAX_RUNS})
  --reporter R        text or json (default: text)
${runnerUsage}

Exit codes: 0 shrunk (or the SLO breaches with no fault at all: nothing to
write), 1 the breach could not be written as a timeline (the output names the
fault models it needs), 2 bad input or an SLO that holds in the run, 3 a run
failed.

Examples:
  fleet shrink scenarios/cosmic.yaml --policy hardened \\
      --slo serving.availability
  fleet shrink scenarios/cosmic.yaml --seed 7 --slo training.goodput -o g.csv`;

/** The default incident file: "cosmic-hardened-serving.availability-seed42.jsonl". */
function defaultOut(file: string, policy: string, metric: string, seed: number): string {
  return `${basename(file, extname(file))}-${policy}-${metric}-seed${seed}.jsonl`;
}

export async function shrinkCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("shrink", argv, options);
  if (p.positionals.length !== 1) throw new UsageError(`shrink needs one scenario or journal, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const metric = str(p, "slo");
  if (metric === undefined) throw new UsageError("shrink needs --slo METRIC: the SLO to keep breached (fleet chaos lists them)");
  const reporter = choice(p, "reporter", ["text", "json"] as const) ?? "text";
  const budget = int(p, "max-runs", { min: 3, max: 100_000 }) ?? DEFAULT_MAX_RUNS;
  const runnerChoice = readRunnerChoice(p);
  const src = scenarioOrJournal(file, p, io);
  if (typeof src === "number") return src;
  const { scenario, text, seed, durationSec } = src;
  const policies = laneNames(scenario).map((x) => x ?? "default");
  const policyArg = str(p, "policy");
  if (policyArg !== undefined && !policies.includes(policyArg))
    throw new UsageError(`--policy ${policyArg}: the scenario's policies are ${policies.join(", ")}`);
  const slos = scenario.slo.map((s) => s.metric);
  if (!slos.includes(metric))
    throw new UsageError(
      slos.length ? `--slo ${metric}: the scenario's SLOs are on ${slos.join(", ")}` : `--slo ${metric}: the scenario has no SLOs (slo: in the scenario)`,
    );

  const started = process.hrtime.bigint();
  const { runner } = await chooseRunner(runnerChoice, Number.MAX_SAFE_INTEGER, io);
  const width = Math.max(1, runnerChoice.serial ? 1 : (runnerChoice.jobs ?? (await import("node:os")).availableParallelism()));
  try {
    const policy = policyArg ?? (await firstBreached(runner, { file, text, seed, durationSec }, policies, metric)) ?? policies[0];
    const outArg = str(p, "out") ?? defaultOut(file, policy, metric, seed);
    if (!/\.(jsonl|csv)$/.test(outArg)) throw new UsageError(`-o ${outArg}: expected a .jsonl or .csv incident file`);
    const scenarioOut = outArg.replace(/\.(jsonl|csv)$/, ".yaml");
    checkOutputPath("out", outArg, io.cwd, flag(p, "force"));
    checkOutputPath("out", scenarioOut, io.cwd, flag(p, "force"));
    const say = (line: string) => {
      if (reporter === "text") io.err(`${line}\n`);
    };
    const now = () => Number(process.hrtime.bigint()) / 1e9;
    const result = await shrink({ file, text, scenario, seed, durationSec, policy, metric, runner, width, budget, now, onPhase: say });
    const meta: ShrinkMeta = { file, seed, durationSec, policy, metric, wallSec: 0 };
    const o = result.outcome;
    let code: number = EXIT.ok;
    if (o.kind === "holds") code = EXIT.usage;
    if (o.kind === "not-as-timeline") code = EXIT.breach;
    if (o.kind === "shrunk") {
      meta.out = outArg;
      meta.scenarioOut = scenarioOut;
      const comments = [
        `fleet shrink: the smallest fault schedule under which ${metric} ${result.threshold.op} ${result.threshold.value} breaches for ${policy}`,
        `from ${file}, seed ${seed}, ${exactDuration(durationSec)}: ${o.entries.length} of the ${o.traceFaults} faults of ${o.models.join(", ")}`,
        o.minimal ? "removing any one of them makes the SLO hold (1-minimal)" : "not shown 1-minimal (the run budget ran out)",
        `run: fleet chaos ${scenarioOut}`,
      ];
      writeOutput(outArg, incidentText(o.entries, comments, outArg.endsWith(".csv")), io.cwd, io.out);
      const regression = regressionScenario({
        text,
        scenario,
        pins: o.pins,
        timeline: relative(dirname(resolve(io.cwd, scenarioOut)), resolve(io.cwd, outArg)),
        seed,
        durationSec,
        comment: ` faults: ${o.entries.length} written by fleet shrink from ${file} seed ${seed}: ${metric} ${result.threshold.op} ${result.threshold.value} breaches for ${policy}`,
      });
      writeOutput(scenarioOut, regression, io.cwd, io.out);
      // The check is the run a user gets: the scenario file loaded from disk, its timeline read from the file.
      const loaded = loadScenarioFile(resolve(io.cwd, scenarioOut));
      if (!loaded.ok) {
        io.err(`fleet shrink: the regression scenario ${scenarioOut} does not load; this is a bug:\n${formatIssues(scenarioOut, loaded.issues)}\n`);
        return EXIT.harness;
      }
      const [r] = await serialRunner.run([{ id: "shrink-check", file: resolve(io.cwd, scenarioOut), text: loaded.value.source.text, seed, durationSec }]);
      const v = r.verdicts.find((x) => x.policy === policy && x.metric === metric);
      meta.check = { value: v?.value ?? Number.NaN, breached: r.status === "complete" && v !== undefined && !v.ok };
      result.runs++;
      if (!meta.check.breached) code = EXIT.harness;
    }
    meta.wallSec = Number(process.hrtime.bigint() - started) / 1e9;
    io.out(reporter === "json" ? formatJson(result, meta) : formatText(result, meta));
    return code;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(`fleet shrink: ${(e as Error).message}\n`);
    return EXIT.harness;
  } finally {
    await runner.close?.();
  }
}

/** The first policy whose SLO on `metric` the run breaches (undefined: none). */
async function firstBreached(
  runner: Runner,
  job: { file: string; text: string; seed: number; durationSec: number },
  policies: string[],
  metric: string,
): Promise<string | undefined> {
  if (policies.length <= 1) return policies[0];
  const [r] = await runner.run([{ id: "shrink-policy", ...job }]);
  return policies.find((pol) => r.verdicts.some((v) => v.policy === pol && v.metric === metric && !v.ok));
}
