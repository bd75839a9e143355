// The gate on stdout: per scenario, a policy x SLO table (value [95% interval] and ✓/✗;
// SLO x policy when that is wider than 80 columns, a list per policy when both are), then
// every breach in one sentence with its numbers, the methods, and the summary line, all
// wrapped to 80 columns (commands to copy are never wrapped).
import { table, wrap } from "../report/table.js";
import { describeJudgment, judgeText, methodLines, seedsText, summaryLine, valueWithInterval } from "./format.js";
import type { GateReport } from "./report.js";

const WIDTH = 80;
/** An interval, "[0.3898, 0.4834]", is never split across lines. */
const INTERVAL = /\[[^\]]*\]/g;

/** `text` indented by two, its continuation lines by four, within WIDTH. */
function block(text: string): string[] {
  return wrap(text, WIDTH - 2, { indent: "  ", keep: INTERVAL }).map((l) => `  ${l}`);
}

export function formatGateText(r: GateReport, opts: { unicode?: boolean } = {}): string {
  const [pass, fail] = opts.unicode === false ? ["ok", "FAIL"] : ["✓", "✗"];
  const out: string[] = [];
  for (const s of r.scenarios) {
    out.push(`${s.name} (${s.file}): ${seedsText(s)}`);
    const slos = s.policies[0]?.judgments.map((j) => j.slo.text) ?? [];
    if (slos.length === 0) out.push("  no SLOs to judge (the scenario has no slo: section and no --slo was given)");
    else {
      const cell = (j: (typeof s.policies)[number]["judgments"][number]) => `${valueWithInterval(j)} ${j.ok ? pass : fail}`;
      const rows = s.policies.map((p) => [p.policy, ...p.judgments.map(cell)]);
      const wide = table(["policy", ...slos], rows, ["left", ...slos.map(() => "left" as const)]);
      const names = s.policies.map((p) => p.policy);
      const tall = table(
        ["slo", ...names],
        slos.map((slo, i) => [slo, ...s.policies.map((p) => cell(p.judgments[i]))]),
        ["left", ...names.map(() => "left" as const)],
      );
      const fits = (t: string) => t.split("\n").every((l) => l.length <= WIDTH);
      if (fits(wide)) out.push(wide);
      else if (fits(tall)) out.push(tall);
      else for (const p of s.policies) out.push(`${p.policy}:`, ...p.judgments.flatMap((j) => block(`${j.slo.text}: ${cell(j)}`)));
    }
    for (const f of s.failedRuns) out.push(`  run FAILED: seed ${f.seed} (${f.status}): ${f.error}`);
    out.push("");
  }
  const breaches = r.scenarios.flatMap((s) =>
    s.policies.flatMap((p) => p.judgments.filter((j) => !j.ok).flatMap((j) => block(`${s.name} ${p.policy} ${j.slo.text}: ${describeJudgment(j)}`))),
  );
  if (breaches.length) out.push("breaches:", ...breaches, "");
  const methods = methodLines(r);
  if (methods.length) out.push(`judging: ${judgeText(r)}`, ...methods.flatMap((m) => block(m)), "");
  out.push(summaryLine(r));
  return `${out.join("\n")}\n`;
}
