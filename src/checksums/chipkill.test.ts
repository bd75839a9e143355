import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHIPKILL_X4, CHIPKILL_X8, type SymbolCode, newChipkillResult } from "./chipkill.js";
import { GF16, GF256 } from "./gf.js";
import { OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT, STATUS_CORRECTED, STATUS_OK } from "./outcome.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const word = fc.tuple(u32, u32, u32, u32);

/** Reference GF(2^m) multiply: carry-less product reduced by the polynomial, bit by bit. */
function refMul(a: number, b: number, m: number, poly: number): number {
  let p = 0;
  for (let i = 0; i < m; i++) if (b & (1 << i)) p ^= a << i;
  for (let i = 2 * m - 2; i >= m; i--) if (p & (1 << i)) p ^= poly << (i - m);
  return p;
}
const refMulFor = (code: SymbolCode) =>
  code.symbolBits === 4 ? (a: number, b: number) => refMul(a, b, 4, 0x13) : (a: number, b: number) => refMul(a, b, 8, 0x11d);

/** Symbol j of a 144-bit codeword given as 4 data lanes + 16 check bits. */
function symbolAt(code: SymbolCode, lanes: number[], check: number, j: number): number {
  const m = code.symbolBits;
  const mask = (1 << m) - 1;
  if (j < code.dataSymbols) return (lanes[(j * m) >>> 5] >>> ((j * m) & 31)) & mask;
  return (check >>> ((j - code.dataSymbols) * m)) & mask;
}

/** Reference syndrome: sum over symbols of symbol x column, with the reference multiply. */
function refSyndrome(code: SymbolCode, lanes: number[], check: number): number {
  const m = code.symbolBits;
  const mask = (1 << m) - 1;
  const mul = refMulFor(code);
  let s = 0;
  for (let j = 0; j < code.totalSymbols; j++) {
    const v = symbolAt(code, lanes, check, j);
    for (let k = 0; k < code.checkSymbols; k++) s ^= mul(v, (code.columns[j] >>> (k * m)) & mask) << (k * m);
  }
  return s;
}

/** Flip masks (4 data lanes + check) putting error value e on symbol j. */
function symbolFlip(code: SymbolCode, j: number, e: number): [number, number, number, number, number] {
  const f: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  const m = code.symbolBits;
  if (j < code.dataSymbols) f[(j * m) >>> 5] = (e << ((j * m) & 31)) >>> 0;
  else f[4] = e << ((j - code.dataSymbols) * m);
  return f;
}

describe("GF tables", () => {
  it("multiply like the carry-less reference", () => {
    for (let a = 0; a < 16; a++) for (let b = 0; b < 16; b++) expect(GF16.mul(a, b)).toBe(refMul(a, b, 4, 0x13));
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b) => GF256.mul(a, b) === refMul(a, b, 8, 0x11d)));
  });
});

for (const code of [CHIPKILL_X4, CHIPKILL_X8]) {
  describe(code.name, () => {
    it("has the advertised shape", () => {
      expect(code.dataSymbols * code.symbolBits).toBe(128);
      expect(code.totalSymbols * code.symbolBits).toBe(144);
      expect(code.totalSymbols).toBe(code.symbolBits === 4 ? 36 : 18);
    });

    it("produces codewords: the reference syndrome of (x, encode(x)) is zero", () => {
      fc.assert(fc.property(word, ([a, b, c, d]) => refSyndrome(code, [a, b, c, d], code.encode(a, b, c, d)) === 0));
    });

    it("decode(encode(x)) = x with status ok", () => {
      const out = newChipkillResult();
      fc.assert(
        fc.property(word, ([a, b, c, d]) => {
          const check = code.encode(a, b, c, d);
          return code.decode(a, b, c, d, check, out) === STATUS_OK && out.d0 === a && out.d1 === b && out.d2 === c && out.d3 === d && out.check === check;
        }),
      );
    });

    it("corrects every single-symbol error (every device x every non-zero value)", () => {
      const out = newChipkillResult();
      fc.assert(
        fc.property(word, ([a, b, c, d]) => {
          const check = code.encode(a, b, c, d);
          let corrected = 0;
          for (let j = 0; j < code.totalSymbols; j++) {
            for (let e = 1; e < 1 << code.symbolBits; e++) {
              const f = symbolFlip(code, j, e);
              const status = code.decode(a ^ f[0], b ^ f[1], c ^ f[2], d ^ f[3], check ^ f[4], out);
              const ok =
                status === STATUS_CORRECTED &&
                out.correctedSymbol === j &&
                out.correctedValue === e &&
                out.d0 === a &&
                out.d1 === b &&
                out.d2 === c &&
                out.d3 === d &&
                out.check === check;
              if (ok) corrected++;
            }
          }
          return corrected === code.totalSymbols * ((1 << code.symbolBits) - 1);
        }),
        { numRuns: code.symbolBits === 4 ? 20 : 3 },
      );
    });
  });
}

describe("chipkill x4 is SSC-DSD", () => {
  it("no three H columns are linearly dependent (reference arithmetic)", () => {
    const mul = refMulFor(CHIPKILL_X4);
    const scale = (v: number, e: number) => {
      let o = 0;
      for (let k = 0; k < 4; k++) o |= mul(e, (v >>> (4 * k)) & 15) << (4 * k);
      return o;
    };
    const cols = CHIPKILL_X4.columns;
    let dependent = 0;
    for (let i = 0; i < 36; i++) {
      for (let j = i + 1; j < 36; j++) {
        const span = new Set<number>();
        for (let a = 0; a < 16; a++) for (let b = 0; b < 16; b++) span.add(scale(cols[i], a) ^ scale(cols[j], b));
        for (let k = 0; k < 36; k++) if (k !== i && k !== j && span.has(cols[k])) dependent++;
      }
    }
    expect(dependent).toBe(0);
  });

  it("detects all C(36,2) x 15 x 15 = 141,750 double-symbol errors", () => {
    const code = CHIPKILL_X4;
    const [a, b, c, d] = [0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210];
    let cases = 0;
    let detected = 0;
    for (let i = 0; i < 36; i++) {
      for (let j = i + 1; j < 36; j++) {
        for (let e1 = 1; e1 < 16; e1++) {
          const fi = symbolFlip(code, i, e1);
          for (let e2 = 1; e2 < 16; e2++) {
            const fj = symbolFlip(code, j, e2);
            cases++;
            const outcome = code.classifyCode(a, b, c, d, fi[0] ^ fj[0], fi[1] ^ fj[1], fi[2] ^ fj[2], fi[3] ^ fj[3], fi[4] ^ fj[4]);
            if (outcome === OUTCOME_DETECTED) detected++;
          }
        }
      }
    }
    expect(cases).toBe(141750);
    expect(detected).toBe(141750);
  });
});

describe("chipkill x8 is SSC only", () => {
  it("miscorrects some double-device errors (distance 3): a constructed example", () => {
    // Errors e on data symbol 0 (column (1,1)) and on check symbol 1 (column (0,1)) give
    // syndrome (e, e ^ e') = e x column (1, alpha) of data symbol 1 when e' = e ^ e*alpha.
    const code = CHIPKILL_X8;
    const e = 0x35;
    const e2 = e ^ GF256.mul(e, GF256.pow(1));
    const out = newChipkillResult();
    const check = code.encode(0, 0, 0, 0);
    expect(code.decode(e, 0, 0, 0, check ^ (e2 << 8), out)).toBe(STATUS_CORRECTED);
    expect(out.correctedSymbol).toBe(1);
    expect(code.classify(0, 0, 0, 0, e, 0, 0, 0, e2 << 8)).toBe("silent");
  });

  it("flags exactly the double-device errors whose syndrome is no single-device one", () => {
    // All 255 x 255 errors on data symbols 0 and 1, scored by the decoder, against a
    // prediction from the reference arithmetic: syndrome (s0, s1) = e1 (1, 1) + e2 (1, alpha)
    // looks like a single-device error iff s0 = 0, s1 = 0 or s1 = s0 alpha^j for j < 16.
    const code = CHIPKILL_X8;
    const mul = refMulFor(code);
    const alphaPow: number[] = [1];
    for (let j = 1; j < 16; j++) alphaPow.push(mul(alphaPow[j - 1], 2));
    const counts = [0, 0, 0, 0];
    let predictedSilent = 0;
    for (let e1 = 1; e1 < 256; e1++) {
      for (let e2 = 1; e2 < 256; e2++) {
        counts[code.classifyCode(0xaaaa5555, 1, 2, 3, e1 | (e2 << 8), 0, 0, 0, 0)]++;
        const s0 = e1 ^ e2;
        const s1 = e1 ^ mul(e2, 2);
        if (s0 === 0 || s1 === 0 || alphaPow.some((a) => mul(s0, a) === s1)) predictedSilent++;
      }
    }
    expect(counts[OUTCOME_CORRECTED]).toBe(0);
    expect(counts[OUTCOME_DETECTED] + counts[OUTCOME_SILENT]).toBe(255 * 255);
    expect(counts[OUTCOME_SILENT]).toBe(predictedSilent);
    expect(counts[OUTCOME_SILENT]).toBeGreaterThan(0);
    expect(counts[OUTCOME_DETECTED]).toBeGreaterThan(counts[OUTCOME_SILENT]);
  });
});
