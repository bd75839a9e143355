import { describe, expect, it } from "vitest";
import { CachedProbe, ddmin, grow, split } from "./ddmin.js";

/** A probe from a predicate over sets, counting the sets it was asked about. */
function probeOf(fails: (s: Set<number>) => boolean, width = 2, budget = 10_000) {
  const asked: number[][] = [];
  const p = new CachedProbe(
    async (cands) => {
      asked.push(...cands.map((c) => [...c]));
      return cands.map((c) => fails(new Set(c)));
    },
    width,
    budget,
  );
  return { p, asked };
}

/** Removing any one item makes the set pass. */
function oneMinimal(kept: number[], fails: (s: Set<number>) => boolean): boolean {
  return kept.every((x) => !fails(new Set(kept.filter((y) => y !== x))));
}

describe("ddmin", () => {
  it("splits into near-equal contiguous parts covering the set", () => {
    expect(split([0, 1, 2, 3, 4, 5, 6], 3)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5, 6],
    ]);
    expect(split([4, 9], 2)).toEqual([[4], [9]]);
  });

  it("finds one culprit among 1,000 in about 2 log2(n) probes", async () => {
    const fails = (s: Set<number>) => s.has(617);
    const { p } = probeOf(fails);
    const r = await ddmin(1000, p);
    expect(r.kept).toEqual([617]);
    expect(r.exhausted).toBe(false);
    expect(r.probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 2);
  });

  it("finds two items that fail only together", async () => {
    const fails = (s: Set<number>) => s.has(17) && s.has(863);
    const { p } = probeOf(fails);
    const r = await ddmin(1000, p);
    expect(r.kept).toEqual([17, 863]);
    expect(oneMinimal(r.kept, fails)).toBe(true);
  });

  it("returns a 1-minimal set for a threshold (any 4 of a group of 12)", async () => {
    const group = [3, 50, 51, 52, 120, 121, 300, 301, 302, 303, 480, 499];
    const fails = (s: Set<number>) => group.filter((g) => s.has(g)).length >= 4;
    const { p } = probeOf(fails, 3);
    const r = await ddmin(500, p);
    expect(r.kept).toHaveLength(4);
    expect(fails(new Set(r.kept))).toBe(true);
    expect(oneMinimal(r.kept, fails)).toBe(true);
  });

  it("tries the given sets first and never probes a set twice", async () => {
    const fails = (s: Set<number>) => s.has(40);
    const { p, asked } = probeOf(fails);
    const r = await ddmin(100, p, [[7], [40]]);
    expect(r.kept).toEqual([40]);
    expect(asked.slice(0, 2)).toEqual([[7], [40]]);
    const keys = asked.map((a) => a.join(","));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("stops at the budget with a failing set and says it is not shown minimal", async () => {
    const fails = (s: Set<number>) => [5, 60, 700].every((x) => s.has(x));
    const { p } = probeOf(fails, 2, 6);
    const r = await ddmin(1000, p);
    expect(r.probes).toBe(6);
    expect(r.exhausted).toBe(true);
    expect(fails(new Set(r.kept))).toBe(true);
  });
});

describe("grow (monotone failures)", () => {
  const order = (n: number) => Array.from({ length: n }, (_, i) => i);

  it("finds the one needed item among 1,000 in about log(n) probes", async () => {
    const fails = (s: Set<number>) => s.has(617);
    const { p } = probeOf(fails);
    const r = await grow(order(1000), p);
    expect(r?.kept).toEqual([617]);
    expect(r?.probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 2);
  });

  it("returns a 1-minimal set for any 7 of 57 alike items, with few probes when they come first", async () => {
    const fails = (s: Set<number>) => s.size >= 7;
    const { p } = probeOf(fails);
    const r = await grow(order(57), p);
    expect(r?.kept).toHaveLength(7);
    expect(oneMinimal(r!.kept, fails)).toBe(true);
    expect(r?.probes).toBeLessThan(30);
  });

  it("finds items that fail only together, and a threshold of a group, 1-minimal", async () => {
    const group = [3, 50, 51, 52, 120, 121, 300, 301, 302, 303, 480, 499];
    for (const fails of [(s: Set<number>) => s.has(17) && s.has(863), (s: Set<number>) => group.filter((g) => s.has(g)).length >= 4]) {
      const { p } = probeOf(fails, 3);
      const r = await grow(order(1000), p);
      expect(fails(new Set(r!.kept))).toBe(true);
      expect(oneMinimal(r!.kept, fails)).toBe(true);
    }
  });

  it("returns a set that fails when the failure is not monotone (1-minimal is then the caller's check)", async () => {
    // Item 2 hides item 5's failure, but all ten together fail.
    const fails = (s: Set<number>) => (s.has(5) && !s.has(2)) || s.size === 10;
    const { p } = probeOf(fails);
    const r = await grow(order(10), p);
    expect(fails(new Set(r!.kept))).toBe(true);
  });

  it("is undefined when the whole does not fail", async () => {
    const { p } = probeOf(() => false);
    expect(await grow(order(10), p)).toBeUndefined();
  });
});
