// A sweep on the terminal: the table of every point (setting, mean, 95% interval, seeds,
// the best marked), and a picture: for one axis a chart of the metric against the
// setting (a column per point, the mean as a dot, its 95% interval as a bar, the best as
// a star); for two axes a heat table (rows: the first axis, columns: the second; each
// cell the mean with a shade, darker is better, the best starred). Pure functions of the
// results; `unicode: false` draws with ASCII only.
import { table } from "../report/table.js";
import { formatValue } from "../slo/slo.js";
import type { Goal, PointResult } from "./grid.js";
import { formatSetting, type Axis } from "./range.js";

export interface PlotOptions {
  unicode?: boolean;
  /** Rows of the chart (default 12). */
  height?: number;
}

const fmt = formatValue;

function glyphs(unicode: boolean) {
  return unicode
    ? { dot: "●", best: "★", bar: "│", axis: "┤", corner: "└", line: "─", tick: "┬", shades: [" ", "░", "▒", "▓", "█"] }
    : { dot: "o", best: "*", bar: "|", axis: "+", corner: "+", line: "-", tick: "+", shades: [" ", ".", ":", "o", "#"] };
}

export function formatSweepTable(axes: readonly Axis[], rows: readonly PointResult[], best: number, opts: PlotOptions = {}): string {
  const g = glyphs(opts.unicode ?? true);
  const header = [...axes.map((a) => a.path), "mean", "95% interval", "seeds", ""];
  const body = rows.map((r, i) => [
    ...r.point.values.map((v, k) => formatSetting(axes[k], v)),
    fmt(r.estimate),
    r.n >= 2 && !Number.isNaN(r.low) ? `[${fmt(r.low)}, ${fmt(r.high)}]` : "-",
    r.failed ? `${r.n} (+${r.failed} failed)` : String(r.n),
    i === best ? `${g.best} best` : "",
  ]);
  return table(header, body, [...axes.map(() => "left" as const), "right", "left", "right", "left"]);
}

/** A chart of the metric (y) against one setting (x). */
export function formatSweepChart(axis: Axis, rows: readonly PointResult[], best: number, opts: PlotOptions = {}): string {
  const g = glyphs(opts.unicode ?? true);
  const height = Math.max(3, opts.height ?? 12);
  const shown = rows.filter((r) => !Number.isNaN(r.estimate) && r.n > 0);
  if (shown.length === 0) return "(no point has a value to plot)";
  const finite = (x: number) => Number.isFinite(x);
  // One seed gives no interval (only the metric's range): no bar, and no stretch of the scale.
  const ends = shown.flatMap((r) => (r.n >= 2 ? [r.estimate, r.low, r.high] : [r.estimate])).filter(finite);
  let lo = Math.min(...ends);
  let hi = Math.max(...ends);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const rowOf = (v: number) => Math.round(((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * (height - 1));
  const labels = rows.map((r) => formatSetting(axis, r.point.values[0]));
  const colW = Math.max(3, ...labels.map((l) => l.length + 1));
  const yLabels = new Map<number, string>([
    [0, fmt(hi)],
    [Math.round((height - 1) / 2), fmt((hi + lo) / 2)],
    [height - 1, fmt(lo)],
  ]);
  const yW = Math.max(...[...yLabels.values()].map((l) => l.length));
  const grid = Array.from({ length: height }, () => Array.from({ length: rows.length * colW }, () => " "));
  rows.forEach((r, i) => {
    if (Number.isNaN(r.estimate) || r.n === 0) return;
    const x = i * colW + Math.floor(colW / 2);
    if (r.n >= 2 && finite(r.low) && finite(r.high)) for (let y = rowOf(r.high); y <= rowOf(r.low); y++) grid[y][x] = g.bar;
    grid[rowOf(r.estimate)][x] = i === best ? g.best : g.dot;
  });
  const lines = grid.map((cells, y) => `${(yLabels.get(y) ?? "").padStart(yW)} ${g.axis}${cells.join("")}`.trimEnd());
  const ticks = rows.map(() => g.line.repeat(Math.floor(colW / 2)) + g.tick + g.line.repeat(colW - Math.floor(colW / 2) - 1)).join("");
  lines.push(`${" ".repeat(yW)} ${g.corner}${ticks}`);
  lines.push(`${" ".repeat(yW)}  ${labels.map((l) => underTick(l, colW)).join("")}`.trimEnd());
  lines.push(`${" ".repeat(yW)}  ${center(axis.path, rows.length * colW).trimEnd()}`);
  return lines.join("\n");
}

/** A heat table of the metric over two settings: darker shades are better. */
export function formatSweepHeat(axes: readonly [Axis, Axis], rows: readonly PointResult[], best: number, goal: Goal, opts: PlotOptions = {}): string {
  const g = glyphs(opts.unicode ?? true);
  const a = axes[0].values;
  const b = axes[1].values;
  const means = rows.map((r) => r.estimate).filter((v) => Number.isFinite(v));
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const shade = (v: number): string => {
    if (!Number.isFinite(v)) return " ";
    const good = hi === lo ? 1 : goal === "max" ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    return g.shades[Math.min(g.shades.length - 1, Math.floor(good * (g.shades.length - 1) + 0.5))];
  };
  const header = [`${axes[0].path} \\ ${axes[1].path}`, ...b.map((v) => formatSetting(axes[1], v))];
  const body = a.map((va, i) => [
    formatSetting(axes[0], va),
    ...b.map((_, j) => {
      const k = i * b.length + j;
      const r = rows[k];
      return `${fmt(r.estimate)} ${shade(r.estimate).repeat(2)}${k === best ? g.best : " "}`;
    }),
  ]);
  return table(header, body, ["left", ...b.map(() => "right" as const)]);
}

/** A label in a column of `width`, its middle under the column's tick (at width / 2). */
function underTick(text: string, width: number): string {
  const left = Math.max(0, Math.min(width - text.length, Math.floor(width / 2) - Math.floor(text.length / 2)));
  return " ".repeat(left) + text + " ".repeat(Math.max(0, width - text.length - left));
}

function center(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return " ".repeat(Math.max(0, left)) + text + " ".repeat(Math.max(0, width - text.length - left));
}
