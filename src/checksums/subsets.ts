// Enumerating and sampling sets of bit positions, for the exhaustive and sampled error
// patterns of table.ts and the tests. Deterministic: sampling uses a counter hash, never
// Math.random.
import { mix32 } from "../sim/hash.js";

/** C(n, k) as a float (exact below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/**
 * Calls visit(positions) for every k-subset of 0..n-1, in lexicographic order, reusing one
 * Int32Array (copy it to keep it). Returns the number of subsets visited.
 */
export function forEachSubset(n: number, k: number, visit: (positions: Int32Array) => void): number {
  if (k < 0 || k > n) return 0;
  const idx = new Int32Array(k);
  for (let i = 0; i < k; i++) idx[i] = i;
  let count = 0;
  for (;;) {
    visit(idx);
    count++;
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return count;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** A counter-based deterministic stream of uint32s: next() = mix32 of (seed, counter). */
export class HashStream {
  private counter = 0;
  private readonly key: number;
  constructor(seed: number) {
    this.key = mix32((seed ^ 0x5bd1e995) >>> 0);
  }
  next(): number {
    return mix32((this.key + Math.imul(++this.counter, 0x9e3779b9)) >>> 0);
  }
  /** Uniform integer in 0 .. n-1 (n <= 2^32; bias below 2^-20 for n <= 4096). */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
}

/** Fills out[0..k) with k distinct positions in 0..n-1 drawn from `stream` (k << n). */
export function sampleDistinct(stream: HashStream, n: number, k: number, out: Int32Array): Int32Array {
  for (let i = 0; i < k; i++) {
    let p: number;
    let fresh: boolean;
    do {
      p = stream.below(n);
      fresh = true;
      for (let j = 0; j < i; j++) if (out[j] === p) fresh = false;
    } while (!fresh);
    out[i] = p;
  }
  return out;
}
