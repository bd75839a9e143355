// The explanation as text (80 columns), Markdown and JSON: per policy and metric, the
// answer first (the value, the SLO, the shortfall), then the parts ranked by what they
// cost, each model followed by its incidents, and the sums that check the arithmetic.
import { wrap } from "../report/table.js";
import { formatMetricValue } from "../slo/slo.js";
import { breachesWithoutFaults, type Explanation, type Row } from "./explain.js";

export const METHOD =
  "leave-one-out on one fault trace: each part is removed and the run repeated; a cost is what the run would gain without that part. Interactions are the total less the parts, so the rows add up exactly.";

/** A metric value with its unit; a cost (a difference) keeps the metric's unit too. */
function v(metric: string, x: number): string {
  return Number.isFinite(x) ? formatMetricValue(metric, x) : "n/a";
}

function signed(metric: string, x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const s = formatMetricValue(metric, Math.abs(x));
  return x < 0 ? `-${s}` : `+${s}`;
}

/** Level-1 rows by cost (largest first), each followed by its level-2 rows by cost, interactions last. */
export function ranked(rows: readonly Row[]): Row[] {
  const top = rows.filter((r) => r.level === 1 && r.id !== "interactions");
  const key = (r: Row) => (Number.isFinite(r.cost) ? r.cost : Number.NEGATIVE_INFINITY);
  const out: Row[] = [];
  for (const r of [...top].sort((a, b) => key(b) - key(a))) {
    out.push(r);
    const kids = rows.filter((x) => x.parent === r.id);
    const rest = kids.find((x) => x.id.endsWith("/rest"));
    out.push(...kids.filter((x) => x !== rest).sort((a, b) => key(b) - key(a)));
    if (rest) out.push(rest);
  }
  const inter = rows.find((r) => r.id === "interactions");
  if (inter) out.push(inter);
  return out;
}

/**
 * The rows worth reading: a part that cost exactly nothing (and whose incidents cost
 * nothing) is folded into one list of names, so the table shows what mattered.
 */
export function folded(rows: readonly Row[]): { rows: Row[]; idle: string[] } {
  const zero = (r: Row) => r.cost === 0 && !r.error;
  const idleParents = new Set(rows.filter((r) => r.level === 1 && zero(r) && rows.every((c) => c.parent !== r.id || zero(c))).map((r) => r.id));
  return {
    rows: rows.filter((r) => !idleParents.has(r.id) && !(r.parent && idleParents.has(r.parent)) && !(r.level === 2 && zero(r) && !r.id.endsWith("/rest"))),
    idle: rows.filter((r) => idleParents.has(r.id)).map((r) => r.label.replace(/ \(faults\[\d+\]\)$/, "")),
  };
}

/** "straggler (+0.09): swap slow hosts out ..." */
function tryText(metric: string, t: { cause?: string; cost?: number; say: string }): string {
  return t.cause ? `${t.cause} (${signed(metric, t.cost ?? Number.NaN)}): ${t.say}` : t.say;
}

/** The one-line answer for a target. */
export function headline(e: Explanation): string {
  const slo = e.slo ? ` ${e.slo.op} ${v(e.metric, e.slo.threshold)}` : "";
  const what = `${e.policy}: ${e.metric} ${v(e.metric, e.value)}${slo}`;
  if (e.shortfall === undefined) return `${what}; faults cost ${signed(e.metric, e.total)} (without any fault: ${v(e.metric, e.faultFree)})`;
  if (e.shortfall <= 0) return `${what} holds; faults cost ${signed(e.metric, e.total)} (without any fault: ${v(e.metric, e.faultFree)})`;
  if (breachesWithoutFaults(e))
    return `${what} breached even without any fault (${v(e.metric, e.faultFree)}): no answer to faults meets it; the workload or the policy's fixed costs do`;
  return `${what} breached by ${v(e.metric, e.shortfall)}; without any fault ${v(e.metric, e.faultFree)}, so faults cost ${signed(e.metric, e.total)}`;
}

/** Text, at most 80 columns: labels are cut in the middle to fit. */
export function formatText(es: readonly Explanation[], o: { file: string; seed: number; runs: number; wallSec: number }): string {
  const out: string[] = [`explain ${o.file} seed ${o.seed}: ${o.runs} runs in ${o.wallSec.toFixed(1)}s`, ""];
  if (es.length === 0) out.push("every SLO holds: nothing to explain (name one with --metric to see what faults cost it)");
  for (const e of es) {
    out.push(...wrap(headline(e), 80, { indent: "  " }));
    const { rows, idle } = folded(ranked(e.rows));
    const costs = rows.map((r) => (r.error ? "failed" : signed(e.metric, r.cost)));
    const width = Math.max(4, ...costs.map((c) => c.length));
    const labelWidth = 80 - 2 - 2 - width;
    for (let i = 0; i < rows.length; i++) {
      const indent = rows[i].level === 2 ? "    " : "  ";
      out.push(`${indent}${fit(rows[i].label, labelWidth - (indent.length - 2)).padEnd(labelWidth - (indent.length - 2))}  ${costs[i].padStart(width)}`);
    }
    out.push(`  ${"total (without any fault, less the run)".padEnd(labelWidth)}  ${signed(e.metric, e.total).padStart(width)}`);
    if (idle.length) out.push(...wrap(`no cost (removing them changes nothing): ${idle.join(", ")}`, 78, { indent: "  ", items: true }).map((l) => `  ${l}`));
    for (const t of e.tries ?? []) out.push(...wrap(`try: ${tryText(e.metric, t)}`, 78, { indent: "     " }).map((l) => `  ${l}`));
    out.push("");
  }
  if (es.some((e) => e.tries?.length))
    out.push(...wrap("try: rules of thumb keyed to the cause; measure each with fleet sweep --set policies.NAME.KEY=...", 80), "");
  out.push(...wrap(`method: ${METHOD}`, 80));
  return `${out.join("\n")}\n`;
}

export function formatMarkdown(es: readonly Explanation[], o: { file: string; seed: number }): string {
  const out = [`## Why: \`${o.file}\` seed ${o.seed}`, ""];
  if (es.length === 0) out.push("Every SLO holds: nothing to explain.");
  for (const e of es) {
    out.push(`**${headline(e).replaceAll("|", "\\|")}**`, "", "| part | cost |", "|---|---:|");
    const { rows, idle } = folded(ranked(e.rows));
    for (const r of rows)
      out.push(`| ${r.level === 2 ? "&nbsp;&nbsp;&nbsp;&nbsp;" : ""}${r.label.replaceAll("|", "\\|")} | ${r.error ? "failed" : signed(e.metric, r.cost)} |`);
    out.push(`| **total** (without any fault, less the run) | **${signed(e.metric, e.total)}** |`, "");
    if (idle.length) out.push(`No cost (removing them changes nothing): ${idle.join(", ")}.`, "");
    for (const t of e.tries ?? []) out.push(`- **Try:** ${tryText(e.metric, t)}`);
    if (e.tries?.length) out.push("");
  }
  out.push(`Method: ${METHOD}`);
  return `${out.join("\n")}\n`;
}

export function formatJson(es: readonly Explanation[], o: { file: string; seed: number; runs: number }): string {
  return `${JSON.stringify({ file: o.file, seed: o.seed, runs: o.runs, method: METHOD, explanations: es.map((e) => ({ ...e, headline: headline(e), rows: ranked(e.rows) })) })}\n`;
}

/** Cuts a label in the middle to `n` characters, keeping its start and end. */
export function fit(s: string, n: number): string {
  if (s.length <= n) return s;
  const keep = n - 1;
  return `${s.slice(0, Math.ceil(keep * 0.6))}…${s.slice(s.length - Math.floor(keep * 0.4))}`;
}
