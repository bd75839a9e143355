// The gate as JSON: everything, for machines and for the record: the report (judgments
// with their intervals and methods, metric summaries per policy) and every run's result
// (metrics per policy, per-run verdicts, trace digest and journal digest). Numbers JSON
// cannot hold (Infinity, NaN: an unbounded interval end, a metric not reported) are
// written as the strings "Infinity", "-Infinity" and "NaN". No wall-clock figures, so the
// same gate writes the same bytes however it ran.
import { LEVEL, METHOD } from "./stats.js";
import type { GateReport } from "./report.js";

export function formatGateJson(r: GateReport): string {
  const doc = {
    fleetGate: 1,
    exitCode: r.exitCode,
    partial: r.partial,
    judge: r.judge,
    level: LEVEL,
    methods: METHOD,
    runsPlanned: r.runsPlanned,
    runsComplete: r.runsComplete,
    runsFailed: r.runsFailed,
    checks: r.checks,
    breaches: r.breaches,
    digest: r.digest,
    scenarios: r.scenarios.map((s) => ({
      name: s.name,
      file: s.file,
      durationSec: s.durationSec,
      seeds: s.seeds,
      seedsComplete: s.seedsComplete,
      failedRuns: s.failedRuns,
      policies: s.policies.map((p) => ({
        policy: p.policy,
        slos: p.judgments.map(({ slo, policy: _policy, ...j }) => ({ slo: slo.text, kind: slo.kind, metric: slo.metric, from: slo.from, ...j })),
        metrics: p.metrics,
      })),
      runs: s.runs,
    })),
  };
  return `${JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
