// The gate as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a pull-request
// comment: a heading with the verdict, per scenario a policy x SLO table (value ± 95%
// interval, ✅/❌), the breaches with their numbers, the failed runs, and the methods.
import { describeJudgment, judgeText, methodLines, seedsText, summaryLine, valueWithInterval } from "./format.js";
import { nextCommands } from "./next.js";
import type { GateReport } from "./report.js";

/** Text safe inside a Markdown table cell: pipes escaped, no line breaks. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function formatGateMarkdown(r: GateReport): string {
  const verdict =
    r.exitCode === 0
      ? "✅ all SLOs hold"
      : r.exitCode === 1
        ? `❌ ${r.breaches} of ${r.checks} checks breached`
        : r.exitCode === 3
          ? `⚠️ ${r.runsFailed} run(s) failed`
          : "⏹️ interrupted";
  const out: string[] = [`## fleet gate: ${verdict}${r.partial ? " (partial results)" : ""}`, ""];
  for (const s of r.scenarios) {
    out.push(`### ${mdCell(s.name)} \`${mdCell(s.file)}\``, "", `${seedsText(s)}.`, "");
    const slos = s.policies[0]?.judgments.map((j) => j.slo.text) ?? [];
    if (slos.length === 0) {
      out.push("No SLOs to judge.", "");
    } else {
      out.push(`| policy | ${slos.map((t) => `\`${mdCell(t)}\``).join(" | ")} |`, `|---|${slos.map(() => "---").join("|")}|`);
      for (const p of s.policies)
        out.push(`| ${mdCell(p.policy)} | ${p.judgments.map((j) => `${j.ok ? "✅" : "❌"} ${mdCell(valueWithInterval(j))}`).join(" | ")} |`);
      out.push("");
    }
    const breaches = s.policies.flatMap((p) =>
      p.judgments.filter((j) => !j.ok).map((j) => `- ❌ **${mdCell(p.policy)}** \`${mdCell(j.slo.text)}\`: ${mdCell(describeJudgment(j))}`),
    );
    if (breaches.length) out.push(...breaches, "");
    const next = nextCommands(s);
    if (next) {
      const n = next.explain.breaches;
      out.push(`Why: \`${mdCell(next.explain.command)}\` (${n} SLO${n === 1 ? "" : "s"} breached in that run).`, "");
      if (next.answer.length) out.push("In that run, from its own tallies:", "", "```text", ...next.answer, "```", "");
      out.push("The smallest fault schedule of a run that breached, to commit as a regression scenario:", "");
      out.push(...next.shrink.map((c) => `- \`${mdCell(c)}\``), "");
    }
    const failed = s.failedRuns.map((f) => `- ⚠️ run failed: seed ${f.seed} (${f.status}): ${mdCell(f.error)}`);
    if (failed.length) out.push(...failed, "");
  }
  const methods = methodLines(r);
  if (methods.length) out.push(`<sub>Judging: ${judgeText(r)}. ${methods.map(mdCell).join(". ")}.</sub>`, "");
  out.push(`\`${summaryLine(r)}\``, "");
  return out.join("\n");
}
