// Distributions of Rng: ranges (property tests) and moments (tolerances a wrong rate fails).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Streams } from "./streams.js";
import type { Rng } from "./rng.js";

function rngFor(name: string, seed = 12345): Rng {
  return new Streams(seed).get(name);
}

function moments(n: number, f: () => number): { mean: number; variance: number } {
  // Welford's update: sums of squares would cancel catastrophically for means near 1e9.
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i <= n; i++) {
    const x = f();
    const d = x - mean;
    mean += d / i;
    m2 += d * (x - mean);
  }
  return { mean, variance: m2 / n };
}

/** |estimate - truth| within `z` standard errors of a mean of n draws with variance v. */
function expectMean(est: number, truth: number, variance: number, n: number, z = 5): void {
  expect(Math.abs(est - truth)).toBeLessThanOrEqual(z * Math.sqrt(variance / n));
}

describe("Rng ranges", () => {
  it("next, int, pick, exp, bernoulli stay in range", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 40 }), fc.double({ min: 1e-9, max: 1e9, noNaN: true }), (seed, n, mean) => {
        const r = rngFor("range", seed);
        for (let i = 0; i < 200; i++) {
          const u = r.next();
          expect(u >= 0 && u < 1).toBe(true);
          const k = r.int(n);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
          const e = r.exp(mean);
          expect(e >= 0 && Number.isFinite(e)).toBe(true);
          expect([10, 20, 30]).toContain(r.pick([10, 20, 30]));
        }
        expect(r.bernoulli(0)).toBe(false);
        expect(r.bernoulli(1)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("poisson and binomial return integers in range for any parameters", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, lambda, n, p) => {
          const r = rngFor("discrete", seed);
          for (let i = 0; i < 20; i++) {
            const k = r.poisson(lambda);
            expect(Number.isInteger(k) && k >= 0).toBe(true);
            const b = r.binomial(n, p);
            expect(Number.isInteger(b) && b >= 0 && b <= n).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects impossible parameters", () => {
    const r = rngFor("bad");
    expect(() => r.poisson(-1)).toThrow(RangeError);
    expect(() => r.poisson(Number.NaN)).toThrow(RangeError);
    expect(() => r.binomial(2.5, 0.5)).toThrow(RangeError);
    expect(() => r.binomial(10, 1.5)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe("Rng moments", () => {
  const N = 200_000;

  it("next is uniform: mean 1/2, variance 1/12, and uses all 53 bits", () => {
    const r = rngFor("uniform");
    const m = moments(N, () => r.next());
    expectMean(m.mean, 0.5, 1 / 12, N);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
    let lowBits = 0;
    for (let i = 0; i < 1000; i++) if ((r.next() * 2 ** 53) % 2 === 1) lowBits++;
    expect(lowBits).toBeGreaterThan(400); // 32-bit uniforms would give 0
  });

  it("exp has the given mean (not the rate) and variance mean^2", () => {
    const r = rngFor("exp");
    const m = moments(N, () => r.exp(3));
    expectMean(m.mean, 3, 9, N);
    expect(Math.abs(m.variance / 9 - 1)).toBeLessThan(0.05);
  });

  it("normal and lognormal have their moments", () => {
    const r = rngFor("normal");
    const m = moments(N, () => r.normal(5, 2));
    expectMean(m.mean, 5, 4, N);
    expect(Math.abs(m.variance / 4 - 1)).toBeLessThan(0.03);
    const l = moments(N, () => r.lognormal(0.5, 0.4));
    const lnMean = Math.exp(0.5 + 0.08);
    const lnVar = (Math.exp(0.16) - 1) * Math.exp(1 + 0.16);
    expectMean(l.mean, lnMean, lnVar, N);
  });

  for (const shape of [0.09, 0.5, 1, 3.7, 40]) {
    it(`gamma(${shape}, 2) has mean 2 shape and variance 4 shape`, () => {
      const r = rngFor(`gamma.${shape}`);
      const m = moments(N, () => r.gamma(shape, 2));
      expectMean(m.mean, 2 * shape, 4 * shape, N);
      // The sample variance of a gamma has relative sd ~ sqrt((2 + 6 / shape) / N): 6% at 0.09.
      expect(Math.abs(m.variance / (4 * shape) - 1)).toBeLessThan(5 * Math.sqrt((2 + 6 / shape) / N));
    });
  }

  it("bernoulli hits p, including tiny p through the 53-bit uniforms", () => {
    const r = rngFor("bernoulli");
    const m = moments(N, () => (r.bernoulli(0.3) ? 1 : 0));
    expectMean(m.mean, 0.3, 0.21, N);
  });

  it("int and pick are uniform over their range", () => {
    const r = rngFor("int");
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * Math.sqrt(10_000));
  });

  for (const lambda of [0.01, 0.7, 3, 9.9, 10, 25, 1000, 1e6, 1e9]) {
    it(`poisson(${lambda}) has mean and variance lambda`, () => {
      const r = rngFor(`poisson.${lambda}`);
      const n = 100_000;
      const m = moments(n, () => r.poisson(lambda));
      expectMean(m.mean, lambda, lambda, n);
      // Var of the sample variance of a Poisson ~ (2 lambda^2 + lambda) / n.
      expect(Math.abs(m.variance - lambda)).toBeLessThanOrEqual(6 * Math.sqrt((2 * lambda * lambda + lambda) / n));
    });
  }

  const binomialCases: [number, number][] = [
    [10, 0.5],
    [1000, 0.001],
    [20, 0.9],
    [100, 0.3],
    [1e6, 0.25],
    [1e9, 0.5],
    [1e9, 1e-6],
    [1e9, 0.99999],
  ];
  for (const [bn, bp] of binomialCases) {
    it(`binomial(${bn}, ${bp}) has mean np and variance np(1-p)`, () => {
      const r = rngFor(`binomial.${bn}.${bp}`);
      const n = 100_000;
      const mean = bn * bp;
      const v = bn * bp * (1 - bp);
      const m = moments(n, () => r.binomial(bn, bp));
      expectMean(m.mean, mean, v, n);
      expect(Math.abs(m.variance - v)).toBeLessThanOrEqual(6 * Math.sqrt((2 * v * v + v) / n));
    });
  }

  it("poisson(25) matches its probability mass function (chi-square)", () => {
    const r = rngFor("poisson.pmf");
    expect(
      chiSquareVsPmf(
        200_000,
        () => r.poisson(25),
        (k) => Math.exp(-25 + k * Math.log(25) - lgammaInt(k)),
      ),
    ).toBeLessThan(chiSquareLimit);
  });

  it("binomial(200, 0.2) matches its probability mass function (chi-square)", () => {
    const r = rngFor("binomial.pmf");
    const pmf = (k: number): number =>
      k > 200 ? 0 : Math.exp(lgammaInt(200) - lgammaInt(k) - lgammaInt(200 - k) + k * Math.log(0.2) + (200 - k) * Math.log(0.8));
    expect(chiSquareVsPmf(200_000, () => r.binomial(200, 0.2), pmf)).toBeLessThan(chiSquareLimit);
  });
});

/** log(k!) by summation: the test's own, independent of the code under test. */
function lgammaInt(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

// Chi-square over 0..79 with sparse cells pooled; ~40-60 degrees of freedom, and 120 is
// far in the tail (p < 1e-7) for a correct sampler while a shifted or scaled one hits thousands.
const chiSquareLimit = 120;

function chiSquareVsPmf(n: number, draw: () => number, pmf: (k: number) => number): number {
  const K = 80;
  const observed = new Array(K + 1).fill(0);
  for (let i = 0; i < n; i++) observed[Math.min(draw(), K)]++;
  const expected = Array.from({ length: K }, (_, k) => n * pmf(k));
  expected.push(n - expected.reduce((a, b) => a + b, 0));
  let chi = 0;
  let obsPool = 0;
  let expPool = 0;
  for (let k = 0; k <= K; k++) {
    obsPool += observed[k];
    expPool += expected[k];
    if (expPool >= 20) {
      chi += (obsPool - expPool) ** 2 / expPool;
      obsPool = 0;
      expPool = 0;
    }
  }
  if (expPool > 0) chi += (obsPool - expPool) ** 2 / Math.max(expPool, 1e-9);
  return chi;
}
