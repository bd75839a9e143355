// What `fleet shrink` prints and writes: the search in phases, the smallest schedule with
// what each fault's removal gives, and the incident file (.jsonl or .csv, the formats of
// src/faults/timeline/entry.ts) with `#` lines saying where it came from and how to run it.
import { exactDuration, formatDuration, parseRatePerSec } from "../base/units.js";
import { csvCell } from "../field/timeline.js";
import { wrap } from "../report/table.js";
import type { ShrinkResult } from "./shrink.js";
import type { LeftOut, TraceEntry } from "./trace-entries.js";

/** Parameters that are durations (seconds), written as duration text. */
const DURATION_PARAMS = new Set(["repair", "duration", "replace", "warning", "latency", "growAfter"]);

export interface ShrinkMeta {
  file: string;
  seed: number;
  durationSec: number;
  policy: string;
  metric: string;
  /** The incident file written (undefined when none was). */
  out?: string;
  /** The regression scenario written beside it. */
  scenarioOut?: string;
  /** The written file read back and run: the metric, and whether it breached. */
  check?: { value: number; breached: boolean };
  wallSec: number;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v);
}

/** A parameter's value as the incident file writes it: durations and per-hour rates as text when that reads back exactly. */
export function paramValue(key: string, v: unknown): unknown {
  if (typeof v !== "number") return v;
  if (DURATION_PARAMS.has(key)) return exactDuration(v);
  if (key === "rate") {
    const text = `${+(v * 3600).toPrecision(12)}/h`;
    if (parseRatePerSec(text) === v) return text;
  }
  return v;
}

function paramsText(e: TraceEntry): string {
  return Object.entries(e.params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      // Durations as short text here (the file has them exact).
      const written = typeof v === "number" && DURATION_PARAMS.has(k) ? formatDuration(v) : paramValue(k, v);
      return `${k} ${typeof written === "number" ? num(written) : written}`;
    })
    .join(", ");
}

function leftOutText(left: readonly LeftOut[]): string {
  return left.map((l) => `${l.count.toLocaleString("en-US")} ${l.faultKind} (${l.why})`).join(", ");
}

export function replayCommand(m: ShrinkMeta): string {
  return `fleet replay --import ${m.out} --scenario ${m.file} --seed ${m.seed} --duration ${exactDuration(m.durationSec)}`;
}

/** The text report, every line within 80 columns (long ones wrapped between words). */
export function formatText(r: ShrinkResult, m: ShrinkMeta): string {
  const lines: string[] = [];
  // `text` from `first` on the first line, its continuation lines two columns further in than `indent`.
  const say = (text: string, indent = "", first = indent) => {
    const rest = `${indent}  `;
    wrap(text, 80 - Math.max(first.length, rest.length)).forEach((l, i) => lines.push(`${i === 0 ? first : rest}${l}`));
  };
  const slo = `${m.metric} ${r.threshold.op} ${num(r.threshold.value)}`;
  say(`shrink ${m.file} seed ${m.seed}, ${formatDuration(m.durationSec)}: ${slo} for ${m.policy}`);
  const o = r.outcome;
  const done = () => {
    say(`${r.runs} runs in ${m.wallSec.toFixed(1)}s`);
    return `${lines.join("\n")}\n`;
  };
  if (o.kind === "holds") {
    say(`the SLO holds in this run (${num(o.value)}): nothing to shrink; fleet gate lists the seeds that breach`, "  ");
    return done();
  }
  if (o.kind === "no-faults") {
    say(
      `it breaches with no fault at all (${num(o.faultFree)} without any fault, ${num(o.value)} in the run): the smallest schedule is empty, and no policy about faults will meet this SLO (fleet explain ${m.file} --seed ${m.seed} says so too)`,
      "  ",
    );
    return done();
  }
  say(`the run: ${num(o.value)} (breached)`, "  ");
  for (const p of r.phases) say(`${p.result} (${p.runs} run${p.runs === 1 ? "" : "s"}, ${p.wallSec.toFixed(1)}s)`, "            ", `  ${p.name.padEnd(10)}`);
  if (o.kind === "not-as-timeline") {
    lines.push("");
    say(
      `The breach needs ${o.models.join(", ")}, but their ${o.entries.toLocaleString("en-US")} faults written as scheduled entries do not breach it (${num(o.timelineValue)}): what a timeline cannot say matters here.`,
    );
    if (o.leftOut.length) say(`not written as entries: ${leftOutText(o.leftOut)}`, "  ");
    if (o.error) say(`a run failed: ${o.error.split("\n")[0]}`, "  ");
    say(`To reproduce, keep those models in the scenario (fleet explain ${m.file} --seed ${m.seed} shows their share).`, "  ");
    return done();
  }
  lines.push("");
  say(
    `smallest schedule: ${o.entries.length} fault${o.entries.length === 1 ? "" : "s"} of ${o.traceFaults.toLocaleString("en-US")}, ${m.metric} ${num(o.shrunkValue)} (breached)`,
  );
  o.entries.forEach((e, i) => {
    const w = o.without[i];
    // To the second here; the incident file has the exact time.
    say(`at ${exactDuration(Math.round(e.atSec))}  ${e.kind} ${e.target}`, "  ");
    say(paramsText(e), "    ");
    if (w) say(`without it: ${num(w.value)} ${w.holds ? "(holds)" : "(still breached)"}`, "    ");
  });
  say(
    o.minimal
      ? o.entries.length === 1
        ? "1-minimal: without it the SLO holds"
        : "1-minimal: removing any one of them makes the SLO hold"
      : "not shown 1-minimal: the run budget ran out (--max-runs)",
    "  ",
  );
  if (o.leftOut.length) say(`not in the timeline (no scheduled form): ${leftOutText(o.leftOut)}`, "  ");
  const pinned = Object.entries(o.pins);
  if (pinned.length)
    say(
      `a timeline has no fault rates, so the regression scenario pins ${pinned.map(([p, sec]) => `${p}'s mtbf to ${formatDuration(sec)}`).join(", ")}: the M of the checkpoint interval in the run`,
      "  ",
    );
  if (m.out && m.scenarioOut) {
    lines.push("");
    say(`wrote ${m.out} and the regression scenario ${m.scenarioOut}; run it with:`);
    say(`fleet chaos ${m.scenarioOut}`, "  ");
    if (pinned.length === 0) say(`or: ${replayCommand(m)}`, "  ");
    if (m.check) say(`checked: loaded and run, ${m.metric} ${num(m.check.value)} ${m.check.breached ? "(breached)" : "(held: a bug, please report it)"}`, "  ");
  }
  return done();
}

export function formatJson(r: ShrinkResult, m: ShrinkMeta): string {
  return `${JSON.stringify({ ...m, ...(m.out ? { replay: replayCommand(m) } : {}), ...r }, null, 2)}\n`;
}

/** A CSV cell; numbers in full (csvCell keeps 6 decimals, too few for a rate per second). */
function cell(v: unknown): string {
  return typeof v === "number" ? String(v) : csvCell(v);
}

/** The incident file's text: `#` lines, then one entry per line (.jsonl) or a CSV table. */
export function incidentText(entries: readonly TraceEntry[], comments: readonly string[], csv: boolean): string {
  let out = comments.map((c) => `# ${c}\n`).join("");
  if (!csv) {
    for (const e of entries) {
      const line: Record<string, unknown> = { at: exactDuration(e.atSec), kind: e.kind, target: e.target };
      for (const [k, v] of Object.entries(e.params)) if (v !== undefined) line[k] = paramValue(k, v);
      out += `${JSON.stringify(line)}\n`;
    }
    return out;
  }
  const columns = [...new Set(entries.flatMap((e) => Object.keys(e.params).filter((k) => e.params[k] !== undefined)))];
  out += `${["at", "kind", "target", ...columns].join(",")}\n`;
  for (const e of entries) out += `${[exactDuration(e.atSec), e.kind, e.target, ...columns.map((k) => paramValue(k, e.params[k]))].map(cell).join(",")}\n`;
  return out;
}
