import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyParity, newParityResult, parity32, parityDecode, parityEncode } from "./parity.js";
import { STATUS_OK, STATUS_UNCORRECTABLE } from "./outcome.js";
import { flipBit } from "./testing.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const positions = fc.uniqueArray(fc.integer({ min: 0, max: 64 }), { minLength: 1, maxLength: 9 });

describe("parity", () => {
  it("parity32 matches counting bits", () => {
    fc.assert(
      fc.property(u32, (x) => {
        let n = 0;
        for (let b = 0; b < 32; b++) n += (x >>> b) & 1;
        return parity32(x) === n % 2;
      }),
    );
  });

  it("decode(encode(x)) = x with status ok", () => {
    const out = newParityResult();
    fc.assert(
      fc.property(u32, u32, (lo, hi) => {
        return parityDecode(lo, hi, parityEncode(lo, hi), out) === STATUS_OK && out.lo === lo && out.hi === hi;
      }),
    );
  });

  it("detects any odd number of flips and misses any even number", () => {
    fc.assert(
      fc.property(u32, u32, positions, (lo, hi, pos) => {
        const m = [0, 0, 0];
        for (const p of pos) flipBit(m, p);
        const outcome = classifyParity(lo, hi, m[0], m[1], m[2]);
        return pos.length % 2 === 1 ? outcome === "detected" : outcome === "silent";
      }),
    );
  });

  it("flags a flipped parity bit alone (no data harmed, still a machine check)", () => {
    const out = newParityResult();
    expect(parityDecode(5, 6, parityEncode(5, 6) ^ 1, out)).toBe(STATUS_UNCORRECTABLE);
    expect(classifyParity(5, 6, 0, 0, 1)).toBe("detected");
  });
});
