import { describe, expect, it } from "vitest";
import { parseSettings } from "../faults/testing.js";
import { sloSection } from "../slo/slo.js";
import { judge, liftSlo, parseGateSlo } from "./objective.js";

describe("SLOs over seeds, as written with --slo", () => {
  it("reads means, percentiles, min/max and probabilities, values in the metric's unit", () => {
    expect(parseGateSlo("mean(training.goodput) >= 0.9")).toMatchObject({ kind: "mean", metric: "training.goodput", op: ">=", threshold: 0.9 });
    expect(parseGateSlo(" p5( training.goodput ) >= 85% ")).toMatchObject({ kind: "quantile", q: 0.05, threshold: 0.85, text: "p5(training.goodput) >= 85%" });
    expect(parseGateSlo("p99.9(training.lostWorkHours) <= 90m")).toMatchObject({ kind: "quantile", q: 0.999, threshold: 1.5 });
    expect(parseGateSlo("median(training.lostWorkHours) < 1h")).toMatchObject({ kind: "quantile", q: 0.5, op: "<", threshold: 1 });
    expect(parseGateSlo("max(training.silentEscapes) == 0")).toMatchObject({ kind: "max", op: "==", threshold: 0 });
    const p = parseGateSlo("P(training.lostWorkHours <= 30m) >= 95%");
    expect(p).toMatchObject({
      kind: "probability",
      metric: "training.lostWorkHours",
      op: ">=",
      threshold: 0.95,
      text: "P(training.lostWorkHours <= 30m) >= 95%",
    });
    expect(p.inner).toMatchObject({ op: "<=", threshold: 0.5 });
  });

  it("says what to fix in a bad one", () => {
    expect(() => parseGateSlo("mean(training.goodptu) >= 0.9")).toThrow(
      /unknown metric "training.goodptu" \(did you mean "training.goodput"\?\); valid metrics: .*training.rollbacks/,
    );
    expect(() => parseGateSlo("avg(training.goodput) >= 0.9")).toThrow(/unknown statistic "avg".*use mean, median, min, max, pNN/);
    expect(() => parseGateSlo("p100(training.goodput) >= 0.9")).toThrow(/unknown statistic "p100"/);
    expect(() => parseGateSlo("training.goodput >= 0.9")).toThrow(/expected an SLO over seeds like mean\(METRIC\) >= X/);
    expect(() => parseGateSlo("mean(training.goodput) about 0.9")).toThrow(/expected a comparison/);
    expect(() => parseGateSlo("P(training.goodput >= 0.9) >= 1.5")).toThrow(/a probability lies between 0 and 1/);
    expect(() => parseGateSlo("P(training.goodput >= 0.9)")).toThrow(/after P\(training.goodput >= 0.9\) expected a comparison with a probability/);
    expect(() => parseGateSlo("mean(training.rollbacks) <= 5%")).toThrow(/percentage fits only a fraction metric/);
  });

  it("lifts the scenario's per-run SLOs to the mean over seeds", () => {
    const [goodput] = parseSettings(sloSection, '{ training.goodput: ">= 92%" }');
    expect(liftSlo(goodput)).toEqual({
      kind: "mean",
      metric: "training.goodput",
      op: ">=",
      threshold: 0.92,
      text: "mean(training.goodput) >= 92%",
      from: "scenario",
    });
  });
});

describe("judging over seeds", () => {
  const goodputs = [0.91, 0.93, 0.95, 0.92, 0.94]; // mean 0.93, 95% CI 0.93 ± 0.0196

  it("holds on evidence: the whole 95% interval must meet the threshold", () => {
    const slo = parseGateSlo("mean(training.goodput) >= 0.9");
    const j = judge(slo, "hardened", goodputs);
    expect(j).toMatchObject({ policy: "hardened", estimate: 0.93, judgedOn: "low", ok: true, n: 5, seedsBreaching: 0 });
    expect(j.low).toBeCloseTo(0.9104, 4);
    expect(j.method).toBe("Student-t 95% interval of the mean, cut at the metric's range");
    // a mean above the threshold by less than its uncertainty is a breach...
    const close = judge(parseGateSlo("mean(training.goodput) >= 0.92"), "hardened", goodputs);
    expect(close).toMatchObject({ estimate: 0.93, ok: false });
    // ...unless the point estimate is judged
    expect(judge(close.slo, "hardened", goodputs, "estimate")).toMatchObject({ judged: 0.93, judgedOn: "estimate", ok: true });
  });

  it("judges <= on the upper end, == on the whole interval, != outside it", () => {
    const lost = [1, 2, 3, 4, 5];
    expect(judge(parseGateSlo("mean(training.lostWorkHours) <= 5h"), "p", lost)).toMatchObject({ judgedOn: "high", ok: true });
    expect(judge(parseGateSlo("mean(training.lostWorkHours) <= 4h"), "p", lost)).toMatchObject({ ok: false, seedsBreaching: 1 });
    expect(judge(parseGateSlo("mean(training.silentEscapes) == 0"), "p", [0, 0, 0])).toMatchObject({ ok: true, low: 0, high: 0 });
    expect(judge(parseGateSlo("mean(training.silentEscapes) == 0"), "p", [0, 0, 3])).toMatchObject({ ok: false, seedsBreaching: 1 });
    expect(judge(parseGateSlo("mean(training.lostWorkHours) != 0"), "p", lost)).toMatchObject({ ok: true });
    expect(judge(parseGateSlo("mean(training.lostWorkHours) != 3h"), "p", lost)).toMatchObject({ ok: false });
  });

  it("counts seeds for P(...) with a Wilson interval", () => {
    const slo = parseGateSlo("P(training.goodput >= 0.92) >= 50%");
    const j = judge(slo, "p", goodputs);
    expect(j).toMatchObject({ estimate: 0.8, seedsBreaching: 1, judgedOn: "low", method: "Wilson score 95% interval" });
    expect(j.low).toBeCloseTo(0.3755, 4);
    expect(j.ok).toBe(false);
    expect(judge(slo, "p", goodputs, "estimate").ok).toBe(true);
  });

  it("takes min and max exactly, and says when there are too few seeds for a percentile's bound", () => {
    expect(judge(parseGateSlo("min(training.goodput) >= 0.91"), "p", goodputs)).toMatchObject({
      estimate: 0.91,
      low: 0.91,
      high: 0.91,
      ok: true,
      method: "exact over the seeds (no interval)",
    });
    // the lower end the seeds cannot give is the least value goodput can take
    const p5 = judge(parseGateSlo("p5(training.goodput) >= 0.5"), "p", goodputs);
    expect(p5).toMatchObject({ low: 0, high: 0.92, ok: false, range: { min: 0, max: 1 } });
    expect(p5.note).toBe("5 seeds are too few to bound the 5th percentile at 95%: it takes 72 (or --judge estimate)");
    expect(judge(parseGateSlo("p5(training.goodput) >= 0.5"), "p", goodputs, "estimate").ok).toBe(true);
  });

  it("breaches when a seed did not report the metric", () => {
    const j = judge(parseGateSlo("mean(training.goodput) >= 0.5"), "p", [0.9, NaN, 0.9]);
    expect(j).toMatchObject({ ok: false, note: "1 of 3 seeds did not report training.goodput" });
    expect(Number.isNaN(j.estimate)).toBe(true);
  });
});
