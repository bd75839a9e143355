import { describe, expect, it } from "vitest";
import { formatGateMarkdown, mdCell } from "./markdown.js";
import { formatGateText } from "./text.js";
import { formatGateJson } from "./json.js";
import { buildReport } from "./report.js";
import { sampleGate } from "./testing.js";
import { describeJudgment, valueWithInterval } from "./format.js";
import { judge, parseGateSlo } from "./objective.js";

describe("the gate as Markdown, text and JSON", () => {
  const { scenario, results } = sampleGate();
  const report = buildReport([scenario], results, { judge: "bound", interrupted: false });

  it("writes a Markdown summary: verdict, a policy x SLO table with ✅/❌ and value [interval], the methods", () => {
    const md = formatGateMarkdown(report);
    const lines = md.split("\n");
    expect(lines[0]).toBe("## fleet gate: ❌ 3 of 6 checks breached");
    expect(lines).toContain("| policy | `mean(training.goodput) >= 0.9` | `mean(training.silentEscapes) == 0` | `P(training.goodput >= 0.9) >= 50%` |");
    expect(lines).toContain("|---|---|---|---|");
    expect(lines).toContain("| naive | ❌ 0.8 [0.7018, 0.8982] | ❌ 0.4 [0, 1.511] | ❌ 0.2 [0.03622, 0.6245] |");
    expect(lines).toContain("| hardened | ✅ 0.954 [0.9398, 0.9682] | ✅ 0 | ✅ 1 [0.5655, 1] |");
    expect(md).toContain("Student-t 95% interval of the mean, cut at the metric's range");
    expect(md).toContain("Wilson score 95% interval");
    expect(md).toContain("`gate: 3 of 6 checks breached over 5 complete runs -> exit 1`");
    expect(mdCell("a|b\nc")).toBe("a\\|b c");
  });

  it("prints the verdicts on stdout with ✓/✗ and every breach in a sentence, within 80 columns", () => {
    const text = formatGateText(report);
    expect(text).toContain("x (scenarios/x.yaml): 5 seeds 1..5, 1d each\n");
    // Three SLOs side by side, or two policies, pass 80 columns: a list per policy.
    // silentEscapes 0, 0, 2, 0, 0: the t interval 0.4 ± 1.111 is cut at 0, as a count cannot go below
    expect(text).toContain(
      "naive:\n  mean(training.goodput) >= 0.9: 0.8 [0.7018, 0.8982] ✗\n  mean(training.silentEscapes) == 0: 0.4 [0, 1.511] ✗\n" +
        "  P(training.goodput >= 0.9) >= 50%: 0.2 [0.03622, 0.6245] ✗\nhardened:\n",
    );
    // a breach in one sentence, wrapped between words, never inside an interval
    expect(text).toContain(
      "  x naive P(training.goodput >= 0.9) >= 50%: P 0.2, 95% CI [0.03622, 0.6245]\n    (Wilson score 95% interval), judged on its lower end 0.03622, must be >=\n    50%; training.goodput >= 0.9 fails in 4 of 5 seeds\n",
    );
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(text.trimEnd().split("\n").at(-1)).toBe("gate: 3 of 6 checks breached over 5 complete runs -> exit 1");
    expect(formatGateText(report, { unicode: false })).toContain("  mean(training.goodput) >= 0.9: 0.954 [0.9398, 0.9682] ok\n");
    // Two SLOs fit side by side as a policy x SLO table.
    const two = buildReport([{ ...scenario, slos: scenario.slos.slice(0, 2) }], results, { judge: "bound", interrupted: false });
    expect(formatGateText(two)).toMatch(/^naive +0\.8 \[0\.7018, 0\.8982\] ✗ +0\.4 \[0, 1\.511\] ✗$/m);
  });

  it("writes everything as JSON: judgments with intervals and methods, every run with its digests", () => {
    const doc = JSON.parse(formatGateJson(report));
    expect(doc).toMatchObject({ fleetGate: 1, exitCode: 1, partial: false, judge: "bound", level: 0.95, checks: 6, breaches: 3, digest: report.digest });
    const s = doc.scenarios[0];
    expect(s.policies[0].slos[0]).toMatchObject({
      slo: "mean(training.goodput) >= 0.9",
      kind: "mean",
      from: "scenario",
      estimate: 0.8,
      ok: false,
      n: 5,
      seedsBreaching: 4,
      method: "Student-t 95% interval of the mean, cut at the metric's range",
      range: { min: 0, max: 1 },
    });
    expect(s.policies[0].slos[1]).toMatchObject({ low: 0, range: { min: 0, max: "Infinity" } });
    expect(s.runs.map((r: { seed: number; digest: string }) => [r.seed, r.digest])).toEqual([1, 2, 3, 4, 5].map((x) => [x, `d${x}`]));
    expect(s.policies[1].metrics["training.goodput"].n).toBe(5);
  });

  it("writes numbers JSON cannot hold as strings", () => {
    const one = sampleGate({ drop: [2, 3, 4, 5] });
    const doc = JSON.parse(formatGateJson(buildReport([one.scenario], one.results, { judge: "bound", interrupted: true })));
    expect(doc.scenarios[0].policies[1].slos[0]).toMatchObject({
      estimate: 0.95,
      low: 0,
      high: 1,
      ok: false,
      note: "1 seed gives no interval but the metric's range: it takes 2 or more (or --judge estimate)",
    });
    expect(doc.scenarios[0].policies[1].slos[1]).toMatchObject({ estimate: 0, low: 0, high: "Infinity" });
    expect(doc.partial).toBe(true);
  });

  it("shows latencies as durations, probabilities as numbers", () => {
    const latency = judge(parseGateSlo("mean(serving.p999) <= 150ms"), "p", [0.08, 0.09, 0.1]);
    expect(valueWithInterval(latency)).toBe("90ms [65.16ms, 114.8ms]");
    expect(describeJudgment(latency)).toContain("judged on its upper end 114.8ms, must be <= 150ms; serving.p999 <= 150ms fails in 0 of 3 seeds");
    const p = judge(parseGateSlo("P(serving.p999 <= 85ms) >= 50%"), "p", [0.08, 0.09, 0.1]);
    expect(valueWithInterval(p)).toMatch(/^0\.3333 \[0\.06149, 0\.7923\]$/);
  });
});
