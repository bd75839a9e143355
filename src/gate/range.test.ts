// Every interval a gate or a sweep shows stays inside the values its metric can take
// (MetricDef.range), whatever the seeds gave: random samples within each declared metric's
// range, among them one seed, seeds that all agree and seeds at the range's ends. Checked
// on what the outputs print: the gate's judgments of every form, its metric summaries,
// and a sweep's points.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JobResult } from "../distributed/job.js";
import { METRICS, metricRange } from "../slo/catalog.js";
import { aggregatePoints, gridPoints } from "../sweep/grid.js";
import { parseSet } from "../sweep/range.js";
import { judge, parseGateSlo, type JudgeMode } from "./objective.js";
import { summarize } from "./report.js";
import { mean } from "./stats.js";

/** Fixed, like every test's randomness: a failure prints the seed and the shrunk sample. */
const SEED = 18;

/** A metric of each kind of range: a fraction, a count, hours, seconds, a ratio that can pass 1. */
const KINDS = ["training.goodput", "training.silentEscapes", "training.lostWorkHours", "serving.p999", "serving.extraLoad"];

/** A value the metric can take: any in [min, max] (up to 1e12 when unbounded), the ends often. */
function valueIn(name: string): fc.Arbitrary<number> {
  const { min, max } = metricRange(name);
  const top = Number.isFinite(max) ? max : 1e12;
  return fc.oneof(fc.double({ min, max: top, noNaN: true }), fc.integer({ min, max: Math.min(1000, top) }), fc.constantFrom(min, top));
}

/** Seeds' values: any, one seed, all equal, or only the range's ends. */
function sample(name: string): fc.Arbitrary<number[]> {
  const v = valueIn(name);
  const { min, max } = metricRange(name);
  return fc.oneof(
    fc.array(v, { minLength: 1, maxLength: 80 }),
    v.map((x) => [x]),
    fc.tuple(v, fc.integer({ min: 2, max: 80 })).map(([x, n]) => Array.from({ length: n }, () => x)),
    fc.array(fc.constantFrom(min, Number.isFinite(max) ? max : min), { minLength: 1, maxLength: 80 }),
  );
}

const FORMS = ["mean", "p5", "median", "p95", "p99.9", "min", "max"];

function expectInside(what: string, iv: { low: number; high: number }, range: { min: number; max: number }, estimate: number) {
  const at = `${what}: [${iv.low}, ${iv.high}] of ${estimate} in [${range.min}, ${range.max}]`;
  expect(iv.low >= range.min && iv.high <= range.max, at).toBe(true);
  expect(iv.low <= estimate && estimate <= iv.high, at).toBe(true);
}

describe("intervals within the metric's range", () => {
  it("gate judgments of every form stay in the range; a mean's holds the sample mean, P's and min's and max's their estimate", () => {
    for (const name of KINDS) {
      const range = metricRange(name);
      fc.assert(
        fc.property(sample(name), fc.constantFrom<JudgeMode>("bound", "estimate"), (xs, mode) => {
          for (const form of FORMS) {
            const j = judge(parseGateSlo(`${form}(${name}) >= 0`), "p", xs, mode);
            // a percentile's interval need not hold its interpolated estimate: with 2 seeds the
            // 99.9th lies at or above the larger one at 95% (q² = 0.998), the estimate between them
            expectInside(`${form}(${name})`, j, range, /^p|median/.test(form) ? j.low : j.estimate);
            expect(j.range).toEqual(range);
            if (form === "mean") expect(j.estimate).toBe(mean(xs));
          }
          const atMost = parseGateSlo(`P(${name} <= 0) >= 50%`);
          const p = judge({ ...atMost, inner: { ...atMost.inner!, threshold: xs[0] } }, "p", xs, mode);
          expectInside(`P(${name} <= x)`, p, { min: 0, max: 1 }, p.estimate);
        }),
        { numRuns: 150, seed: SEED },
      );
    }
  });

  it("every metric's summary in the gate report stays in its range and holds the mean", () => {
    // every declared metric, and a count by cause the report summarizes too
    for (const name of [...METRICS.map((m) => m.name), "training.interruptions.host.crash"]) {
      const range = metricRange(name);
      expect(range.min, name).toBe(0);
      fc.assert(
        fc.property(sample(name), (xs) => {
          const s = summarize(xs, range);
          expectInside(`summary of ${name}`, s, range, mean(xs));
          expect(s.mean).toBe(mean(xs));
        }),
        { numRuns: 40, seed: SEED + 1 },
      );
    }
  });

  it("a sweep's points stay in the range and hold their mean", () => {
    const axis = parseSet("policies.naive.checkpoint=1h..2h:2");
    const points = gridPoints([axis]);
    for (const name of KINDS) {
      const range = metricRange(name);
      fc.assert(
        fc.property(fc.tuple(sample(name), sample(name)), (perPoint) => {
          const seeds = Array.from({ length: Math.max(...perPoint.map((xs) => xs.length)) }, (_, i) => i + 1);
          const results: JobResult[] = points.flatMap((pt, i) =>
            perPoint[i].map((value, k) => ({
              id: `p${pt.index}/seed=${seeds[k]}`,
              status: "complete" as const,
              seed: seeds[k],
              metrics: { naive: { [name]: value } },
              verdicts: [],
              traceDigest: "",
              digest: "",
              simEvents: 1,
            })),
          );
          for (const [i, row] of aggregatePoints(points, seeds, results, "naive", name).entries()) {
            expectInside(`sweep point ${i} of ${name}`, row, range, mean(perPoint[i]));
          }
        }),
        { numRuns: 100, seed: SEED + 2 },
      );
    }
  });

  it("keeps the examples of issue 18 in range: a count's low end at 0, a fraction's high end at 1", () => {
    const escapes = judge(parseGateSlo("mean(training.silentEscapes) == 0"), "p", [0, 0, 0, 75, 0, 0, 0, 0, 0, 0, 0, 0, 75, 0, 0, 150]);
    expect(escapes).toMatchObject({ estimate: 18.75, low: 0, ok: false });
    const availability = judge(parseGateSlo("mean(serving.availability) >= 99%"), "p", [1, 1, 1, 0.94, 1]);
    expect(availability).toMatchObject({ high: 1, ok: false });
    expect(availability.estimate).toBeCloseTo(0.988, 12);
    // one seed: no interval but the range
    expect(judge(parseGateSlo("mean(training.goodput) >= 0.5"), "p", [0.7])).toMatchObject({ low: 0, high: 1, ok: false });
    expect(judge(parseGateSlo("mean(training.lostWorkHours) <= 1h"), "p", [0.5])).toMatchObject({ low: 0, high: Infinity, ok: false });
  });
});
