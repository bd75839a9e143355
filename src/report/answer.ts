// The answer a report leads with, read from one run's metrics without re-running
// anything: for each policy its verdict, then why (where the breached SLO's loss went,
// from the tallies the workloads keep by cause), then what to try (a setting keyed to the
// costliest cause, read against the policy's own settings). `fleet explain` measures
// causes by re-running without each fault; this reads what the run itself counted, so
// it is free and says which mechanism lost the time, not which fault started it:
//   training goodput, lost work, time to steps: the lost hours by cause
//     (src/workloads/training/tally.ts; the parts add up to training.lostWorkHours);
//   silent corruptions: those from defective cores and those from memory, which add up
//     to silentCorruptions (src/slo/catalog.ts);
//   serving availability and errors: failed queries by cause, as shares of all queries
//     (serving.errors.<cause>, adding up to serving.errors: src/workloads/serving/
//     causes.ts); serving latency percentiles: the p99 tail's excess over an idle fleet by
//     cause (serving.p99Excess.<cause>, adding up to serving.p99Excess). A cause no setting answers (a defective core's wrong answers) gets a note
//     saying so instead of a suggestion.
// An SLO none of these covers gets no "why" line; the explain command printed under the
// verdict covers every SLO. The suggestions are rules of thumb, as in src/explain/
// suggest.ts: each names one setting, and the next step is to measure it.
import { defaultPolicy, type Policy } from "../recovery/policy.js";
import { formatDuration } from "../base/units.js";
import { SERVING_CAUSES } from "../workloads/serving/causes.js";
import { wrap } from "./table.js";
import type { Verdict } from "../slo/slo.js";
import type { LaneMetrics } from "../run/lane.js";

export interface PolicyAnswer {
  policy: string;
  breached: number;
  slos: number;
  /** One line per breached SLO a rule covers: "training lost 33.1h: wait 20.1h, ...". */
  why: string[];
  /** What to change, at most four, each naming the setting. */
  tryNext: string[];
  /** Costly causes no setting answers, and why. */
  notes: string[];
}

interface Part {
  name: string;
  value: number;
  /** The setting to try when this part is the costliest, given the policy (undefined: none applies). */
  tryNext?: (p: Policy) => string | undefined;
  /** Why no setting answers this part, when none does. */
  cannot?: string;
}

/** Settings both this answer and `fleet explain`'s suggestions (src/explain/suggest.ts) propose, in one wording. */
export const TRY = {
  spares: "keep hot spares (spares: 2%)",
  asyncWrite: "write checkpoints asynchronously (checkpointWrite: async)",
  hedge: "hedge requests to slow leaves (hedge: p95)",
  powerAware: "place replicas across power domains (placement: power-aware)",
  chipkill: "try the hardware what-if ecc: chipkill",
} as const;

const off = (v: unknown) => v === undefined || v === "off" || v === false || v === 0;

/** Where a training job's lost hours went, costliest first: the tally's causes (src/workloads/training/tally.ts). */
function trainingParts(m: LaneMetrics, scope: string): { total: number; parts: Part[] } | undefined {
  const total = m[`${scope}lostWorkHours`];
  if (total === undefined) return undefined;
  const at = (k: string) => m[`${scope}${k}`] ?? 0;
  const parts: Part[] = [
    {
      name: "waiting for hosts",
      value: at("lost.waitHours"),
      tryNext: (p) =>
        p.onLoss === "wait-for-repair"
          ? "restart on spares instead of waiting (onLoss: restart-on-spares, spares: 2%)"
          : off(p.spares)
            ? TRY.spares
            : p.onLoss !== "shrink"
              ? "keep running on the hosts left (onLoss: shrink), or more spares"
              : undefined,
    },
    {
      name: "redo",
      value: at("lost.redoHours"),
      tryNext: (p) => (p.checkpoint.kind === "fixed" ? `checkpoint more often (checkpoint: shorter than ${formatDuration(p.checkpoint.seconds)})` : undefined),
    },
    {
      name: "restarts",
      value: at("lost.restartHours"),
      tryNext: (p) => (p.inMemoryCheckpoint ? undefined : "restore from a peer's memory (inMemoryCheckpoint: true)"),
    },
    {
      name: "checkpoint stalls",
      value: at("checkpointStallHours"),
      tryNext: (p) => (p.checkpointWrite === "sync" ? TRY.asyncWrite : "checkpoint less often"),
    },
    {
      name: "slow participants",
      value: at("lost.slowdownHours"),
      tryNext: (p) => (off(p.drainSlowerThan) ? "swap slow hosts out (drainSlowerThan: 1.2x)" : undefined),
    },
    {
      name: "detection",
      value: at("lost.detectionHours"),
      tryNext: (p) => (p.detect.includes("crossReplica") ? "a cheaper detection (detect: [gradientChecksum])" : undefined),
    },
    { name: "exchange", value: at("exchangeHours") },
  ];
  return { total, parts: parts.filter((x) => x.value > 0).sort((a, b) => b.value - a.value) };
}

/** Silent corruptions that reached a workload: from defective cores, and from memory (the rest). */
function silentParts(m: LaneMetrics): { total: number; parts: Part[] } | undefined {
  const total = m.silentCorruptions;
  if (total === undefined) return undefined;
  const cores = m["training.silentEscapesFromCores"] ?? 0;
  const parts: Part[] = [
    {
      name: "defective cores",
      value: cores,
      tryNext: (p) => (p.detect.includes("gradientChecksum") ? undefined : "catch defective cores' corruptions and roll back (detect: [gradientChecksum])"),
    },
    { name: "memory", value: total - cores, tryNext: (p) => (p.ecc === "chipkill" ? undefined : TRY.chipkill) },
  ];
  return { total, parts: parts.filter((x) => x.value > 0).sort((a, b) => b.value - a.value) };
}

/** What to try for failed queries of each cause (src/workloads/serving/causes.ts names them). */
const SERVING_TRIES: Record<string, (p: Policy) => string | undefined> = {
  straggler: (p) =>
    p.hedge.kind === "off" ? TRY.hedge : p.balance !== "p2c" ? "pick replicas by load (balance: p2c)" : "hedge sooner (a lower hedge percentile)",
  hostDown: (p) =>
    p.placement !== "power-aware"
      ? TRY.powerAware
      : p.onPowerWarning === "ignore"
        ? "take replicas on warned hosts out of rotation (onPowerWarning: migrate)"
        : undefined,
  corruptReplica: (p) => (p.endToEndCrc ? (p.ecc === "chipkill" ? undefined : TRY.chipkill) : "check answers end to end (endToEndCrc: true)"),
  hedgingLoad: () => "hedge later (a higher hedge percentile): hedges add load to every leaf",
};

/** Why no setting helps, for causes no policy answers. */
const SERVING_CANNOT: Record<string, string> = {
  defectiveCore:
    "no policy setting catches a defective core's wrong answers (the end-to-end CRC is computed over the wrong answer); comparing replicas' answers would, and fleet does not model it",
};

/**
 * A serving family by cause (serving.<family>.<cause>: src/workloads/serving/causes.ts),
 * when the run counted it: failed queries (errors) or the p99 tail's excess latency over
 * an idle, healthy fleet (p99Excess); the parts add up to serving.<family>.
 */
function servingParts(m: LaneMetrics, scope: string, family: "errors" | "p99Excess"): { total: number; parts: Part[] } | undefined {
  const parts = SERVING_CAUSES.filter((c) => m[`${scope}${family}.${c.name}`] !== undefined).map(
    (c): Part => ({ name: c.name, value: m[`${scope}${family}.${c.name}`], tryNext: SERVING_TRIES[c.name], cannot: SERVING_CANNOT[c.name] }),
  );
  if (!parts.length) return undefined;
  return { total: m[`${scope}${family}`] ?? parts.reduce((a, x) => a + x.value, 0), parts: parts.filter((x) => x.value > 0).sort((a, b) => b.value - a.value) };
}

/** "training.pretrain.goodput" -> "training.pretrain."; "training.goodput" -> "training.". */
function scopeOf(metric: string): string {
  return metric.slice(0, metric.lastIndexOf(".") + 1);
}

const hours = (h: number) => `${h < 10 ? h.toFixed(1) : h.toFixed(0)}h`;
const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toPrecision(3));

/** The why line and the parts behind it for one breached verdict, or undefined when no tally covers its metric. */
function explainVerdict(v: Verdict, m: LaneMetrics): { line: string; parts: Part[] } | undefined {
  const metric = v.metric;
  const workload = (scope: string) => scope.slice(0, -1);
  if (/^training\.(.+\.)?(goodput|lostWorkHours|timeToStepsHours)$/.test(metric)) {
    const scope = scopeOf(metric);
    const t = trainingParts(m, scope);
    if (!t || t.total <= 0) return undefined;
    return { line: `${workload(scope)} lost ${hours(t.total)}: ${t.parts.map((x) => `${x.name} ${hours(x.value)}`).join(", ")}`, parts: t.parts };
  }
  if (metric === "silentCorruptions" || /^training\.(.+\.)?silentEscapes$/.test(metric)) {
    const s = silentParts(m);
    if (!s || s.total <= 0) return undefined;
    return {
      line: `${count(s.total)} silent corruptions reached a workload: ${s.parts.map((x) => `${count(x.value)} from ${x.name}`).join(", ")}`,
      parts: s.parts,
    };
  }
  if (/^serving\./.test(metric)) {
    const scope = /^serving\.[^.]+\.[^.]+$/.test(metric) && !/^serving\.errors\./.test(metric) ? scopeOf(metric) : "serving.";
    if (/\.p\d+$/.test(metric)) {
      const t = servingParts(m, scope, "p99Excess");
      if (t && t.total > 0)
        return {
          line: `${workload(scope)}'s slowest 1% of queries took ${formatDuration(t.total)} more than on an idle fleet: ${t.parts.map((x) => `${x.name} ${formatDuration(x.value)}`).join(", ")}`,
          parts: t.parts,
        };
    }
    const s = servingParts(m, scope, "errors");
    if (!s || s.total <= 0) return undefined;
    const queries = m[`${scope}queries`];
    if (!(queries > 0))
      return { line: `${workload(scope)} failed queries by cause: ${s.parts.map((x) => `${x.name} ${count(x.value)}`).join(", ")}`, parts: s.parts };
    const pct = (x: number) => `${+((100 * x) / queries).toPrecision(2)}%`;
    return { line: `${workload(scope)} failed ${pct(s.total)} of queries: ${s.parts.map((x) => `${x.name} ${pct(x.value)}`).join(", ")}`, parts: s.parts };
  }
  return undefined;
}

/**
 * Each policy's verdict, why and what to try, in the order the verdicts name the policies.
 * A lane the scenario's `policies:` does not name (the default lane) runs every default.
 */
export function answers(verdicts: readonly Verdict[], metrics: Record<string, LaneMetrics>, policies: Record<string, Policy>): PolicyAnswer[] {
  const names = [...new Set(verdicts.map((v) => v.policy))];
  return names.map((policy) => {
    const mine = verdicts.filter((v) => v.policy === policy);
    const m = metrics[policy] ?? {};
    const why: string[] = [];
    const tries: string[] = [];
    const notes: string[] = [];
    const p = policies[policy] ?? defaultPolicy();
    for (const v of mine.filter((x) => !x.ok)) {
      const e = explainVerdict(v, m);
      if (!e || why.includes(e.line)) continue;
      why.push(e.line);
      // The parts with a rule, costliest first, among those that cost at least a fifth of the total.
      const total = e.parts.reduce((s, x) => s + x.value, 0);
      for (const x of e.parts.filter((x) => x.value >= total / 5)) {
        const say = x.tryNext?.(p);
        if (say && !tries.includes(say)) tries.push(say);
        if (x.cannot && !notes.includes(x.cannot)) notes.push(x.cannot);
      }
    }
    const tryNext = tries.slice(0, 4);
    return { policy, breached: mine.filter((v) => !v.ok).length, slos: mine.length, why, tryNext, notes };
  });
}

/**
 * The answers as lines of at most `width` columns: "baseline: 5 ✗ of 6", then its why and
 * try lines, indented, wrapped between items (a setting in brackets is never split).
 */
export function answerLines(list: readonly PolicyAnswer[], width: number, unicode: boolean): string[] {
  const fail = unicode ? "✗" : "FAIL";
  const block = (label: string, text: string, items: boolean) => {
    const t = `${label}: ${text}`;
    // Between items of a list; between words where one item is wider than the line; a setting in brackets is never split.
    const byItems = wrap(t, width - 2, { indent: "     ", items, keep: /\([^)]*\)/g });
    const lines = byItems.some((l) => l.length > width - 2) ? wrap(t, width - 2, { indent: "     ", keep: /\([^)]*\)/g }) : byItems;
    return lines.map((l) => `  ${l}`);
  };
  const lines: string[] = [];
  for (const a of list) {
    lines.push(a.breached ? `${a.policy}: ${a.breached} ${fail} of ${a.slos}` : `${a.policy}: passes all ${a.slos}`);
    for (const w of a.why) lines.push(...block("why", w, true));
    for (const t of a.tryNext) lines.push(...block("try", t, false));
    for (const n of a.notes) lines.push(...block("note", n, false));
  }
  return lines;
}
