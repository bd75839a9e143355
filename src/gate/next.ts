// What to run next after a gate with breaches, per scenario: the command that explains
// one of its runs (the seed whose run breached the most SLOs, the first such seed on a
// tie), and for each breached SLO the command that shrinks a run that breached it to its
// smallest fault schedule (the first seed whose run breached that SLO for that policy).
// The text report and the Markdown summary both print them, and under the explain command
// the answer of that run as `fleet chaos` leads with it (src/report/answer.ts: each
// policy's verdict, why from the run's own tallies, what to try).
import { formatDuration } from "../base/units.js";
import { answerLines, answers } from "../report/answer.js";
import type { ScenarioReport } from "./report.js";

export interface NextCommands {
  /** `fleet explain FILE --seed S [--duration D]`, with how many SLOs that run breached. */
  explain: { command: string; breaches: number };
  /** That run's answer, lines of at most 78 columns (the text report indents them by 2). */
  answer: string[];
  /** `fleet shrink FILE --seed S [--duration D] --slo M --policy P`, one per breached SLO. */
  shrink: string[];
}

/** The commands for a scenario with a breached SLO in a complete run (else undefined). */
export function nextCommands(s: ScenarioReport): NextCommands | undefined {
  if (!s.policies.some((p) => p.judgments.some((j) => !j.ok))) return undefined;
  let best: { seed: number; breaches: number; run: ScenarioReport["runs"][number] } | undefined;
  for (const r of s.runs) {
    if (r.status !== "complete") continue;
    const breaches = r.verdicts.filter((v) => !v.ok).length;
    if (breaches > 0 && (!best || breaches > best.breaches)) best = { seed: r.seed, breaches, run: r };
  }
  if (!best) return undefined;
  const duration = s.durationSec !== undefined ? ` --duration ${formatDuration(s.durationSec)}` : "";
  const shrink = new Set<string>();
  for (const pol of s.policies)
    for (const j of pol.judgments) {
      if (j.ok) continue;
      const run = s.runs.find((r) => r.status === "complete" && r.verdicts.some((v) => v.policy === pol.policy && v.metric === j.slo.metric && !v.ok));
      if (run) shrink.add(`fleet shrink ${s.file} --seed ${run.seed}${duration} --slo ${j.slo.metric} --policy ${pol.policy}`);
    }
  const answer = answerLines(answers(best.run.verdicts, best.run.metrics, s.settings ?? {}), 78, true);
  return { explain: { command: `fleet explain ${s.file} --seed ${best.seed}${duration}`, breaches: best.breaches }, answer, shrink: [...shrink] };
}
