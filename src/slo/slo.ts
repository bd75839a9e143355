// Service-level objectives and verdicts. A scenario's `slo:` section maps metric names to
// a comparison, `training.goodput: ">= 0.92"`, `serving.p999: "<= 150ms"`; every policy
// (lane) of a run is judged against every SLO, and the exit code is 0 when all hold, 1
// when any is breached. Metric names come from the open registry in ./metrics.ts, and
// values are read in the metric's unit: "99.95%" -> 0.9995 (fractions only), "150ms" ->
// 0.15 for a metric in seconds or 0.15/3600 for one in hours.
import { isScalar } from "yaml";
import { didYouMean } from "../base/issues.js";
import { type Ctx, type CrossCheck, describeNode, dict, map, nodeAt, type Validator } from "../base/schema.js";
import { formatDuration, parseDuration } from "../base/units.js";
import { WORKLOADS } from "../workloads/registry.js";
import { knownMetrics, metricInfo, type MetricUnit } from "./catalog.js";

export const SLO_OPS = [">=", "<=", "==", "!=", "<", ">"] as const;
export type SloOp = (typeof SLO_OPS)[number];

export interface Slo {
  metric: string;
  op: SloOp;
  /** In the metric's unit. */
  threshold: number;
  /** As written, for reports: ">= 99.95%". */
  text: string;
}

export interface Verdict {
  policy: string;
  metric: string;
  op: SloOp;
  threshold: number;
  /** NaN when the lane did not report the metric (a breach). */
  value: number;
  ok: boolean;
}

const EXPECT_SLO = 'a comparison like ">= 0.92", "<= 150ms", ">= 99.95%" or "== 0"';

/** Parses "<op> <value>" for a metric of `unit`; throws Error with a message on bad input. */
export function parseSlo(metric: string, text: string, unit: MetricUnit): Slo {
  const m = /^\s*(>=|<=|==|!=|<|>)\s*(\S.*?)\s*$/.exec(text);
  if (!m) throw new Error(`expected ${EXPECT_SLO}, found ${JSON.stringify(text)}`);
  const op = m[1] as SloOp;
  const raw = m[2];
  let threshold: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
    threshold = Number(raw);
    if (!Number.isFinite(threshold)) throw new Error(`expected a finite threshold, found ${JSON.stringify(raw)}`);
    if (unit === "fraction" && threshold < 0) throw new Error(`${metric} is a fraction, never below 0; found ${JSON.stringify(raw)}`);
  } else if (/%$/.test(raw)) {
    if (unit !== "fraction") throw new Error(`a percentage fits only a fraction metric; ${metric} is a ${unit === "count" ? "count" : `time in ${unit}`}`);
    const n = Number(raw.slice(0, -1).trim());
    if (!Number.isFinite(n)) throw new Error(`expected ${EXPECT_SLO}, found ${JSON.stringify(text)}`);
    if (n < 0 || n > 100) throw new Error(`a percentage lies between 0% and 100%, found ${JSON.stringify(raw)}`);
    threshold = n / 100;
  } else {
    if (unit !== "seconds" && unit !== "hours") {
      throw new Error(`expected a plain number for ${metric} (a ${unit}), found ${JSON.stringify(raw)}`);
    }
    try {
      threshold = parseDuration(raw);
    } catch (e) {
      throw new Error(`expected ${EXPECT_SLO}, found ${JSON.stringify(text)}: ${(e as Error).message}`);
    }
    if (unit === "hours") threshold /= 3600;
  }
  return { metric, op, threshold, text: `${op} ${raw}` };
}

/** One SLO value: a string "<op> <value>" checked against the registry entry of `path`'s last part. */
const sloValue: Validator<Slo> = (raw, path, ctx) => {
  const metric = String(path[path.length - 1]);
  const node = ctx.resolve(raw, path, ctx.doc);
  const info = metricInfo(metric);
  if (!info) {
    const guess = didYouMean(metric, knownMetrics());
    return ctx.report(
      "unknown_name",
      path,
      node ?? raw,
      `unknown metric "${metric}"`,
      `${guess ? `did you mean "${guess}"? ` : ""}valid metrics: ${knownMetrics().join(", ")}`,
    );
  }
  if (!isScalar(node) || typeof node.value !== "string")
    return ctx.report("invalid_type", path, node ?? raw, `expected ${EXPECT_SLO}, found ${describeNode(node)}`);
  try {
    return parseSlo(metric, node.value, info.unit);
  } catch (e) {
    return ctx.report("invalid_value", path, node, (e as Error).message);
  }
};

/** The `slo:` section: a map of metric name -> "<op> <value>", in file order. */
export const sloSection: Validator<Slo[]> = map(dict(sloValue, { what: "metric names to comparisons" }), (d) => Object.values(d));

/**
 * An SLO on a metric no policy of the scenario can change (a fault count, or a memory
 * outcome when no policy sets `ecc`) gives every policy the same verdict: it loads, with a
 * warning that says which keys could change it. Fleet-wide health metrics stay in the
 * report either way.
 */
export function checkSloScopes(s: { slo: readonly Slo[]; policies: Record<string, object> }, root: unknown, ctx: Ctx): void {
  for (const slo of s.slo) {
    const keys = metricInfo(slo.metric)?.changedBy;
    if (keys === undefined) continue;
    const set = keys.filter((k) => Object.values(s.policies).some((p) => (p as Record<string, unknown>)[k] !== undefined));
    if (set.length) continue;
    const path = ["slo", slo.metric];
    const why =
      keys.length === 0
        ? "no policy can change it (it is a property of the fault trace)"
        : `only a policy's ${keys.map((k) => `\`${k}\``).join(" or ")} changes it, and no policy here sets it`;
    ctx.warn(
      "no_effect",
      path,
      nodeAt(root, path, ctx),
      `SLO on ${slo.metric}: ${why}, so every policy gets the same verdict`,
      keys.length === 0 ? "judge policies on what they change, or keep it for fleet health" : `add ${keys[0]}: to the policies you want to compare`,
    );
  }
}

/**
 * An SLO on a workload's metric needs that workload: `serving.p999` a service, and
 * `serving.search.p999` the service named search. Without it every policy would be judged
 * on a value the run never produces (an error, with the workloads there are).
 */
export function checkSloWorkloads(s: { slo: readonly Slo[]; workloads: readonly { kind: string; spec: { name: string } }[] }, root: unknown, ctx: Ctx): void {
  for (const slo of s.slo) {
    const def = metricInfo(slo.metric);
    const owner = def && WORKLOADS.find((w) => w.metrics.includes(def));
    if (!owner) continue;
    const path = ["slo", slo.metric];
    const mine = s.workloads.filter((w) => w.kind === owner.kind);
    const there = s.workloads.length ? `its workloads are ${s.workloads.map((w) => `${w.kind} ${w.spec.name}`).join(", ")}` : "it has no workloads";
    if (mine.length === 0) {
      ctx.report(
        "invalid_value",
        path,
        nodeAt(root, path, ctx),
        `SLO on ${slo.metric}: the scenario has no ${owner.kind} workload to measure it (${there})`,
        `add a ${owner.kind} workload, or judge a metric of one it has`,
      );
      continue;
    }
    const parts = slo.metric.split(".");
    if (!def.instanced || parts.length < 3 || s.workloads.length === 0 || knownMetrics().includes(slo.metric)) continue;
    const name = parts[1];
    if (mine.some((w) => w.spec.name === name)) continue;
    const near = didYouMean(
      name,
      mine.map((w) => w.spec.name),
    );
    ctx.report(
      "invalid_value",
      path,
      nodeAt(root, path, ctx),
      `SLO on ${slo.metric}: the scenario has no ${owner.kind} workload named ${name} (${there})`,
      near ? `did you mean ${parts[0]}.${near}.${parts.slice(2).join(".")}?` : undefined,
    );
  }
}

export const SLO_CHECKS: readonly CrossCheck<{
  slo: readonly Slo[];
  policies: Record<string, object>;
  workloads: readonly { kind: string; spec: { name: string } }[];
}>[] = [checkSloScopes, checkSloWorkloads];

export function holds(op: SloOp, value: number, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (op) {
    case ">=":
      return value >= threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
    case "<":
      return value < threshold;
    case ">":
      return value > threshold;
  }
}

/** One verdict per policy and SLO, policies in the order of `metricsByPolicy`, SLOs in file order. */
export function verdicts(slos: readonly Slo[], metricsByPolicy: Record<string, Record<string, number>>): Verdict[] {
  const out: Verdict[] = [];
  for (const [policy, metrics] of Object.entries(metricsByPolicy)) {
    for (const s of slos) {
      const value = Object.hasOwn(metrics, s.metric) ? metrics[s.metric] : NaN;
      out.push({ policy, metric: s.metric, op: s.op, threshold: s.threshold, value, ok: holds(s.op, value, s.threshold) });
    }
  }
  return out;
}

/** 0 when every SLO holds for every policy, 1 when any is breached. */
export function exitCodeOf(vs: readonly Verdict[]): 0 | 1 {
  return vs.every((v) => v.ok) ? 0 : 1;
}

/** A measured value for a table cell: 4 significant digits, "-" when missing. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** A value in its metric's unit: a latency (seconds) or a time in hours as a duration, 150ms, 2h30m; else a number. */
export function formatMetricValue(metric: string, v: number): string {
  const unit = metricInfo(metric)?.unit;
  if (!Number.isFinite(v)) return formatValue(v);
  if (unit === "seconds") return formatDuration(v);
  if (unit === "hours") return formatDuration(v * 3600);
  return formatValue(v);
}

/**
 * A value as its SLO's threshold is written: a percentage beside a percentage threshold
 * (availability 99.94% beside >= 99.95%), a latency as a duration (200ms), else a number.
 */
export function formatSloValue(slo: { metric: string; text: string }, v: number): string {
  if (/%\s*$/.test(slo.text) && Number.isFinite(v)) return `${Number((v * 100).toPrecision(4))}%`;
  return formatMetricValue(slo.metric, v);
}

/**
 * A policy x SLO table: one row per policy, one column per SLO (header "metric op threshold"),
 * each cell the measured value and a mark (✓/✗, or ok/FAIL with `unicode: false`). When
 * that is wider than `maxWidth`, one row per SLO and one column per policy instead (a
 * showcase's six SLOs side by side would not fit 80 columns), values right-aligned.
 */
export function formatPolicySloTable(vs: readonly Verdict[], opts: { unicode?: boolean; maxWidth?: number } = {}): string {
  const unicode = opts.unicode ?? true;
  const pass = unicode ? "✓" : "ok";
  const fail = unicode ? "✗" : "FAIL";
  const policies: string[] = [];
  const columns: string[] = [];
  const cells = new Map<string, string>();
  for (const v of vs) {
    if (!policies.includes(v.policy)) policies.push(v.policy);
    const col = `${v.metric} ${v.op} ${formatMetricValue(v.metric, v.threshold)}`;
    if (!columns.includes(col)) columns.push(col);
    cells.set(`${v.policy}\u0000${col}`, `${formatMetricValue(v.metric, v.value)} ${v.ok ? pass : fail}`);
  }
  const cell = (p: string, c: string) => cells.get(`${p}\u0000${c}`) ?? "";
  const render = (header: string[], rows: string[][], right: boolean): string => {
    const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]].length)));
    const pad = (c: string, i: number) => (right && i > 0 ? " ".repeat(widths[i] - [...c].length) + c : c + " ".repeat(widths[i] - [...c].length));
    const line = (r: string[]) => r.map(pad).join("  ").trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
  };
  const wide = render(
    ["policy", ...columns],
    policies.map((p) => [p, ...columns.map((c) => cell(p, c))]),
    false,
  );
  if (opts.maxWidth === undefined || Math.max(...wide.split("\n").map((l) => [...l].length)) <= opts.maxWidth) return wide;
  return render(
    ["slo", ...policies],
    columns.map((c) => [c, ...policies.map((p) => cell(p, c))]),
    true,
  );
}
