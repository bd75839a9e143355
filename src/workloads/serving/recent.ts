// A client's view of recent leaf latency, for hedging at a percentile (`hedge: p95`): the
// last RECENT_SAMPLES leaf latencies in a ring, and the percentile recomputed every
// RECENT_REFRESH new samples by quickselect (O(ring) per refresh, so a few operations per
// sample). A refresh first keeps only the samples at or above a bar a little under the last
// value (one pass, no copy of the ring) and selects among those few; when fewer than the
// needed number clear the bar it selects over a copy of the whole ring. Either way the
// result is the exact k-th smallest. Until MIN_SAMPLES have been seen it has no estimate (Infinity:
// no hedging yet); a window's warm-up fills it.
//
// Hot path (one add per leaf answer): typed arrays, no allocation after construction.

export const RECENT_SAMPLES = 1024;
export const RECENT_REFRESH = 256;
export const MIN_SAMPLES = 128;
/** The next refresh's bar, as a fraction of the last value (low enough that the new value is almost always above it). */
const BAR_FRACTION = 0.8;

export class RecentLatency {
  private readonly ring = new Float64Array(RECENT_SAMPLES);
  private readonly work = new Float64Array(RECENT_SAMPLES);
  private count = 0;
  private sinceRefresh = 0;
  private current = Infinity;
  /** Bar for the next refresh's first pass (0: none, select over the whole ring). */
  private bar = 0;

  constructor(
    /** The percentile to track, 0 < p < 100. */
    readonly percentile: number,
  ) {
    if (!(percentile > 0 && percentile < 100)) throw new RangeError(`percentile must be in (0, 100), got ${percentile}`);
  }

  reset(): void {
    this.count = 0;
    this.sinceRefresh = 0;
    this.current = Infinity;
    this.bar = 0;
  }

  add(latencySec: number): void {
    this.ring[this.count % RECENT_SAMPLES] = latencySec;
    this.count++;
    if (++this.sinceRefresh >= RECENT_REFRESH && this.count >= MIN_SAMPLES) this.refresh();
  }

  /** The tracked percentile of the recent samples (Infinity before MIN_SAMPLES). */
  get value(): number {
    return this.current;
  }

  private refresh(): void {
    this.sinceRefresh = 0;
    const n = Math.min(this.count, RECENT_SAMPLES);
    const w = this.work;
    const ring = this.ring;
    // Nearest-rank percentile: the k-th smallest, k = ceil(p/100 n) - 1.
    const k = Math.min(n - 1, Math.max(0, Math.ceil((this.percentile / 100) * n) - 1));
    // The k-th smallest of all is the (k - below)-th smallest of those at or above a bar,
    // when `below` (the number under the bar) is at most k.
    const bar = this.bar;
    let m = 0;
    if (bar > 0) {
      for (let i = 0; i < n; i++) {
        const x = ring[i];
        w[m] = x;
        m += x >= bar ? 1 : 0;
      }
    }
    const below = n - m;
    if (bar > 0 && below <= k) {
      this.current = quickselect(w, m, k - below);
    } else {
      w.set(n === RECENT_SAMPLES ? ring : ring.subarray(0, n));
      this.current = quickselect(w, n, k);
    }
    this.bar = this.current * BAR_FRACTION;
  }
}

/** The k-th smallest of a[0..n-1] (reorders a). Hoare partition, middle pivot. */
export function quickselect(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
