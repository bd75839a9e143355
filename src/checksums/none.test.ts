import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyNone } from "./none.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe("none", () => {
  it("lets every data-changing flip through silently", () => {
    fc.assert(
      fc.property(u32, u32, u32, u32, (lo, hi, fl, fh) => {
        const outcome = classifyNone(lo, hi, fl, fh);
        return fl === 0 && fh === 0 ? outcome === "clean" : outcome === "silent";
      }),
    );
    expect(classifyNone(1, 2, 0x80000000, 0)).toBe("silent");
  });
});
