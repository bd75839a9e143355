// One named random stream: uniforms from a seedrandom generator, served from a buffer,
// plus the distributions the models draw from.
//
// HOT PATH. Injectors and workloads draw millions of numbers per run, so uniforms are
// made 1024 at a time into a Float64Array by a tight, monomorphic loop and `next()` only
// reads the buffer (bench/engine.ts measures the gain). Each uniform has 53 random bits
// (two 32-bit draws), so `bernoulli(1e-12)` and far exponential tails are honest.
// Poisson and binomial counts are exact in distribution at every size (inversion when
// the mean is small, Hörmann's transformed rejection PTRS / BTRS when it is large),
// since fault injectors draw counts per domain and window with means up to 1e9. Gamma
// variates (for Poisson-gamma mixtures) use Marsaglia and Tsang's method ("A simple method
// for generating gamma variables", ACM TOMS 26, 2000), with the boost U^(1/a) below a = 1.
import { binomialBtrs, binomialInversion, poissonInversion, poissonPtrs } from "./discrete.js";

/** A source of 32-bit uniforms in [0, 1), as seedrandom's generators are when called. */
export type UniformSource = () => number;

export const RNG_BUFFER_SIZE = 1024;

const TWO_POW_MINUS_53 = 1.1102230246251565e-16;

export class Rng {
  private readonly buf = new Float64Array(RNG_BUFFER_SIZE);
  private pos = RNG_BUFFER_SIZE;
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(
    /** The stream's name, e.g. "faults.cosmic". */
    readonly name: string,
    private readonly source: UniformSource,
  ) {}

  /** A uniform number in [0, 1) with 53 random bits. */
  next(): number {
    if (this.pos === RNG_BUFFER_SIZE) this.refill();
    return this.buf[this.pos++];
  }

  /** A uniform integer in [0, n), n a positive integer up to 2^53. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new RangeError(`${this.name}: pick from an empty list`);
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean (not rate). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Normal (Gaussian), Marsaglia's polar method; the second variate is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return mean + sd * this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpareNormal = true;
    return mean + sd * u * f;
  }

  /** Log-normal: exp of a normal with mean mu and standard deviation sigma. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** A Poisson count with mean lambda >= 0, exact in distribution for any lambda. */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || lambda === Infinity) {
      throw new RangeError(`${this.name}: poisson mean must be finite and >= 0, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    return lambda < 10 ? poissonInversion(this, lambda) : poissonPtrs(this, lambda);
  }

  /** A gamma variate of the given shape (> 0) and scale (> 0): mean shape x scale. */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0 && shape < Infinity) || !(scale > 0 && scale < Infinity)) {
      throw new RangeError(`${this.name}: gamma needs a finite shape and scale > 0, got shape=${shape} scale=${scale}`);
    }
    const boost = shape < 1 ? this.next() ** (1 / shape) : 1;
    const d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * boost * scale;
    }
  }

  /** A binomial count of successes in n trials of probability p, exact in distribution. */
  binomial(n: number, p: number): number {
    if (!(n >= 0) || !Number.isInteger(n) || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${this.name}: binomial needs an integer n >= 0 and p in [0, 1], got n=${n} p=${p}`);
    }
    if (n === 0 || p === 0) return 0;
    if (p === 1) return n;
    // Work with the smaller tail probability and mirror the result.
    const flip = p > 0.5;
    const q = flip ? 1 - p : p;
    const k = n * q < 10 ? binomialInversion(this, n, q) : binomialBtrs(this, n, q);
    return flip ? n - k : k;
  }

  private refill(): void {
    const buf = this.buf;
    const src = this.source;
    for (let i = 0; i < RNG_BUFFER_SIZE; i++) {
      // 32 high bits from one draw, 21 low bits from the next: 53 bits, in [0, 1).
      buf[i] = src() + ((src() * 0x200000) | 0) * TWO_POW_MINUS_53;
    }
    this.pos = 0;
  }
}
