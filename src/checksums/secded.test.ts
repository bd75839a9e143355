import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT } from "./outcome.js";
import {
  H_COLUMNS,
  SECDED_TOTAL_BITS,
  STATUS_CORRECTED,
  STATUS_OK,
  STATUS_UNCORRECTABLE,
  classifySecded,
  classifySecdedCode,
  newSecdedResult,
  secdedDecode,
  secdedEncode,
} from "./secded.js";
import { flipBit, forEachSubset } from "./testing.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const popcount = (x: number) => {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
};

/** Reference encoder: H times the data as a 64-bit BigInt, one row at a time. */
function referenceEncode(lo: number, hi: number): number {
  const data = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  let check = 0;
  for (let row = 0; row < 8; row++) {
    let parity = 0;
    for (let i = 0; i < 64; i++) if ((H_COLUMNS[i] >> row) & 1 && (data >> BigInt(i)) & 1n) parity ^= 1;
    check |= parity << row;
  }
  return check;
}

function masksOf(positions: ArrayLike<number>): [number, number, number] {
  const m = [0, 0, 0];
  for (let i = 0; i < positions.length; i++) flipBit(m, positions[i]);
  return [m[0], m[1], m[2]];
}

describe("Hsiao H matrix", () => {
  it("has 72 distinct odd-weight columns, weight-1 on the check bits", () => {
    expect(new Set(H_COLUMNS).size).toBe(72);
    for (let i = 0; i < 72; i++) expect(popcount(H_COLUMNS[i]) % 2).toBe(1);
    for (let k = 0; k < 8; k++) expect(H_COLUMNS[64 + k]).toBe(1 << k);
  });

  it("has 26 data ones in every row (Hsiao's balanced rows)", () => {
    for (let row = 0; row < 8; row++) {
      let ones = 0;
      for (let i = 0; i < 64; i++) ones += (H_COLUMNS[i] >> row) & 1;
      expect(ones).toBe(26);
    }
  });
});

describe("secdedEncode / secdedDecode", () => {
  it("matches a BigInt reference encoder", () => {
    fc.assert(fc.property(u32, u32, (lo, hi) => secdedEncode(lo, hi) === referenceEncode(lo, hi)));
  });

  it("decode(encode(x)) = x with status ok", () => {
    const out = newSecdedResult();
    fc.assert(
      fc.property(u32, u32, (lo, hi) => {
        const status = secdedDecode(lo, hi, secdedEncode(lo, hi), out);
        return status === STATUS_OK && out.lo === lo && out.hi === hi && out.correctedBit === -1;
      }),
    );
  });

  it("corrects all 72 single-bit errors, in data and check bits", () => {
    const out = newSecdedResult();
    fc.assert(
      fc.property(u32, u32, (lo, hi) => {
        const check = secdedEncode(lo, hi);
        for (let p = 0; p < SECDED_TOTAL_BITS; p++) {
          const [fl, fh, fcheck] = masksOf([p]);
          const status = secdedDecode(lo ^ fl, hi ^ fh, check ^ fcheck, out);
          if (status !== STATUS_CORRECTED || out.correctedBit !== p) return false;
          if (out.lo !== lo || out.hi !== hi || out.check !== check) return false;
        }
        return true;
      }),
      { numRuns: 50 },
    );
  });

  it("detects all 2,556 double-bit errors", () => {
    const out = newSecdedResult();
    fc.assert(
      fc.property(u32, u32, (lo, hi) => {
        const check = secdedEncode(lo, hi);
        let detected = 0;
        const n = forEachSubset(SECDED_TOTAL_BITS, 2, (pos) => {
          const [fl, fh, fcheck] = masksOf(pos);
          if (secdedDecode(lo ^ fl, hi ^ fh, check ^ fcheck, out) === STATUS_UNCORRECTABLE) detected++;
        });
        return n === 2556 && detected === 2556;
      }),
      { numRuns: 10 },
    );
  });
});

describe("classifySecded", () => {
  it("scores no flip as clean, one flip as corrected, two as detected", () => {
    expect(classifySecded(0xdeadbeef, 0x01234567, 0, 0, 0)).toBe("clean");
    expect(classifySecded(0xdeadbeef, 0x01234567, 1 << 31, 0, 0)).toBe("corrected");
    expect(classifySecded(0xdeadbeef, 0x01234567, 0, 0, 0x80)).toBe("corrected");
    expect(classifySecded(0xdeadbeef, 0x01234567, 1, 0, 0x80)).toBe("detected");
  });

  it("scores a triple error whose syndrome is a column as silent (miscorrection)", () => {
    // Bits 64, 65, 66 (check bits 0..2) have syndrome 0b111 = H column of data bit 0.
    expect(H_COLUMNS[0]).toBe(0b111);
    expect(classifySecded(0, 0, 0, 0, 0b111)).toBe("silent");
    const out = newSecdedResult();
    secdedDecode(0, 0, secdedEncode(0, 0) ^ 0b111, out);
    expect(out.status).toBe(STATUS_CORRECTED);
    expect(out.lo).toBe(1); // the decoder flipped a good data bit
  });

  it("scores a 4-bit error that forms a codeword as silent (undetected)", () => {
    // Data bit 0 (column 0b111) plus check bits 0, 1, 2: a weight-4 codeword.
    expect(classifySecded(0x5a5a5a5a, 0xa5a5a5a5, 1, 0, 0b111)).toBe("silent");
  });

  it("counts the C(72,3) = 59,640 triple-bit errors exactly: 26,072 detected, 33,568 silent", () => {
    const counts = [0, 0, 0, 0];
    let reference = 0; // miscorrections predicted from H alone: c_i ^ c_j ^ c_k is a column
    const columns = new Set(H_COLUMNS);
    const total = forEachSubset(SECDED_TOTAL_BITS, 3, (pos) => {
      const [fl, fh, fcheck] = masksOf(pos);
      counts[classifySecdedCode(0x0badf00d, 0xcafe1234, fl, fh, fcheck)]++;
      if (columns.has(H_COLUMNS[pos[0]] ^ H_COLUMNS[pos[1]] ^ H_COLUMNS[pos[2]])) reference++;
    });
    expect(total).toBe(59640);
    expect(counts[OUTCOME_CORRECTED]).toBe(0);
    expect(counts[OUTCOME_DETECTED]).toBe(26072);
    expect(counts[OUTCOME_SILENT]).toBe(33568);
    expect(reference).toBe(33568);
  });

  it("outcome does not depend on the data word (the code is linear)", () => {
    fc.assert(
      fc.property(u32, u32, u32, u32, fc.integer({ min: 0, max: 255 }), (lo, hi, fl, fh, fcheck) => {
        return classifySecdedCode(lo, hi, fl, fh, fcheck) === classifySecdedCode(0, 0, fl, fh, fcheck);
      }),
    );
  });
});
