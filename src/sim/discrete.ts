// Exact samplers for Poisson and binomial counts, from a source of uniforms.
//
// Small means use inversion (one uniform, a short sequential search). Large means use
// Hörmann's transformed rejection with squeeze, which is exact (a rejection method, not
// an approximation) and takes about 1.2 pairs of uniforms whatever the mean:
//   PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
//         variables", Insurance: Mathematics and Economics 12 (1993). Used by NumPy.
//   BTRS: W. Hörmann, "The generation of binomial random variates", Journal of
//         Statistical Computation and Simulation 46 (1993). Used by TensorFlow and JAX.
// Both need log k! for k up to ~1e9: a table below 256, Stirling's series above
// (truncation error < 1e-19 there). The acceptance tests subtract log-factorials of
// size ~k log k, so absolute rounding is ~1e-5 at 1e9 (harmless) and grows with the
// count; means beyond ~1e12 would want a more careful form.

export interface Uniforms {
  next(): number;
}

const LOG_FACT_TABLE_SIZE = 256;
const LOG_FACT_TABLE = (() => {
  const t = new Float64Array(LOG_FACT_TABLE_SIZE);
  for (let k = 1; k < LOG_FACT_TABLE_SIZE; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(k!) for an integer k >= 0. */
export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE_SIZE) return LOG_FACT_TABLE[k];
  const x = k + 1; // log k! = lgamma(k + 1)
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x;
}

/** Poisson by inversion; for lambda below ~30 (exp(-lambda) must not underflow). */
export function poissonInversion(u: Uniforms, lambda: number): number {
  const p0 = Math.exp(-lambda);
  for (;;) {
    let x = u.next();
    let k = 0;
    let p = p0;
    while (x > p) {
      x -= p;
      k++;
      p *= lambda / k;
      // Rounding can leave a sliver of x beyond the summed mass; draw again then.
      if (k > 200) break;
    }
    if (k <= 200) return k;
  }
}

/** Poisson by PTRS; for lambda >= 10. */
export function poissonPtrs(u: Uniforms, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = u.next() - 0.5;
    const V = u.next();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    const lhs = Math.log(V) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
    if (lhs <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

/** Binomial by inversion; for p <= 0.5 and n*p below ~10. */
export function binomialInversion(u: Uniforms, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  const r0 = Math.exp(n * Math.log1p(-p)); // q^n without losing digits for tiny p
  const bound = Math.min(n, Math.floor(n * p + 10 * Math.sqrt(n * p * q + 1)));
  for (;;) {
    let x = u.next();
    let k = 0;
    let r = r0;
    while (x > r) {
      x -= r;
      k++;
      if (k > bound) break;
      r *= a / k - s;
    }
    if (k <= bound) return k;
  }
}

/** Binomial by BTRS; for p <= 0.5 and n*p >= 10. */
export function binomialBtrs(u: Uniforms, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const U = u.next() - 0.5;
    let V = u.next();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && V <= vr) return k;
    V = Math.log((V * alpha) / (a / (us * us) + b));
    // log of f(k)/f(m), f the binomial pmf: exact log factorials (with their own
    // Stirling tails above the table) rather than a difference of approximations.
    if (V <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}
