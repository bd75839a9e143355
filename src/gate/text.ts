// The gate on stdout: per scenario, a policy x SLO table (value [95% interval] and ✓/✗),
// then every breach in one sentence with its numbers, the methods, and the summary line.
import { table } from "../report/table.js";
import { describeJudgment, judgeText, methodLines, seedsText, summaryLine, valueWithInterval } from "./format.js";
import type { GateReport } from "./report.js";

export function formatGateText(r: GateReport, opts: { unicode?: boolean } = {}): string {
  const [pass, fail] = opts.unicode === false ? ["ok", "FAIL"] : ["✓", "✗"];
  const out: string[] = [];
  for (const s of r.scenarios) {
    out.push(`${s.name} (${s.file}): ${seedsText(s)}`);
    const slos = s.policies[0]?.judgments.map((j) => j.slo.text) ?? [];
    if (slos.length === 0) out.push("  no SLOs to judge (the scenario has no slo: section and no --slo was given)");
    else {
      const rows = s.policies.map((p) => [p.policy, ...p.judgments.map((j) => `${valueWithInterval(j)} ${j.ok ? pass : fail}`)]);
      out.push(table(["policy", ...slos], rows, ["left", ...slos.map(() => "left" as const)]));
    }
    for (const f of s.failedRuns) out.push(`  run FAILED: seed ${f.seed} (${f.status}): ${f.error}`);
    out.push("");
  }
  const breaches = r.scenarios.flatMap((s) =>
    s.policies.flatMap((p) => p.judgments.filter((j) => !j.ok).map((j) => `  ${s.name} ${p.policy} ${j.slo.text}: ${describeJudgment(j)}`)),
  );
  if (breaches.length) out.push("breaches:", ...breaches, "");
  const methods = methodLines(r);
  if (methods.length) out.push(`judging: ${judgeText(r)}`, ...methods.map((m) => `  ${m}`), "");
  out.push(summaryLine(r));
  return `${out.join("\n")}\n`;
}
