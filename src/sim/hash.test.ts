import { describe, expect, it } from "vitest";
import { KeyedHash, mix32 } from "./hash.js";
import { Streams } from "./streams.js";

describe("keyed hash", () => {
  it("is a pure function of (seed, name, keys), and the same object per name from the streams", () => {
    const a = new KeyedHash(42, "storage.noReboot");
    expect(a.u32(7, 3600.5)).toBe(new KeyedHash(42, "storage.noReboot").u32(7, 3600.5));
    expect(a.u32(7, 3600.5)).not.toBe(new KeyedHash(43, "storage.noReboot").u32(7, 3600.5));
    expect(a.u32(7, 3600.5)).not.toBe(new KeyedHash(42, "memory.content").u32(7, 3600.5));
    expect(a.u32(7, 3600.5)).not.toBe(a.u32(7, 3600.25));
    const s = new Streams(42);
    expect(s.hash("x")).toBe(s.hash("x"));
    expect(s.hash("x").u32(1)).toBe(new KeyedHash(42, "x").u32(1));
  });

  it("uses all 53 bits of a seed", () => {
    expect(new KeyedHash(2 ** 40 + 1, "n").u32(1)).not.toBe(new KeyedHash(1, "n").u32(1));
  });

  it("gives uniforms: deciles within 4 sigma, and no correlation between neighbouring keys", () => {
    const h = new KeyedHash(7, "test.uniform");
    const n = 100_000;
    const bins = new Array(10).fill(0);
    let sxy = 0;
    let prev = h.uniform(0);
    for (let i = 1; i <= n; i++) {
      const u = h.uniform(i);
      bins[Math.floor(u * 10)]++;
      sxy += (u - 0.5) * (prev - 0.5);
      prev = u;
    }
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(4 * Math.sqrt((n / 10) * 0.9));
    // Correlation of successive values: sd of the estimate is 1/sqrt(n) (var of u is 1/12).
    expect(Math.abs((sxy / n) * 12)).toBeLessThan(4 / Math.sqrt(n));
  });

  it("mix32 is a bijection on a sample (no two inputs of 2^16 collide)", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 65536; i++) seen.add(mix32(i * 2654435761));
    expect(seen.size).toBe(65536);
  });
});
