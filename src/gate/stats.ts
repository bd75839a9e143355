// Statistics over seeds, for `fleet gate` and `fleet sweep`: each seed is one independent
// run, so a metric over N seeds is a sample of N values. Every interval stays inside the
// metric's range (MetricDef.range: a fraction in [0, 1], counts and durations 0 or more):
// the true mean or percentile lies in the range, so cutting an interval at the range's
// ends drops only values the metric cannot take and keeps the coverage, P(θ ∈ C ∩ R) =
// P(θ ∈ C) for θ in R (Mandelkern, "Setting Confidence Intervals for Bounded Parameters",
// Statistical Science 17(2), 2002). Three interval methods, each named in every output
// that uses it:
// - the mean: Student's t interval, mean ± t(1-a/2, n-1) · s/√n (needs n >= 2; exact for
//   normal data, a good approximation for means of a few dozen runs otherwise), cut at the
//   range: availability's [0.9672, 1.009] reads [0.9672, 1], and one seed gives the whole
//   range. The t interval is centred on the sample mean, which lies in the range, so the
//   cut one is never empty and still holds the mean. Chosen over the percentile bootstrap,
//   which stays in range too (inside the sample's span) but is too narrow at the seed
//   counts gates and sweeps run (10 and 5 by default): about z·√((n-1)/n) / t(n-1) of the
//   t interval's width, 0.82 at n = 10 and 0.63 at n = 5, so it covers less than 95%
//   (Hesterberg, "What Teachers Should Know About the Bootstrap", The American
//   Statistician 69(4), 2015: less accurate than t intervals for small samples), and a
//   gate judged on an interval's end would pass on less evidence. A Poisson interval
//   would not do for counts either: a seed's count is not one Poisson draw (bursts, bus
//   bars and stragglers make seeds differ by far more), and the t interval uses the
//   spread the seeds show. The cut changes a verdict judged on an end only for a
//   threshold at or past the range's end (mean(silentEscapes) >= 0,
//   mean(availability) <= 100%), which the mean always meets;
// - a probability (the fraction of seeds where a comparison holds): the Wilson score
//   interval (Wilson 1927), which stays inside [0, 1] and behaves at 0/n and n/n, where
//   the textbook p ± z·√(p(1-p)/n) collapses to a point. It is for pass/fail counts only:
//   a per-seed fraction (availability) is a value to average, not a Bernoulli trial;
// - a percentile: the distribution-free order-statistic interval [x(l), x(u)], with l and
//   u chosen from the Binomial(n, q) distribution so that the coverage is at least the
//   level whatever the metric's distribution (e.g. Hahn & Meeker, "Statistical
//   Intervals", 1991, ch. 5). With too few seeds one end does not exist (-inf or inf
//   before the cut: 50 seeds cannot bound the 5th percentile from below at 95%) and the
//   range's end stands for it: x(0) is the least value the metric can take.
// The point estimate of a percentile is the linear interpolation between order statistics
// (Hyndman & Fan 1996 type 7, the default of R and NumPy).
//
// The distributions are computed here (regularized incomplete beta by continued fraction,
// Numerical Recipes 3rd ed. §6.4; normal quantile by Acklam's rational approximation,
// relative error < 1.2e-9) to keep fleet free of a statistics dependency.
import type { MetricRange } from "../base/metric.js";

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Seeds (values) the interval rests on. */
  n: number;
}

export const LEVEL = 0.95;

export const METHOD = {
  mean: "Student-t 95% interval of the mean, cut at the metric's range",
  probability: "Wilson score 95% interval",
  quantile: "distribution-free order-statistic 95% interval from the binomial, cut at the metric's range",
  exact: "exact over the seeds (no interval)",
} as const;

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

/** Sample standard deviation (n - 1 in the denominator); NaN below 2 values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b). */
export function betaIncReg(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * betaIncReg(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The p-quantile of the standard normal (Acklam's algorithm). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The mean with its Student-t interval. Below 2 values the interval is unbounded; an
 * infinite value makes the mean infinite and the interval that one point.
 */
export function meanInterval(xs: readonly number[], level = LEVEL): Interval {
  const n = xs.length;
  const m = mean(xs);
  if (!Number.isFinite(m)) return { estimate: m, low: m, high: m, n };
  if (n < 2) return { estimate: m, low: -Infinity, high: Infinity, n };
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sampleSd(xs) / Math.sqrt(n));
  return { estimate: m, low: m - half, high: m + half, n };
}

/**
 * The interval cut at the metric's range. An estimate outside the range (a metric whose
 * declared range is wrong) widens the range to it, so the interval still holds the estimate.
 */
export function withinRange(iv: Interval, range: MetricRange): Interval {
  if (Number.isNaN(iv.estimate)) return iv;
  const min = Math.min(range.min, iv.estimate);
  const max = Math.max(range.max, iv.estimate);
  return { ...iv, low: Math.min(max, Math.max(min, iv.low)), high: Math.max(min, Math.min(max, iv.high)) };
}

/** The Wilson score interval of a proportion `successes / n`. */
export function wilsonInterval(successes: number, n: number, level = LEVEL): Interval {
  if (n === 0) return { estimate: NaN, low: 0, high: 1, n };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // Clamp the rounding at the ends: 0/n has a low of exactly 0, n/n a high of exactly 1.
  return { estimate: p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half), n };
}

/** The q-quantile of sorted values, linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  if (h === lo || sorted[hi] === sorted[lo]) return sorted[lo];
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** ln of the Binomial(n, p) probability of k successes. */
function logBinomPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (p === 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p);
}

/** P(B <= k) for B ~ Binomial(n, p), for every k in 0..n. */
export function binomialCdf(n: number, p: number): number[] {
  const out: number[] = [];
  let s = 0;
  for (let k = 0; k <= n; k++) {
    s += Math.exp(logBinomPmf(k, n, p));
    out.push(Math.min(1, s));
  }
  out[n] = 1;
  return out;
}

/**
 * The q-quantile with its distribution-free interval [x(l), x(u)] (1-based order
 * statistics): l - 1 is the largest k with P(B <= k) <= a/2 and u - 1 the smallest k with
 * P(B <= k) >= 1 - a/2, B ~ Binomial(n, q), so P(x(l) <= true quantile <= x(u)) >= level.
 * A missing end (l = 0 or u = n + 1: too few seeds) is -inf or inf.
 */
export function quantileInterval(xs: readonly number[], q: number, level = LEVEL): Interval {
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  const estimate = quantileSorted(sorted, q);
  if (n === 0) return { estimate, low: -Infinity, high: Infinity, n };
  const alpha = 1 - level;
  const cdf = binomialCdf(n, q);
  let l = 0; // as "k + 1" with k = -1 when even P(B <= 0) > a/2
  for (let k = 0; k < n; k++) if (cdf[k] <= alpha / 2) l = k + 1;
  let u = n + 1;
  for (let k = n - 1; k >= 0; k--) if (cdf[k] >= 1 - alpha / 2) u = k + 1;
  return { estimate, low: l >= 1 ? sorted[l - 1] : -Infinity, high: u <= n ? sorted[u - 1] : Infinity, n };
}

/**
 * Fewest seeds for which quantileInterval(q) has both ends: the lower end needs
 * P(B = 0) = (1 - q)^n <= a/2, the upper one P(B = n) = q^n <= a/2.
 */
export function seedsForQuantileInterval(q: number, level = LEVEL): number {
  const half = (1 - level) / 2;
  const need = (p: number) => (p <= 0 ? 1 : p >= 1 ? Infinity : Math.ceil(Math.log(half) / Math.log(p) - 1e-9));
  return Math.max(need(1 - q), need(q), 1);
}
