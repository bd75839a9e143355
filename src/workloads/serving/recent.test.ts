// The percentile refresh takes a shortcut (select among the samples above a bar under the
// last value); whatever the samples do, it must give exactly the nearest-rank percentile
// of the last RECENT_SAMPLES samples, as sorting them would.
import { describe, expect, it } from "vitest";
import { Streams } from "../../sim/streams.js";
import { MIN_SAMPLES, RECENT_REFRESH, RECENT_SAMPLES, RecentLatency } from "./recent.js";

function nearestRank(samples: number[], percentile: number): number {
  const last = samples.slice(-RECENT_SAMPLES).sort((a, b) => a - b);
  const k = Math.min(last.length - 1, Math.max(0, Math.ceil((percentile / 100) * last.length) - 1));
  return last[k];
}

describe("the recent-latency percentile is exact at every refresh", () => {
  for (const percentile of [50, 95, 99.9]) {
    it(`p${percentile}, while latencies drift up, jump down 10x, and repeat ties`, () => {
      const rng = new Streams(7).get("recent");
      const r = new RecentLatency(percentile);
      const seen: number[] = [];
      let checked = 0;
      let fell = 0;
      let last = Infinity;
      for (let i = 0; i < 40 * RECENT_REFRESH; i++) {
        const phase = Math.floor(i / (6 * RECENT_REFRESH)) % 4;
        // 0: a tail; 1: ten times slower; 2: ten times faster than phase 0; 3: few distinct values
        const base = phase === 1 ? 0.1 : phase === 2 ? 0.001 : 0.01;
        const x = phase === 3 ? 0.005 * (1 + Math.floor(rng.next() * 3)) : base * Math.exp(rng.normal());
        r.add(x);
        seen.push(x);
        if (seen.length >= MIN_SAMPLES && seen.length % RECENT_REFRESH === 0) {
          expect(r.value).toBe(nearestRank(seen, percentile));
          if (r.value < last) fell++;
          last = r.value;
          checked++;
        }
      }
      expect(checked).toBe(40);
      expect(fell).toBeGreaterThan(2); // falls as well as rises: the bar is sometimes too high (whole-ring path)
    });
  }

  it("starts again from nothing after reset", () => {
    const r = new RecentLatency(95);
    for (let i = 0; i < 2 * RECENT_SAMPLES; i++) r.add(1 + (i % 100));
    r.reset();
    const xs: number[] = [];
    for (let i = 0; i < RECENT_REFRESH; i++) xs.push(0.5 + (i % 7) / 100);
    xs.forEach((x) => r.add(x));
    expect(r.value).toBe(nearestRank(xs, 95));
  });
});
