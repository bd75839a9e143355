// The SLO board: one row per SLO, one column per policy, each cell the value and a tick
// or a cross against the threshold. Live values come from the latest snapshot of each
// policy (a verdict on the run so far); once the run ends, the final verdicts replace
// them. A value not known yet shows "…".
import { holds, type Slo, type Verdict } from "../slo/slo.js";
import { metricValue } from "./format.js";
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

/** `metric text` cut from the left so the comparison stays whole: "…silentEscapes == 0". */
export function sloLabel(slo: Slo, w: number): string {
  const full = `${slo.metric} ${slo.text}`;
  if (textWidth(full) <= w) return full;
  const keep = w - textWidth(slo.text) - 2;
  if (keep < 3) return padEnd(full, w);
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
  const cellW = Math.max(6, Math.min(10, ...policies.map((p) => p.length + 1)));
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
  const o = Math.min(Math.max(0, offset), Math.max(0, slos.length - rows));
  for (const slo of slos.slice(o, o + rows)) {
    const line: Line = [{ text: padEnd(sloLabel(slo, labelW), labelW) }];
    for (const p of policies) {
      const c = boardCell(slo, p, live[p], final);
      const mark = c.ok === undefined ? "…" : c.ok ? (unicode ? "✓" : "ok") : unicode ? "✗" : "X";
      line.push({ text: ` ${fitRight(c.value === undefined ? "" : `${metricValue(c.value)} `, cellW - mark.length)}` });
      line.push({ text: mark, tone: c.ok === undefined ? "dim" : c.ok ? "ok" : "bad" });
    }
    out.push(line);
  }
  return out;
}
