// The gate as JUnit XML, the format CI systems read test results in (Jenkins, GitLab,
// GitHub test reporters): <testsuites> with one <testsuite> per scenario, one <testcase
// classname="scenario.policy" name="SLO"> per policy and SLO, a <failure> on a breach whose
// message holds the numbers (value, interval, threshold, seeds), an <error> testcase per
// failed run and one when the gate was interrupted. Every text is escaped and characters
// XML 1.0 forbids are replaced, so the file is well-formed whatever a message contains.
// No time attributes: the report holds no wall-clock figures.
import { describeJudgment, seedsText } from "./format.js";
import type { GateReport } from "./report.js";

const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML attribute value or element content. */
export function xmlEscape(text: string): string {
  return text
    .replace(FORBIDDEN, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");

interface Case {
  classname: string;
  name: string;
  failure?: string;
  error?: string;
  out?: string;
}

export function formatGateJUnit(r: GateReport): string {
  const suites = r.scenarios.map((s) => {
    const cases: Case[] = [];
    for (const p of s.policies) {
      for (const j of p.judgments) {
        const text = describeJudgment(j);
        cases.push({ classname: `${s.name}.${p.policy}`, name: j.slo.text, ...(j.ok ? { out: text } : { failure: text }) });
      }
    }
    for (const f of s.failedRuns) cases.push({ classname: `${s.name}.runs`, name: `seed ${f.seed}`, error: `run ${f.status}: ${f.error}` });
    if (s.seedsComplete.length + s.failedRuns.length < s.seeds.length) {
      const finished = s.seedsComplete.length + s.failedRuns.length;
      cases.push({
        classname: `${s.name}.runs`,
        name: "every seed finished",
        error: `interrupted: ${finished} of ${s.seeds.length} runs finished; the judgments rest on the ${s.seedsComplete.length} that completed`,
      });
    }
    return { s, cases };
  });
  const count = (cs: Case[], k: "failure" | "error") => cs.filter((c) => c[k] !== undefined).length;
  const all = suites.flatMap((x) => x.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "fleet gate", tests: all.length, failures: count(all, "failure"), errors: count(all, "error"), skipped: 0 })}>`,
  ];
  for (const { s, cases } of suites) {
    lines.push(
      `  <testsuite${attrs({ name: s.name, tests: cases.length, failures: count(cases, "failure"), errors: count(cases, "error"), skipped: 0, file: s.file })}>`,
    );
    lines.push("    <properties>");
    for (const [name, value] of [
      ["seeds", seedsText(s)],
      ["judge", r.judge],
      ["partial", String(r.partial)],
    ]) {
      lines.push(`      <property${attrs({ name, value })}/>`);
    }
    lines.push("    </properties>");
    for (const c of cases) {
      const head = `    <testcase${attrs({ classname: c.classname, name: c.name })}`;
      if (c.failure !== undefined)
        lines.push(`${head}>`, `      <failure${attrs({ message: c.failure, type: "SLOBreach" })}>${xmlEscape(c.failure)}</failure>`, "    </testcase>");
      else if (c.error !== undefined)
        lines.push(`${head}>`, `      <error${attrs({ message: c.error, type: "RunFailed" })}>${xmlEscape(c.error)}</error>`, "    </testcase>");
      else lines.push(`${head}>`, `      <system-out>${xmlEscape(c.out ?? "")}</system-out>`, "    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
