// `fleet explain SCENARIO [--seed N]` (or a journal): for each policy and each SLO that
// breached (or each metric named with --metric), the shortfall taken apart into what
// each fault model and each of its largest correlated incidents cost, by running the same
// fault trace without each part (src/explain/explain.ts has the method). The runs go to
// worker threads like a gate's (or to fleet workers on Redis with --redis).
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import type { JobResult } from "../distributed/job.js";
import { chooseRunner } from "../distributed/runners.js";
import { baselineIncidents, type Explanation, explain, plan, type Target } from "../explain/explain.js";
import { formatJson, formatMarkdown, formatText } from "../explain/format.js";
import { policySettings, suggestions } from "../explain/suggest.js";
import { laneNames } from "../run/session.js";
import { choice, type OptionSpec, parse } from "./args.js";
import { readRunnerChoice, runnerOptions, runnerUsage } from "./runner-options.js";
import { scenarioOrJournal } from "./run-source.js";

const options: OptionSpec = {
  seed: { type: "string" },
  duration: { type: "string" },
  metric: { type: "string", multiple: true },
  policy: { type: "string", multiple: true },
  reporter: { type: "string" },
  ...runnerOptions,
};

export const explainUsage = `fleet explain SCENARIO|JOURNAL [options]

Why did an SLO breach? For each policy and each SLO it breached (or each metric
named with --metric), the shortfall taken apart: what each fault model of the
scenario cost, and within a model its largest correlated incidents (a burst, a
bus bar, a rack), each measured by running the same fault trace without it
(leave-one-out; what faults do only together is shown as "interactions", so the
rows add up to the total exactly). Then the run without any fault: when even
that breaches, no answer to faults will meet the SLO.

A journal (fleet chaos --journal) is explained at its own scenario, seed and
duration.

Options:
  --seed N            seed (default: the scenario's, or the journal's)
  --duration D        simulated time (default: the scenario's, or the journal's)
  --metric M          explain this metric for every policy, breached or not
                      (repeatable)
  --policy P          only this policy (repeatable)
  --reporter R        text, markdown or json (default: text)
${runnerUsage}

Exit codes: 0 explained, 2 bad input, 3 a run failed.

Examples:
  fleet explain scenarios/cosmic.yaml
  fleet explain scenarios/cosmic.yaml --seed 7 --metric training.goodput \\
      --reporter markdown
  fleet explain runs/cosmic-42-20261206-230200.jsonl`;

export async function explainCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("explain", argv, options);
  if (p.positionals.length !== 1) throw new UsageError(`explain needs one scenario or journal, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const reporter = choice(p, "reporter", ["text", "markdown", "json"] as const) ?? "text";
  const metrics = (p.values.metric as string[] | undefined) ?? [];
  const policyFilter = (p.values.policy as string[] | undefined) ?? [];
  const runnerChoice = readRunnerChoice(p);
  const src = scenarioOrJournal(file, p, io);
  if (typeof src === "number") return src;
  const { scenario, text, seed, durationSec } = src;
  const policies = laneNames(scenario).map((x) => x ?? "default");
  for (const pol of policyFilter) if (!policies.includes(pol)) throw new UsageError(`--policy ${pol}: the scenario's policies are ${policies.join(", ")}`);

  const started = process.hrtime.bigint();
  const incidents = baselineIncidents(scenario, seed, durationSec);
  const pl = plan({ file, text, scenario, seed, durationSec, incidents });
  const jobs = [pl.full, pl.none, ...pl.parts.map((x) => x.job)];
  const { runner } = await chooseRunner(runnerChoice, jobs.length, io);
  let results: JobResult[];
  try {
    results = await runner.run(jobs);
  } finally {
    await runner.close?.();
  }
  const byId = new Map(results.map((r) => [r.id, r]));
  const full = byId.get(pl.full.id);
  if (!full || full.status !== "complete") {
    io.err(`fleet explain: the run itself did not complete (${full?.error ?? full?.status ?? "no result"})\n`);
    return full?.status === "invalid" ? EXIT.usage : EXIT.harness;
  }
  const wanted = (pol: string) => policyFilter.length === 0 || policyFilter.includes(pol);
  const targets: Target[] = [];
  if (metrics.length) {
    for (const pol of policies.filter(wanted)) {
      for (const m of metrics) {
        if (full.metrics[pol]?.[m] === undefined) throw new UsageError(`--metric ${m}: the run has no such metric for ${pol}`);
        const slo = full.verdicts.find((x) => x.policy === pol && x.metric === m);
        targets.push({ policy: pol, metric: m, ...(slo ? { slo: { op: slo.op, threshold: slo.threshold } } : {}) });
      }
    }
  } else {
    for (const x of full.verdicts)
      if (!x.ok && wanted(x.policy)) targets.push({ policy: x.policy, metric: x.metric, slo: { op: x.op, threshold: x.threshold } });
  }
  const explanations: Explanation[] = targets.map((t) => {
    const e = explain(pl, byId, t);
    return { ...e, tries: suggestions(e, policySettings(text, t.policy)) };
  });
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  const o = { file, seed, runs: jobs.length, wallSec };
  io.out(reporter === "json" ? formatJson(explanations, o) : reporter === "markdown" ? formatMarkdown(explanations, o) : formatText(explanations, o));
  return EXIT.ok;
}
