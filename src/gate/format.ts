// How a gate's numbers read in every output: values to 4 significant digits, intervals as
// "[low, high]", a judgment as one sentence with the value, the interval and its method,
// what was judged, the threshold and the seeds. Shared by the text, Markdown and JUnit
// outputs so they say the same thing.
import { formatValue } from "../slo/slo.js";
import { metricInfo } from "../slo/catalog.js";
import { formatDuration } from "../base/units.js";
import type { GateSlo, Judgment } from "./objective.js";
import { METHOD } from "./stats.js";
import type { GateReport, ScenarioReport } from "./report.js";

export function fmt(x: number): string {
  return formatValue(x);
}

/**
 * A value of a judgment in its metric's unit, to 4 significant digits so an interval's ends
 * stay apart: a latency in seconds as 199.9ms or 2.5s (a minute and more as a duration);
 * anything else, and a probability, as a number.
 */
function fmtOf(slo: GateSlo, x: number): string {
  if (slo.kind === "probability" || !(x >= 0) || !Number.isFinite(x) || metricInfo(slo.metric)?.unit !== "seconds") return formatValue(x);
  if (x === 0) return "0s";
  if (x < 1) return `${Number((x * 1000).toPrecision(4))}ms`;
  if (x < 60) return `${Number(x.toPrecision(4))}s`;
  return formatDuration(x);
}

/** "0.93 [0.9104, 0.9496]"; a value without an interval (min, max) alone; "-" when missing. */
export function valueWithInterval(j: Judgment): string {
  const f = (x: number) => fmtOf(j.slo, x);
  if (Number.isNaN(j.estimate)) return "-";
  if (j.low === j.high && j.low === j.estimate) return f(j.estimate);
  return `${f(j.estimate)} [${f(j.low)}, ${f(j.high)}]`;
}

/** "mean", "p5", "P(training.lostWorkHours <= 2h)"... */
export function statName(slo: GateSlo): string {
  return slo.text
    .slice(0, slo.text.lastIndexOf(slo.op))
    .trim()
    .replace(/\(.*\)$/, (m) => (slo.kind === "probability" ? m : ""));
}

function thresholdText(slo: GateSlo): string {
  return slo.text.slice(slo.text.lastIndexOf(slo.op) + slo.op.length).trim();
}

const ON: Record<Judgment["judgedOn"], string> = {
  low: "judged on its lower end",
  high: "judged on its upper end",
  interval: "judged on the whole interval",
  estimate: "judged on the estimate",
};

/**
 * One sentence with every number of a judgment:
 * "mean 0.7712, 95% CI [0.7501, 0.7923] (Student-t 95% interval of the mean, cut at the
 * metric's range), judged on its lower end 0.7501, must be >= 0.80; training.goodput >= 0.80
 * fails in 38 of 50 seeds".
 */
export function describeJudgment(j: Judgment): string {
  const { slo } = j;
  const stat = slo.kind === "probability" ? "P" : statName(slo);
  const exact = j.method === METHOD.exact;
  const f = (x: number) => fmtOf(slo, x);
  const parts = [`${stat} ${f(j.estimate)}`];
  if (!exact)
    parts.push(
      `, 95% CI [${f(j.low)}, ${f(j.high)}] (${j.method}), ${ON[j.judgedOn]}${j.judgedOn === "low" || j.judgedOn === "high" ? ` ${f(j.judged)}` : ""}`,
    );
  else parts.push(` (${j.method})`);
  parts.push(`, must be ${slo.op} ${thresholdText(slo)}`);
  const perRun = slo.kind === "probability" ? `${slo.metric} ${slo.inner!.text}` : `${slo.metric} ${slo.op} ${thresholdText(slo)}`;
  parts.push(`; ${perRun} fails in ${j.seedsBreaching} of ${j.seeds} seed${j.seeds === 1 ? "" : "s"}`);
  if (j.note) parts.push(`; ${j.note}`);
  return parts.join("");
}

/** "5 seeds 100..104, 10d each" */
export function seedsText(s: ScenarioReport): string {
  const n = s.seeds.length;
  const range = n === 0 ? "" : n === 1 ? ` ${s.seeds[0]}` : ` ${s.seeds[0]}..${s.seeds[n - 1]}`;
  const done = s.seedsComplete.length === n ? "" : ` (${s.seedsComplete.length} complete)`;
  return `${n} seed${n === 1 ? "" : "s"}${range}${done}, ${formatDuration(s.durationSec)} each`;
}

export function judgeText(r: GateReport): string {
  return r.judge === "bound" ? "an SLO holds when its whole 95% interval meets it" : "an SLO holds when its point estimate meets it (--judge estimate)";
}

/** The methods used in a report, one line each. */
export function methodLines(r: GateReport): string[] {
  const kinds = new Set(r.scenarios.flatMap((s) => s.policies.flatMap((p) => p.judgments.map((j) => j.slo.kind))));
  const out: string[] = [];
  if (kinds.has("mean")) out.push(`mean: ${METHOD.mean} (mean ± t·s/√n; the range is [0, 1] for a share, 0 and up for a count or a duration)`);
  if (kinds.has("quantile"))
    out.push(`pNN, median: ${METHOD.quantile} (an end too few seeds give is the range's); estimate interpolated between order statistics (type 7)`);
  if (kinds.has("probability")) out.push(`P(...): ${METHOD.probability} of the fraction of seeds`);
  if (kinds.has("min") || kinds.has("max")) out.push(`min, max: ${METHOD.exact}`);
  return out;
}

/** "gate: 2 of 6 checks breached over 40 runs -> exit 1" and what else the reader must know. */
export function summaryLine(r: GateReport): string {
  const failed = r.runsFailed ? `, ${r.runsFailed} run${r.runsFailed === 1 ? "" : "s"} FAILED` : "";
  const partial = r.partial ? ` (PARTIAL: ${r.runsComplete + r.runsFailed} of ${r.runsPlanned} runs finished)` : "";
  return `gate: ${r.breaches} of ${r.checks} checks breached over ${r.runsComplete} complete runs${failed}${partial} -> exit ${r.exitCode}`;
}
