import { describe, expect, it } from "vitest";
import { Sim } from "../sim/sim.js";
import { AliasTable, DEVICES_PER_DIMM, adjacentBits, decodeWord, deviceBits, dimmGeometry, dimmOfWord, fitToPerSec, wordAddress } from "./memory.js";

const GiB = 2 ** 30;

describe("DIMM geometry", () => {
  it("lays a 32 GiB dual-rank DIMM out as 2 ranks x 16 banks x 131,072 rows x 1,024 columns", () => {
    const g = dimmGeometry(32 * GiB);
    expect(g).toEqual({ words: 2 ** 32, ranks: 2, banks: 16, rows: 131072, cols: 1024 });
    expect(DEVICES_PER_DIMM).toBe(36);
  });

  it("shrinks to fit tiny DIMMs and never covers more words than the DIMM has", () => {
    for (const bytes of [8, 64, 4096, 100_000, 2 ** 20]) {
      const g = dimmGeometry(bytes);
      expect(g.rows).toBeGreaterThanOrEqual(1);
      expect(g.ranks * g.banks * g.rows * g.cols).toBeLessThanOrEqual(g.words);
    }
  });

  it("decodes a word address back to its parts", () => {
    const g = dimmGeometry(32 * GiB);
    const w = wordAddress(g, 5, 1, 11, 70_000, 999);
    expect(decodeWord(g, w)).toEqual({ dimm: 5, rank: 1, bank: 11, row: 70_000, col: 999 });
    expect(dimmOfWord(g, w)).toBe(5);
    expect(wordAddress(g, 0, 1, 15, 131071, 1023)).toBe(2 ** 32 - 1);
  });

  it("names device and adjacent bit positions in the 72-bit codeword", () => {
    expect(deviceBits(0)).toEqual([0, 1, 2, 3]);
    expect(deviceBits(17)).toEqual([68, 69, 70, 71]);
    expect(adjacentBits(70, 2)).toEqual([70, 71]);
    expect(fitToPerSec(1e9 * 3600)).toBe(1);
  });
});

describe("alias table", () => {
  it("draws each index in proportion to its weight, and zero weights never", () => {
    const weights = [5, 0, 1, 3, 0.5, 0, 10];
    const t = new AliasTable(weights);
    const rng = new Sim({ seed: 3 }).streams.get("t");
    const n = 200_000;
    const counts = new Array(weights.length).fill(0);
    for (let i = 0; i < n; i++) counts[t.sample(rng)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      const exp = (n * w) / total;
      if (w === 0) expect(counts[i]).toBe(0);
      else expect(Math.abs(counts[i] - exp)).toBeLessThan(4 * Math.sqrt(exp));
    });
    // The same check rejects a table that doubled the weight of index 2.
    const wrong = (2 * n * weights[2]) / total;
    expect(Math.abs(counts[2] - wrong)).toBeGreaterThan(4 * Math.sqrt(wrong));
  });

  it("handles a single positive weight among zeros and many equal weights", () => {
    const rng = new Sim({ seed: 4 }).streams.get("t");
    const one = new AliasTable([0, 0, 7, 0]);
    for (let i = 0; i < 1000; i++) expect(one.sample(rng)).toBe(2);
    const flat = new AliasTable(new Float64Array(1000).fill(1e-9));
    expect(flat.total).toBeCloseTo(1e-6, 15);
    for (let i = 0; i < 1000; i++) expect(flat.sample(rng)).toBeLessThan(1000);
  });

  it("rejects negative or infinite weights", () => {
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([Infinity])).toThrow(RangeError);
  });
});
