// The before/after table of a counterfactual: one row per SLO of the scenario, then one
// row per other metric whose value is not the same in every column (fault counts are
// left out: the fault trace is the same by construction). Columns: the recorded policies
// ("before") and the counterfactual ones ("after"); with one of each, a change column.
// SLO cells carry ✓/✗ (ok/FAIL without unicode) against the threshold. The maths is here,
// the CLI only prints it.
import { formatMetricValue, holds, type Slo, type SloOp } from "../slo/slo.js";

export interface Cell {
  /** NaN when the lane did not report the metric. */
  value: number;
  /** Against the SLO of the row; absent on rows that are not SLOs. */
  ok?: boolean;
}

export interface Row {
  metric: string;
  /** The SLO as written (">= 0.90"), on SLO rows. */
  slo?: { op: SloOp; threshold: number; text: string };
  before: Record<string, Cell>;
  after: Record<string, Cell>;
}

export interface BeforeAfter {
  beforeLanes: string[];
  afterLanes: string[];
  sloRows: Row[];
  otherRows: Row[];
  /** Other metrics left out because every column holds the same value. */
  sameEverywhere: number;
}

type Lanes = Record<string, Record<string, number>>;

function metricOf(metrics: Record<string, number>, name: string): number {
  const v = Object.hasOwn(metrics, name) ? metrics[name] : NaN;
  return typeof v === "number" ? v : NaN;
}

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export function beforeAfter(slos: readonly Slo[], before: Lanes, after: Lanes): BeforeAfter {
  const beforeLanes = Object.keys(before);
  const afterLanes = Object.keys(after);
  const cells = (lanes: Lanes, metric: string, s?: Slo): Record<string, Cell> => {
    const out: Record<string, Cell> = {};
    for (const [lane, m] of Object.entries(lanes)) {
      const value = metricOf(m, metric);
      out[lane] = s ? { value, ok: holds(s.op, value, s.threshold) } : { value };
    }
    return out;
  };
  const sloRows = slos.map(
    (s): Row => ({
      metric: s.metric,
      slo: { op: s.op, threshold: s.threshold, text: s.text },
      before: cells(before, s.metric, s),
      after: cells(after, s.metric, s),
    }),
  );
  const sloMetrics = new Set(slos.map((s) => s.metric));
  const names: string[] = [];
  for (const m of [...Object.values(before), ...Object.values(after)]) {
    for (const k of Object.keys(m)) if (!k.startsWith("faults.") && !sloMetrics.has(k) && !names.includes(k)) names.push(k);
  }
  const otherRows: Row[] = [];
  let sameEverywhere = 0;
  for (const metric of names) {
    const row: Row = { metric, before: cells(before, metric), after: cells(after, metric) };
    const values = [...Object.values(row.before), ...Object.values(row.after)].map((c) => c.value);
    if (values.every((v) => same(v, values[0]))) sameEverywhere++;
    else otherRows.push(row);
  }
  return { beforeLanes, afterLanes, sloRows, otherRows, sameEverywhere };
}

/** after - before, signed, when there is exactly one column of each. */
export function change(row: Row, t: BeforeAfter): number | undefined {
  if (t.beforeLanes.length !== 1 || t.afterLanes.length !== 1) return undefined;
  return row.after[t.afterLanes[0]].value - row.before[t.beforeLanes[0]].value;
}

const width = (s: string) => [...s].length;

export function formatBeforeAfter(t: BeforeAfter, opts: { unicode?: boolean } = {}): string {
  const unicode = opts.unicode ?? true;
  const mark = (c: Cell) => (c.ok === undefined ? "" : c.ok ? (unicode ? " ✓" : " ok") : unicode ? " ✗" : " FAIL");
  // Values in their metric's unit (150ms, 2h), as the SLO beside them is written.
  const cell = (metric: string, c: Cell) => `${formatMetricValue(metric, c.value)}${mark(c)}`;
  const withChange = t.beforeLanes.length === 1 && t.afterLanes.length === 1;
  const header = ["metric", "SLO", ...t.beforeLanes.map((l) => `before: ${l}`), ...t.afterLanes.map((l) => `after: ${l}`), ...(withChange ? ["change"] : [])];
  const toCells = (r: Row) => {
    const d = change(r, t);
    const delta = d === undefined ? [] : [Number.isNaN(d) ? "-" : d === 0 ? "0" : `${d > 0 ? "+" : "-"}${formatMetricValue(r.metric, Math.abs(d))}`];
    return [
      r.metric,
      r.slo?.text ?? "",
      ...t.beforeLanes.map((l) => cell(r.metric, r.before[l])),
      ...t.afterLanes.map((l) => cell(r.metric, r.after[l])),
      ...delta,
    ];
  };
  const rows = [...t.sloRows, ...t.otherRows].map(toCells);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + " ".repeat(widths[i] - width(c)))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w)))];
  if (t.sloRows.length === 0) out.push("(the scenario states no SLOs)");
  for (const r of rows.slice(0, t.sloRows.length)) out.push(line(r));
  if (t.otherRows.length) {
    if (t.sloRows.length) out.push(line(widths.map(() => "")));
    for (const r of rows.slice(t.sloRows.length)) out.push(line(r));
  }
  if (t.sameEverywhere)
    out.push(`(${t.sameEverywhere} other metric${t.sameEverywhere === 1 ? "" : "s"} equal in every column not shown; fault counts are the same trace)`);
  return out.join("\n");
}
