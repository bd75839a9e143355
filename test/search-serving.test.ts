// scenarios/search-serving.yaml through `fleet chaos`, with fewer windows so it runs in
// seconds (3 windows of 3 s instead of 8; the rest of the file as written): hedging cuts
// p99.9 at moderate load and reports its extra load; at ~90% load the aggressive hedge
// (after the median) makes the tail worse than no hedging, while the p95 hedge still helps.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleet, tempDir } from "./helpers.js";
import { fmtMetric } from "../src/report/text.js";
import "../src/workloads/serving/service.js"; // registers serving.* metrics and their units

type Metrics = Record<string, Record<string, number>>;

async function runShort(): Promise<{ code: number; metrics: Metrics; verdicts: { policy: string; metric: string; ok: boolean }[] }> {
  const text = readFileSync("scenarios/search-serving.yaml", "utf8");
  const short = text.replaceAll("sample: { windows: 8, window: 3s, warmup: 2s }", "sample: { windows: 3, window: 3s, warmup: 1.5s }");
  expect(short).not.toBe(text);
  const file = join(tempDir(), "search-serving-short.yaml");
  writeFileSync(file, short);
  const r = await fleet(["chaos", file, "--no-journal", "--reporter", "json"]);
  const doc = JSON.parse(r.out);
  return { code: r.code, metrics: doc.metrics, verdicts: doc.verdicts };
}

describe("search-serving.yaml", () => {
  it("hedging cuts p99.9 at moderate load at a reported price; at high load the p50 hedge makes it worse", async () => {
    const { code, metrics, verdicts } = await runShort();
    const { "no-hedge": off, "hedge-p95": p95, "hedge-p50": p50 } = metrics;

    // Moderate load (the first service, serving.*): both hedges cut p99.9 by a third or more.
    expect(p95["serving.p999"]).toBeLessThan(0.67 * off["serving.p999"]);
    expect(p50["serving.p999"]).toBeLessThan(0.67 * off["serving.p999"]);
    // ... and report their extra load: ~1 - percentile of the leaves get a backup.
    expect(off["serving.extraLoad"]).toBe(0);
    expect(p95["serving.extraLoad"]).toBeGreaterThan(0.03);
    expect(p95["serving.extraLoad"]).toBeLessThan(0.08);
    expect(p50["serving.extraLoad"]).toBeGreaterThan(0.4);
    expect(p50["serving.extraLoad"]).toBeLessThan(0.6);
    expect(p50["serving.utilization"]).toBeGreaterThan(off["serving.utilization"] + 0.1);

    // High load (search-peak, ~90% busy): the aggressive hedge is worse than none, at the
    // median, p99 and p99.9; the p95 hedge is better.
    const peak = (m: Record<string, number>, k: string) => m[`serving.search-peak.${k}`];
    expect(peak(off, "utilization")).toBeGreaterThan(0.85);
    expect(peak(p50, "p999")).toBeGreaterThan(peak(off, "p999"));
    expect(peak(p50, "p99")).toBeGreaterThan(1.3 * peak(off, "p99"));
    expect(peak(p50, "p50")).toBeGreaterThan(1.3 * peak(off, "p50"));
    expect(peak(p95, "p999")).toBeLessThan(peak(off, "p999"));
    expect(peak(p50, "utilization")).toBeGreaterThan(0.95);

    // Every policy saw the same queries (common random numbers), estimated over the day.
    expect(p50["serving.search-peak.queries"]).toBe(off["serving.search-peak.queries"]);
    expect(Math.abs(off["serving.queries"] / (1000 * 86400) - 1)).toBeLessThan(0.05);

    // The SLOs judge serving.* (search): no-hedge breaches p99.9 <= 100ms, the hedges hold.
    const p999Verdict = (policy: string) => verdicts.find((v) => v.policy === policy && v.metric === "serving.p999")!.ok;
    expect([p999Verdict("no-hedge"), p999Verdict("hedge-p95"), p999Verdict("hedge-p50")]).toEqual([false, true, true]);
    expect(code).toBe(1);
  }, 120_000);

  it("validates, and the text report shows its latencies as durations", async () => {
    const v = await fleet(["validate", "scenarios/search-serving.yaml"]);
    expect(v.code).toBe(0);
    expect(fmtMetric("serving.p999", 0.07872)).toBe("78.7ms");
    expect(fmtMetric("serving.availability", 0.9995)).toBe("0.9995");
  });
});
