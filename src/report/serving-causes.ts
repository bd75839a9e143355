// The serving tables of the text report: each service's failed queries and its p99 tail's
// excess latency by cause (the rule: src/workloads/serving/causes.ts), one column per
// policy (cut by columns past 80), the causes no policy met left out, the total last
// (the parts add up to it).
import { formatDuration } from "../base/units.js";
import type { LaneMetrics } from "../run/lane.js";
import { SERVING_CAUSES } from "../workloads/serving/causes.js";
import { fmtNumber, table } from "./table.js";

const BREAKDOWN = /^serving\.(?:[^.]+\.)?(?:errors|p99Excess)\.[^.]+$/;

/** Whether `name` is a cause's part of serving.errors or serving.p99Excess (shown in these tables, not the metric table). */
export function isServingCauseMetric(name: string): boolean {
  return BREAKDOWN.test(name) && SERVING_CAUSES.some((c) => name.endsWith(`.${c.name}`));
}

/** The tables, or undefined without a serving workload. */
export function servingCauseTables(metrics: Record<string, LaneMetrics>, lanes: string[]): string | undefined {
  const keys = Object.keys(metrics[lanes[0]] ?? {});
  // One table pair per service: serving.<name>.* when there are several, else serving.*.
  const named = keys.filter((k) => /^serving\.[^.]+\.errors$/.test(k)).map((k) => k.slice(0, -"errors".length));
  const prefixes = named.length ? named : keys.includes("serving.errors") ? ["serving."] : [];
  const out: string[] = [];
  for (const prefix of prefixes) {
    const service = prefix === "serving." ? "" : ` (${prefix.slice("serving.".length, -1)})`;
    const value = (lane: string, name: string) => metrics[lane][`${prefix}${name}`] ?? NaN;
    const met = (family: string) => SERVING_CAUSES.map((c) => c.name).filter((c) => lanes.some((l) => value(l, `${family}.${c}`) > 0));
    const errors = met("errors").map((c) => [c, ...lanes.map((l) => fmtNumber(value(l, `errors.${c}`)))]);
    errors.push(["total", ...lanes.map((l) => fmtNumber(value(l, "errors")))]);
    const title = `serving errors by cause${service}`;
    out.push(errors.length > 1 ? `${title}, failed queries over the run\n${table(["cause", ...lanes], errors, [], 80)}` : `${title}: none`);
    const cell = (l: string, c: string) => {
      const part = value(l, `p99Excess.${c}`);
      const total = value(l, "p99Excess");
      return total > 0 ? `${formatDuration(part)} ${Math.round((100 * part) / total)}%` : formatDuration(part);
    };
    const rows = met("p99Excess").map((c) => [c, ...lanes.map((l) => cell(l, c))]);
    rows.push(["total", ...lanes.map((l) => formatDuration(value(l, "p99Excess")))]);
    out.push(`serving p99 tail latency by cause${service}, excess over an idle fleet\n${table(["cause", ...lanes], rows, [], 80)}`);
  }
  return out.length ? out.join("\n\n") : undefined;
}
