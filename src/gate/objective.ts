// SLOs over seeds, for `fleet gate`. A scenario's `slo:` section speaks of one run; a gate
// speaks of many. Forms (`--slo`, each judged for every policy):
//   mean(training.goodput) >= 0.9        the mean over seeds           (Student-t interval)
//   p5(training.goodput) >= 0.85         a percentile over seeds: p50,
//                                        p99.9, median = p50           (order-statistic interval)
//                                        both cut at the metric's range (src/gate/stats.ts)
//   P(training.lostWorkHours <= 2h) >= 95%
//                                        the fraction of seeds where a
//                                        per-run comparison holds       (Wilson interval)
//   max(training.silentEscapes) == 0     min or max over seeds: "in every seed" (exact)
// Values are read in the metric's unit as in `slo:` ("150ms", "99.95%").
//
// A per-run SLO of the scenario, `metric OP X`, becomes `mean(metric) OP X` over seeds.
//
// Judging: by default ("bound") an SLO holds only when its whole 95% interval meets the
// threshold, i.e. the pessimistic end does (the lower end for >= and >, the upper for <=
// and <, both for ==; for != the threshold must lie outside the interval): the gate
// passes on evidence, not on luck, and more seeds narrow the interval. `--judge estimate`
// judges the point estimate instead. Either way the interval is reported. An end that lay
// past the metric's range is judged at the range's end: only a threshold at or past it
// (mean(x) >= 0 for a count) is judged otherwise than on the uncut interval. A seed that did
// not report the metric makes the SLO a breach.
import { metricInfo, metricRange, knownMetrics, type MetricRange } from "../slo/catalog.js";
import { holds, parseSlo, type Slo, type SloOp } from "../slo/slo.js";
import { didYouMean } from "../base/issues.js";
import { LEVEL, METHOD, meanInterval, quantileInterval, seedsForQuantileInterval, wilsonInterval, withinRange, type Interval } from "./stats.js";

export type GateSloKind = "mean" | "quantile" | "probability" | "min" | "max";

export interface GateSlo {
  kind: GateSloKind;
  metric: string;
  /** For "quantile": 0.05 for p5. */
  q?: number;
  /** For "probability": the per-run comparison counted over seeds. */
  inner?: Slo;
  op: SloOp;
  /** In the metric's unit (a fraction for "probability"). */
  threshold: number;
  /** As written, normalized: "p5(training.goodput) >= 0.85". */
  text: string;
  /** "scenario" when lifted from the scenario's `slo:` section, "flag" from --slo. */
  from: "scenario" | "flag";
}

export type JudgeMode = "bound" | "estimate";

export interface Judgment extends Interval {
  slo: GateSlo;
  policy: string;
  method: string;
  /** The values the judged statistic can take, which the interval stays in: the metric's range, [0, 1] for P(...). */
  range: MetricRange;
  /** The value that was compared with the threshold (NaN when a seed lacked the metric). */
  judged: number;
  /** Which part of the interval was judged: "low", "high", "interval" or "estimate". */
  judgedOn: "low" | "high" | "interval" | "estimate";
  ok: boolean;
  /** Seeds on which the per-run comparison fails (for mean/quantile/min/max: metric OP X). */
  seedsBreaching: number;
  /** Seeds judged (complete runs), including any that did not report the metric. */
  seeds: number;
  /** Why the judgment needs a word: missing metrics, too few seeds for an interval. */
  note?: string;
}

/** The scenario's per-run SLO, over seeds: `mean(metric) OP X`. */
export function liftSlo(slo: Slo): GateSlo {
  return { kind: "mean", metric: slo.metric, op: slo.op, threshold: slo.threshold, text: `mean(${slo.metric}) ${slo.text}`, from: "scenario" };
}

const FORMS = "mean(METRIC) >= X, p5(METRIC) >= X, median(METRIC) <= X, max(METRIC) == 0 or P(METRIC <= X) >= 95%";

function lookUp(metric: string): NonNullable<ReturnType<typeof metricInfo>> {
  const info = metricInfo(metric);
  if (!info) {
    const guess = didYouMean(metric, knownMetrics());
    throw new Error(`unknown metric "${metric}"${guess ? ` (did you mean "${guess}"?)` : ""}; valid metrics: ${knownMetrics().join(", ")}`);
  }
  return info;
}

/** Parses an over-seed SLO; throws Error saying what to fix. */
export function parseGateSlo(text: string): GateSlo {
  const src = text.trim();
  const prob = /^P\s*\(\s*([A-Za-z_][\w.]*)\s*((?:>=|<=|==|!=|<|>)[^)]*)\)\s*(.*)$/.exec(src);
  if (prob) {
    const [, metric, innerText, outer] = prob;
    const inner = parseSlo(metric, innerText, lookUp(metric).unit);
    let outerSlo: Slo;
    try {
      outerSlo = parseSlo("P(...)", outer, "fraction");
    } catch {
      throw new Error(`after P(${metric} ${inner.text}) expected a comparison with a probability like ">= 0.95" or ">= 95%", found ${JSON.stringify(outer)}`);
    }
    if (outerSlo.threshold < 0 || outerSlo.threshold > 1) throw new Error(`a probability lies between 0 and 1 (0% and 100%), found ${outerSlo.threshold}`);
    return {
      kind: "probability",
      metric,
      inner,
      op: outerSlo.op,
      threshold: outerSlo.threshold,
      text: `P(${metric} ${inner.text}) ${outerSlo.text}`,
      from: "flag",
    };
  }
  const m = /^([A-Za-z][\w.]*)\s*\(\s*([^)\s]*)\s*\)\s*(.*)$/.exec(src);
  if (!m) throw new Error(`expected an SLO over seeds like ${FORMS}, found ${JSON.stringify(text)}`);
  const [, stat, metric, rest] = m;
  let kind: GateSloKind;
  let q: number | undefined;
  const pct = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (stat === "mean" || stat === "min" || stat === "max") kind = stat;
  else if (stat === "median") [kind, q] = ["quantile", 0.5];
  else if (pct && Number(pct[1]) > 0 && Number(pct[1]) < 100) [kind, q] = ["quantile", Number((Number(pct[1]) / 100).toPrecision(12))];
  else {
    const guess = didYouMean(stat, ["mean", "median", "min", "max", "p5", "p50", "p95", "P"]);
    throw new Error(
      `unknown statistic "${stat}"${guess ? ` (did you mean "${guess}"?)` : ""}: use mean, median, min, max, pNN (a percentile between 0 and 100, e.g. p5, p99.9) or P(METRIC OP X)`,
    );
  }
  const slo = parseSlo(metric, rest, lookUp(metric).unit);
  return { kind, metric, op: slo.op, threshold: slo.threshold, ...(q !== undefined ? { q } : {}), text: `${stat}(${metric}) ${slo.text}`, from: "flag" };
}

const PROBABILITY: MetricRange = Object.freeze({ min: 0, max: 1 });

/** Whether a value, or a whole interval, meets `op threshold`, as the mode says. */
function decide(op: SloOp, iv: Interval, threshold: number, mode: JudgeMode): Pick<Judgment, "judged" | "judgedOn" | "ok"> {
  if (mode === "estimate") return { judged: iv.estimate, judgedOn: "estimate", ok: holds(op, iv.estimate, threshold) };
  switch (op) {
    case ">=":
    case ">":
      return { judged: iv.low, judgedOn: "low", ok: holds(op, iv.low, threshold) };
    case "<=":
    case "<":
      return { judged: iv.high, judgedOn: "high", ok: holds(op, iv.high, threshold) };
    case "==":
      return { judged: iv.estimate, judgedOn: "interval", ok: holds(op, iv.low, threshold) && holds(op, iv.high, threshold) };
    case "!=":
      return { judged: iv.estimate, judgedOn: "interval", ok: !Number.isNaN(iv.estimate) && (threshold < iv.low || threshold > iv.high) };
  }
}

/** Judges one SLO for one policy, from the metric values of its seeds (one per seed). */
export function judge(slo: GateSlo, policy: string, values: readonly number[], mode: JudgeMode = "bound"): Judgment {
  const present = values.filter((v) => !Number.isNaN(v));
  const missing = values.length - present.length;
  const perRun = slo.kind === "probability" ? slo.inner! : { op: slo.op, threshold: slo.threshold };
  const seedsBreaching = values.filter((v) => !holds(perRun.op, v, perRun.threshold)).length;
  const range = slo.kind === "probability" ? PROBABILITY : metricRange(slo.metric);
  // The interval before the cut at the range: an infinite end is one the seeds cannot give.
  let raw: Interval;
  let method: string;
  switch (slo.kind) {
    case "mean":
      raw = meanInterval(present);
      method = METHOD.mean;
      break;
    case "quantile":
      raw = quantileInterval(present, slo.q!);
      method = METHOD.quantile;
      break;
    case "probability":
      raw = wilsonInterval(values.length - seedsBreaching, values.length);
      method = METHOD.probability;
      break;
    case "min":
    case "max": {
      const v = present.length ? (slo.kind === "min" ? Math.min(...present) : Math.max(...present)) : NaN;
      raw = { estimate: v, low: v, high: v, n: present.length };
      method = METHOD.exact;
      break;
    }
  }
  const iv = withinRange(raw, range);
  // A check that cannot be judged is a breach, with the reason.
  const unjudged = (interval: typeof iv, seeds: number, note: string) => ({
    ...interval,
    slo,
    policy,
    method,
    range,
    judged: NaN,
    judgedOn: mode === "estimate" ? ("estimate" as const) : ("interval" as const),
    ok: false,
    seedsBreaching,
    seeds,
    note,
  });
  if (values.length === 0) return unjudged(iv, 0, "no seed finished");
  if (missing > 0)
    return unjudged({ ...iv, estimate: NaN, n: present.length }, values.length, `${missing} of ${values.length} seeds did not report ${slo.metric}`);
  const d = decide(slo.op, iv, slo.threshold, mode);
  const endMissing = (d.judgedOn === "low" && raw.low === -Infinity) || (d.judgedOn === "high" && raw.high === Infinity);
  let note: string | undefined;
  if (endMissing && Number.isFinite(iv.estimate)) {
    note =
      slo.kind === "quantile"
        ? `${values.length} seeds are too few to bound the ${percentName(slo.q!)} at ${LEVEL * 100}%: it takes ${seedsForQuantileInterval(slo.q!)} (or --judge estimate)`
        : `${values.length} seed${values.length === 1 ? " gives" : "s give"} no interval but the metric's range: it takes 2 or more (or --judge estimate)`;
  }
  return { ...iv, slo, policy, method, range, ...d, seedsBreaching, seeds: values.length, ...(note ? { note } : {}) };
}

function percentName(q: number): string {
  const p = +(q * 100).toPrecision(6);
  return `${p}${p % 10 === 1 && p !== 11 ? "st" : p % 10 === 2 && p !== 12 ? "nd" : p % 10 === 3 && p !== 13 ? "rd" : "th"} percentile`;
}
