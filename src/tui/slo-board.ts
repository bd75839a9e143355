// The SLO board: one row per SLO, one column per policy, each cell the value (in the unit
// its threshold is written in: 99.94% beside >= 99.95%, 200ms beside <= 150ms) and a
// tick or a cross against the threshold. Live values come from the latest snapshot of
// each policy (a verdict on the run so far); once the run ends, the final verdicts
// replace them. A value not known yet shows "…". When the SLOs do not all fit, the last
// row says how many are out of view and how many of those are breached.
import { holds, type Slo, type Verdict } from "../slo/slo.js";
import { cellValue } from "./format.js";
import { padEnd, fitRight, width as textWidth, type Line } from "./line.js";

export interface BoardCell {
  value: number | undefined;
  ok: boolean | undefined;
}

/** The cell of (slo, policy): final verdict if there is one, else the live value judged now. */
export function boardCell(slo: Slo, policy: string, live: Record<string, number> | undefined, final: readonly Verdict[] | undefined): BoardCell {
  const v = final?.find((x) => x.policy === policy && x.metric === slo.metric);
  if (v) return { value: v.value, ok: v.ok };
  const value = live?.[slo.metric];
  if (value === undefined || Number.isNaN(value)) return { value: undefined, ok: undefined };
  return { value, ok: holds(slo.op, value, slo.threshold) };
}

/**
 * `metric text` cut in the middle so the workload and the comparison stay whole:
 * "training.…Escapes == 0" (from the left only when even the workload does not fit).
 */
export function sloLabel(slo: Slo, w: number): string {
  const full = `${slo.metric} ${slo.text}`;
  if (textWidth(full) <= w) return full;
  const keep = w - textWidth(slo.text) - 2;
  if (keep < 3) return padEnd(full, w);
  const dot = slo.metric.indexOf(".");
  const head = dot > 0 ? slo.metric.slice(0, dot + 1) : "";
  if (head && keep - head.length >= 3) return `${head}…${slo.metric.slice(slo.metric.length - (keep - head.length))} ${slo.text}`;
  const tail = slo.metric.slice(slo.metric.length - keep);
  return `…${tail.startsWith(".") ? tail.slice(1) : tail} ${slo.text}`;
}

/**
 * The board as lines of `width` columns: a header line (title, then the policies) and
 * `rows` SLO lines starting at `offset`.
 */
export function boardLines(
  title: Line,
  slos: readonly Slo[],
  policies: readonly string[],
  live: Record<string, Record<string, number>>,
  final: readonly Verdict[] | undefined,
  width: number,
  rows: number,
  offset = 0,
  unicode = true,
): Line[] {
  // Wide enough for the policy's name and the values with their units (9.994% ✗), up to 12.
  const texts = slos.flatMap((slo) =>
    policies.map((p) => {
      const c = boardCell(slo, p, live[p], final);
      return c.value === undefined ? 0 : cellValue(slo, c.value).length + 2;
    }),
  );
  const cellW = Math.max(6, Math.min(12, Math.max(...policies.map((p) => p.length + 1), ...texts)));
  const labelW = Math.max(8, width - policies.length * (cellW + 1));
  const head: Line = [...title.map((s) => ({ ...s, text: s.text }))];
  const titleW = head.reduce((n, s) => n + textWidth(s.text), 0);
  head.push({ text: " ".repeat(Math.max(1, labelW - titleW)) });
  for (const p of policies) head.push({ text: ` ${fitRight(p, cellW)}`, tone: "title" });
  const out: Line[] = [head];
  if (!slos.length) {
    out.push([{ text: padEnd("no SLOs in this scenario", width), tone: "dim" }]);
    return out;
  }
  // Not all fit: the last row counts the SLOs out of view and their breaches.
  const shown = slos.length > rows && rows >= 2 ? rows - 1 : rows;
  const o = Math.min(Math.max(0, offset), Math.max(0, slos.length - shown));
  const hidden = slos.filter((_, i) => i < o || i >= o + shown);
  for (const slo of slos.slice(o, o + shown)) {
    const line: Line = [{ text: padEnd(sloLabel(slo, labelW), labelW) }];
    for (const p of policies) {
      const c = boardCell(slo, p, live[p], final);
      const mark = c.ok === undefined ? "…" : c.ok ? (unicode ? "✓" : "ok") : unicode ? "✗" : "X";
      line.push({ text: ` ${fitRight(c.value === undefined ? "" : `${cellValue(slo, c.value)} `, cellW - mark.length)}` });
      line.push({ text: mark, tone: c.ok === undefined ? "dim" : c.ok ? "ok" : "bad" });
    }
    out.push(line);
  }
  if (hidden.length && shown < rows) {
    const breached = hidden.filter((slo) => policies.some((p) => boardCell(slo, p, live[p], final).ok === false)).length;
    const more = `+${hidden.length} more${o > 0 ? " (scroll)" : ""}`;
    out.push([
      { text: `${more}, `, tone: "dim" },
      { text: `${breached} ${unicode ? "✗" : "X"}`, tone: breached ? "bad" : "dim" },
    ]);
  }
  return out;
}
