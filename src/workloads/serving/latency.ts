// Service time of one leaf request on a healthy replica: a distribution with a tail.
//
// - lognormal, fitted to two quantiles in closed form: ln S ~ Normal(mu, sigma) with
//   mu = ln p50 and sigma = ln(p99 / p50) / z99, z99 = 2.3263 (the 99% point of the
//   standard normal). Service times of real leaf servers are right-skewed with a long tail;
//   a lognormal through two observed quantiles is the usual two-parameter fit (Dean &
//   Barroso, "The Tail at Scale", CACM 2013, report leaf medians of ~1 ms with p99 ~10x
//   higher; DESIGN.md's example takes p50 8ms, p99 40ms).
// - exponential with a mean (M/M/c theory), deterministic (M/D/1 theory): for tests and
//   for checking the queueing against closed forms.
// A straggler multiplies every service time on its host by the host's slowdown factor
// (window.ts). Left out: service times that depend on the query (heavy queries hit every
// shard at once) and on the replica's cache state.
import type { Rng } from "../../sim/rng.js";

/** The 99% point of the standard normal distribution. */
export const Z99 = 2.3263478740408408;

export type ServiceTime =
  | { dist: "lognormal"; p50Sec: number; p99Sec: number }
  | { dist: "exponential"; meanSec: number }
  | { dist: "deterministic"; meanSec: number };

/** A sampler of service times in seconds, with its moments (for theory and utilization). */
export interface ServiceSampler {
  sample(rng: Rng): number;
  meanSec: number;
  /** E[S^2], for the Pollaczek-Khinchine formula. */
  secondMomentSec2: number;
  /** P(S > t). */
  tail(tSec: number): number;
  /** The q-quantile (0 < q < 1). */
  quantile(q: number): number;
  /** For a lognormal: its mu and sigma, so a hot loop can draw exp(mu + sigma * rng.normal()) inline (window.ts). */
  lognormal?: { mu: number; sigma: number };
}

/** mu and sigma of the lognormal through p50 and p99. */
export function lognormalFit(p50Sec: number, p99Sec: number): { mu: number; sigma: number } {
  if (!(p50Sec > 0) || !(p99Sec > p50Sec)) throw new RangeError(`a lognormal service time needs 0 < p50 < p99, got p50=${p50Sec}s p99=${p99Sec}s`);
  return { mu: Math.log(p50Sec), sigma: Math.log(p99Sec / p50Sec) / Z99 };
}

export function serviceSampler(s: ServiceTime): ServiceSampler {
  if (s.dist === "lognormal") {
    const { mu, sigma } = lognormalFit(s.p50Sec, s.p99Sec);
    return {
      sample: (rng) => Math.exp(mu + sigma * rng.normal()),
      meanSec: Math.exp(mu + (sigma * sigma) / 2),
      secondMomentSec2: Math.exp(2 * mu + 2 * sigma * sigma),
      tail: (t) => (t <= 0 ? 1 : 1 - normalCdf((Math.log(t) - mu) / sigma)),
      quantile: (q) => Math.exp(mu + sigma * normalQuantile(q)),
      lognormal: { mu, sigma },
    };
  }
  const m = s.meanSec;
  if (!(m > 0)) throw new RangeError(`a service time needs a mean of more than zero, got ${m}s`);
  if (s.dist === "exponential") {
    return {
      sample: (rng) => rng.exp(m),
      meanSec: m,
      secondMomentSec2: 2 * m * m,
      tail: (t) => (t <= 0 ? 1 : Math.exp(-t / m)),
      quantile: (q) => -m * Math.log(1 - q),
    };
  }
  return { sample: () => m, meanSec: m, secondMomentSec2: m * m, tail: (t) => (t < m ? 1 : 0), quantile: () => m };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 on erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Standard normal quantile (Acklam's rational approximation; relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a quantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
