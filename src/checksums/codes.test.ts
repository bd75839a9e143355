import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHIPKILL_X4 } from "./chipkill.js";
import {
  ALL_CODES,
  MAX_FLIP_LANES,
  OUTCOME_CLEAN,
  OUTCOME_CORRECTED,
  OUTCOME_DETECTED,
  OUTCOME_SILENT,
  classifyBits,
  classifyBurst,
  classifyDevice,
  classifyWord,
  cleanWord,
  codeFor,
  flipsFromPositions,
} from "./codes.js";
import { classifySecdedCode } from "./secded.js";

const clean = (seed: number, address: number) => cleanWord(seed, address, new Uint32Array(4));

describe("codeFor", () => {
  it("maps each ECC mode to a code of the documented width", () => {
    const widths = (["none", "parity", "secded", "chipkill"] as const).map((m) => [codeFor(m).wordDataBits, codeFor(m).wordTotalBits]);
    expect(widths).toEqual([
      [64, 64],
      [64, 65],
      [64, 72],
      [128, 144],
    ]);
    expect(codeFor("chipkill", "x8").name).toBe("chipkill-x8");
    expect(codeFor("chipkill").devices).toBe(36);
  });
});

describe("cleanWord", () => {
  it("is a pure function of (seed, address)", () => {
    expect(Array.from(clean(7, 12345))).toEqual(Array.from(clean(7, 12345)));
    expect(Array.from(clean(7, 12345))).not.toEqual(Array.from(clean(8, 12345)));
    expect(Array.from(clean(7, 12345))).not.toEqual(Array.from(clean(7, 12346)));
  });

  it("distinguishes addresses above 2^32 from their low 32 bits", () => {
    expect(Array.from(clean(1, 2 ** 36 + 5))).not.toEqual(Array.from(clean(1, 5)));
  });

  it("looks like random data: about half the bits set over many words", () => {
    const w = new Uint32Array(4);
    let ones = 0;
    for (let a = 0; a < 4096; a++) {
      cleanWord(3, a, w);
      for (const x of w) for (let b = 0; b < 32; b++) ones += (x >>> b) & 1;
    }
    const fraction = ones / (4096 * 128);
    expect(fraction).toBeGreaterThan(0.49);
    expect(fraction).toBeLessThan(0.51);
  });
});

describe("classifyBits", () => {
  it("scores every single-bit flip the way each code promises", () => {
    const expected = [OUTCOME_SILENT, OUTCOME_DETECTED, OUTCOME_CORRECTED, OUTCOME_CORRECTED, OUTCOME_CORRECTED];
    ALL_CODES.forEach((code, i) => {
      const w = clean(11, 99);
      for (let p = 0; p < code.wordTotalBits; p++) expect(classifyBits(code, w, [p])).toBe(expected[i]);
    });
  });

  it("scores no flip, and a flip repeated twice, as clean", () => {
    for (const code of ALL_CODES) {
      expect(classifyBits(code, clean(1, 2), [])).toBe(OUTCOME_CLEAN);
      expect(classifyBits(code, clean(1, 2), [5, 5])).toBe(OUTCOME_CLEAN);
    }
  });

  it("agrees with the SECDED classifier it wraps", () => {
    const code = codeFor("secded");
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 71 }), { minLength: 1, maxLength: 5 }), (pos) => {
        const w = clean(5, pos.length);
        const f = flipsFromPositions(pos, pos.length, new Uint32Array(MAX_FLIP_LANES));
        return classifyBits(code, w, pos) === classifySecdedCode(w[0], w[1], f[0], f[1], f[2]);
      }),
    );
  });

  it("rejects positions outside the codeword", () => {
    expect(() => classifyBits(codeFor("secded"), clean(1, 1), [72])).toThrow(RangeError);
  });

  it("parity misses an even number of flips and catches an odd one", () => {
    const w = clean(2, 3);
    expect(classifyWord(codeFor("parity"), w, flipsFromPositions([3, 64], 2, new Uint32Array(5)))).toBe("silent");
    expect(classifyWord(codeFor("parity"), w, flipsFromPositions([3, 40, 64], 3, new Uint32Array(5)))).toBe("detected");
  });
});

describe("classifyBurst", () => {
  it("equals flipping the same adjacent bits one by one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ALL_CODES.length - 1 }), fc.integer({ min: 1, max: 8 }), fc.nat(), fc.nat(), (ci, len, startSeed, address) => {
        const code = ALL_CODES[ci];
        const start = startSeed % (code.wordTotalBits - len + 1);
        const pos = Array.from({ length: len }, (_, i) => start + i);
        const w = clean(9, address);
        return classifyBurst(code, w, start, len) === classifyBits(code, w, pos);
      }),
    );
  });
});

describe("classifyDevice", () => {
  it("chipkill x4 corrects every device x every error value", () => {
    const code = codeFor("chipkill");
    const w = clean(4, 4);
    for (let d = 0; d < code.devices; d++) {
      for (let e = 1; e < 16; e++) expect(classifyDevice(code, w, d, e)).toBe(OUTCOME_CORRECTED);
    }
    expect(code.devices).toBe(CHIPKILL_X4.totalSymbols);
  });

  it("SECDED corrects only the single-bit device errors of an x4 chip", () => {
    const code = codeFor("secded");
    const w = clean(4, 5);
    for (let d = 0; d < 18; d++) {
      for (let e = 1; e < 16; e++) {
        const singleBit = (e & (e - 1)) === 0;
        const outcome = classifyDevice(code, w, d, e);
        if (singleBit) expect(outcome).toBe(OUTCOME_CORRECTED);
        else expect(outcome).not.toBe(OUTCOME_CORRECTED);
      }
    }
  });
});
