// SECDED (72,64): single-error-correcting, double-error-detecting code over one 64-bit
// memory word, as implemented by server DRAM controllers on a 72-bit ECC DIMM bus.
//
// Construction: Hsiao's odd-weight-column code (M. Y. Hsiao, "A Class of Optimal Minimum
// Odd-weight-column SEC-DED Codes", IBM J. Res. Dev. 14(4), 1970), chosen over extended
// Hamming because it is what memory controllers use: every column of the 8x72 parity-check
// matrix H has odd weight, so any even number of errors gives an even-weight (hence
// non-column, non-zero for 2 errors) syndrome and is flagged, with no overall-parity bit
// on the critical path; and the columns minimise and balance the ones per row (fewest XOR
// gates, equal depth per check bit).
//   check columns (bits 64..71): the 8 weight-1 columns (systematic: check bit k = row k).
//   data columns (bits 0..55):   the 56 weight-3 8-bit values, in increasing order.
//   data columns (bits 56..63):  the 8 weight-5 values ~{i, i+1, i+3 mod 8}, i = 0..7.
// Each row then has exactly 26 data ones (21 from weight-3, 5 from weight-5), Hsiao's
// balanced optimum. Minimum distance 4.
//
// Guarantees, verified exhaustively by secded.test.ts:
//   1-bit errors:  72 / 72 corrected.
//   2-bit errors:  2,556 / 2,556 detected.
//   3-bit errors (all C(72,3) = 59,640 patterns, a property of this H):
//                  26,072 detected (43.7%), 33,568 miscorrected = silent (56.3%).
//   (A triple error has an odd-weight syndrome; it is flagged only when that syndrome is
//   not one of the 72 columns, i.e. one of the 48 unused weight-5 or 8 weight-7 values.)
//
// Hot path: encoding XORs 8 byte-indexed tables (one per data byte); decoding looks the
// syndrome up in a 256-entry table. No BigInt, no allocation per word: the caller owns
// and reuses the DecodeResult.
//
// Leaves out: bit-to-pin/bit-to-device mapping of a real DIMM (bit i of the codeword is
// simply position i; x4 devices are taken as nibbles 4d..4d+3, see codes.ts), scrubbing
// and write-back of corrected words (the fault layer's business).
import { type DecodeStatus, type Outcome, type OutcomeCode, OUTCOME_NAMES, STATUS_CORRECTED, STATUS_OK, STATUS_UNCORRECTABLE, outcomeOf } from "./outcome.js";

export const SECDED_DATA_BITS = 64;
export const SECDED_CHECK_BITS = 8;
export const SECDED_TOTAL_BITS = 72;

function popcount8(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/** The 72 columns of H as 8-bit values: H_COLUMNS[i] is the syndrome of an error at bit i. */
export const H_COLUMNS: Uint8Array = (() => {
  const cols = new Uint8Array(SECDED_TOTAL_BITS);
  let n = 0;
  for (let v = 0; v < 256; v++) if (popcount8(v) === 3) cols[n++] = v;
  for (let i = 0; i < 8; i++) {
    const three = (1 << i) | (1 << ((i + 1) & 7)) | (1 << ((i + 3) & 7));
    cols[n++] = ~three & 0xff;
  }
  for (let k = 0; k < 8; k++) cols[n++] = 1 << k;
  return cols;
})();

/** ENCODE_TABLE[k*256 + v]: check bits contributed by data byte k having value v. */
const ENCODE_TABLE: Uint8Array = (() => {
  const t = new Uint8Array(8 * 256);
  for (let k = 0; k < 8; k++) {
    for (let v = 0; v < 256; v++) {
      let c = 0;
      for (let b = 0; b < 8; b++) if (v & (1 << b)) c ^= H_COLUMNS[8 * k + b];
      t[k * 256 + v] = c;
    }
  }
  return t;
})();

/** SYNDROME_TO_BIT[s]: codeword bit position 0..71 with syndrome s, or -1 (no single-bit error). */
const SYNDROME_TO_BIT: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < SECDED_TOTAL_BITS; i++) t[H_COLUMNS[i]] = i;
  return t;
})();

/** The 8 check bits (0..255) of the 64-bit data word (lo = bits 0..31, hi = bits 32..63). */
export function secdedEncode(lo: number, hi: number): number {
  const t = ENCODE_TABLE;
  return (
    t[lo & 0xff] ^
    t[256 + ((lo >>> 8) & 0xff)] ^
    t[512 + ((lo >>> 16) & 0xff)] ^
    t[768 + (lo >>> 24)] ^
    t[1024 + (hi & 0xff)] ^
    t[1280 + ((hi >>> 8) & 0xff)] ^
    t[1536 + ((hi >>> 16) & 0xff)] ^
    t[1792 + (hi >>> 24)]
  );
}

/** Caller-owned, reusable result of secdedDecode. */
export interface SecdedResult {
  /** STATUS_OK (0), STATUS_CORRECTED (1) or STATUS_UNCORRECTABLE (2). */
  status: DecodeStatus;
  /** Data as delivered to the reader (corrected if status is 1, as read otherwise). */
  lo: number;
  hi: number;
  check: number;
  /** Codeword bit the decoder flipped back (0..71), or -1. */
  correctedBit: number;
}

export function newSecdedResult(): SecdedResult {
  return { status: STATUS_OK, lo: 0, hi: 0, check: 0, correctedBit: -1 };
}

/** Decodes a read 72-bit codeword into `out` (no allocation). Returns out.status. */
export function secdedDecode(lo: number, hi: number, check: number, out: SecdedResult): DecodeStatus {
  const syndrome = secdedEncode(lo, hi) ^ check;
  out.lo = lo >>> 0;
  out.hi = hi >>> 0;
  out.check = check;
  out.correctedBit = -1;
  if (syndrome === 0) return (out.status = STATUS_OK);
  const bit = SYNDROME_TO_BIT[syndrome];
  if (bit < 0) return (out.status = STATUS_UNCORRECTABLE);
  if (bit < 32) out.lo = (lo ^ (1 << bit)) >>> 0;
  else if (bit < 64) out.hi = (hi ^ (1 << (bit - 32))) >>> 0;
  else out.check = check ^ (1 << (bit - 64));
  out.correctedBit = bit;
  return (out.status = STATUS_CORRECTED);
}

const scratch = newSecdedResult();

/**
 * Encodes the clean word, XORs the flip masks into the stored codeword (flipLo/flipHi over
 * data bits 0..63, flipCheck over check bits 64..71 as bits 0..7), decodes what a reader
 * would get and scores it against the clean data. Numeric outcome, allocation-free.
 */
export function classifySecdedCode(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number, flipCheck: number): OutcomeCode {
  const check = secdedEncode(cleanLo, cleanHi);
  const status = secdedDecode(cleanLo ^ flipLo, cleanHi ^ flipHi, (check ^ flipCheck) & 0xff, scratch);
  return outcomeOf(status, scratch.lo === cleanLo >>> 0 && scratch.hi === cleanHi >>> 0);
}

/** As classifySecdedCode, returning the outcome's name. */
export function classifySecded(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number, flipCheck: number): Outcome {
  return OUTCOME_NAMES[classifySecdedCode(cleanLo, cleanHi, flipLo, flipHi, flipCheck)];
}

export { STATUS_CORRECTED, STATUS_OK, STATUS_UNCORRECTABLE };
