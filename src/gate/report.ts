// The model of a gate: which jobs it runs (every scenario x seed; each job runs every
// policy of its scenario against one fault trace) and, from their results, a report that
// every output (text, Markdown, JUnit, JSON) renders: per scenario and policy, each SLO's
// judgment over the seeds that finished, a summary of every metric, the runs that failed,
// and the exit code. The report holds nothing from the wall clock, so the same gate gives
// the same report on worker threads, serially or on remote workers.
import { createHash } from "node:crypto";
import type { JobResult, JobSpec } from "../distributed/job.js";
import { judge, type GateSlo, type JudgeMode, type Judgment } from "./objective.js";
import { metricRange, type MetricRange } from "../slo/catalog.js";
import type { Policy } from "../recovery/policy.js";
import { meanInterval, quantileSorted, sampleSd, withinRange } from "./stats.js";

export interface GateScenario {
  /** The file as given on the command line. */
  file: string;
  name: string;
  text: string;
  /** Lane names: the scenario's policies, or "default". */
  policies: string[];
  seeds: number[];
  slos: GateSlo[];
  durationSec: number;
  /** The policies' settings, for what-to-try under a breached run (src/report/answer.ts); defaults when absent. */
  settings?: Record<string, Policy>;
}

export interface MetricSummary {
  n: number;
  mean: number;
  /** Student-t 95% interval of the mean, cut at the metric's range. */
  low: number;
  high: number;
  sd: number;
  min: number;
  p5: number;
  p50: number;
  p95: number;
  max: number;
}

export interface FailedRun {
  seed: number;
  status: string;
  error: string;
}

export interface PolicyReport {
  policy: string;
  judgments: Judgment[];
  metrics: Record<string, MetricSummary>;
}

export interface ScenarioReport {
  file: string;
  name: string;
  durationSec: number;
  seeds: number[];
  /** Seeds whose run completed, in seed order: the judgments rest on these. */
  seedsComplete: number[];
  failedRuns: FailedRun[];
  policies: PolicyReport[];
  /** Every job result of this scenario (complete, failed...), in seed order. */
  runs: JobResult[];
  /** The policies' settings (GateScenario.settings). */
  settings?: Record<string, Policy>;
}

export interface GateReport {
  scenarios: ScenarioReport[];
  judge: JudgeMode;
  /** True when the gate was interrupted: some runs never finished. */
  partial: boolean;
  runsPlanned: number;
  runsComplete: number;
  runsFailed: number;
  checks: number;
  breaches: number;
  /** sha256 over every finished job's id and journal digest, in job order. */
  digest: string;
  exitCode: 0 | 1 | 3 | 130;
}

export function jobId(scenarioIndex: number, scenario: GateScenario, seed: number): string {
  return `${scenarioIndex}/${scenario.name}/seed=${seed}`;
}

/** Every (scenario, seed) job, scenario by scenario, seeds in order. */
export function gateJobs(scenarios: readonly GateScenario[]): JobSpec[] {
  return scenarios.flatMap((s, i) => s.seeds.map((seed) => ({ id: jobId(i, s, seed), file: s.file, text: s.text, seed, durationSec: s.durationSec })));
}

/** A metric over the seeds: the mean with its interval within `range`, the spread, the quantiles. */
export function summarize(values: readonly number[], range: MetricRange): MetricSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const iv = withinRange(meanInterval(values), range);
  return {
    n: values.length,
    mean: iv.estimate,
    low: iv.low,
    high: iv.high,
    sd: sampleSd(values),
    min: sorted[0] ?? NaN,
    p5: quantileSorted(sorted, 0.05),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function buildReport(scenarios: readonly GateScenario[], results: readonly JobResult[], opts: { judge: JudgeMode; interrupted: boolean }): GateReport {
  const byId = new Map(results.map((r) => [r.id, r]));
  let runsComplete = 0;
  let runsFailed = 0;
  const out: ScenarioReport[] = scenarios.map((s, i) => {
    const runs = s.seeds.map((seed) => byId.get(jobId(i, s, seed))).filter((r): r is JobResult => r !== undefined);
    const complete = runs.filter((r) => r.status === "complete");
    const failedRuns = runs
      .filter((r) => r.status === "failed" || r.status === "invalid")
      .map((r) => ({ seed: r.seed, status: r.status, error: r.error ?? "" }));
    runsComplete += complete.length;
    runsFailed += failedRuns.length;
    const policies = s.policies.map((policy): PolicyReport => {
      const judgments = s.slos.map((slo) =>
        judge(
          slo,
          policy,
          complete.map((r) => r.metrics[policy]?.[slo.metric] ?? NaN),
          opts.judge,
        ),
      );
      const names = [...new Set(complete.flatMap((r) => Object.keys(r.metrics[policy] ?? {})))].sort();
      const metrics: Record<string, MetricSummary> = {};
      for (const name of names)
        metrics[name] = summarize(
          complete.map((r) => r.metrics[policy]?.[name] ?? NaN),
          metricRange(name),
        );
      return { policy, judgments, metrics };
    });
    return {
      file: s.file,
      name: s.name,
      durationSec: s.durationSec,
      seeds: s.seeds,
      seedsComplete: complete.map((r) => r.seed),
      failedRuns,
      policies,
      runs,
      settings: s.settings,
    };
  });
  const judgments = out.flatMap((s) => s.policies.flatMap((p) => p.judgments));
  const breaches = judgments.filter((j) => !j.ok).length;
  const hash = createHash("sha256");
  for (const r of results) hash.update(`${r.id} ${r.digest}\n`);
  const runsPlanned = scenarios.reduce((n, s) => n + s.seeds.length, 0);
  const partial = opts.interrupted || runsComplete + runsFailed < runsPlanned;
  const exitCode = opts.interrupted ? 130 : runsFailed > 0 ? 3 : breaches > 0 ? 1 : 0;
  return {
    scenarios: out,
    judge: opts.judge,
    partial,
    runsPlanned,
    runsComplete,
    runsFailed,
    checks: judgments.length,
    breaches,
    digest: hash.digest("hex"),
    exitCode,
  };
}
