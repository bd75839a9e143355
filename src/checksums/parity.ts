// Even parity: one check bit per 64-bit word (a 65-bit codeword), the protection of
// non-ECC "parity" memory and of many on-chip buffers and buses. The check bit makes the
// number of ones in the codeword even; the reader recomputes it. Any odd number of flips is
// detected (and nothing is ever corrected); any even number of flips is silent.
//
// Parameters: none. Codeword bit 64 is the parity bit. Source: the textbook single-parity
// check (e.g. Lin & Costello, "Error Control Coding", 2nd ed. 2004, ch. 3).
// Leaves out: byte-parity layouts (one bit per byte, 72-bit DIMMs of the 1990s), which
// would catch more multi-bit errors spread over different bytes.
import { type DecodeStatus, type Outcome, type OutcomeCode, OUTCOME_NAMES, STATUS_OK, STATUS_UNCORRECTABLE, outcomeOf } from "./outcome.js";

export const PARITY_DATA_BITS = 64;
export const PARITY_TOTAL_BITS = 65;

/** Parity (0 or 1) of the 32-bit integer x. */
export function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** The even-parity bit of the 64-bit word (lo, hi). */
export function parityEncode(lo: number, hi: number): number {
  return parity32(lo ^ hi);
}

/** Caller-owned, reusable result of parityDecode. */
export interface ParityResult {
  /** STATUS_OK (0) or STATUS_UNCORRECTABLE (2): parity never corrects. */
  status: DecodeStatus;
  lo: number;
  hi: number;
}

export function newParityResult(): ParityResult {
  return { status: STATUS_OK, lo: 0, hi: 0 };
}

/** Checks a read 65-bit codeword. Returns out.status. */
export function parityDecode(lo: number, hi: number, parityBit: number, out: ParityResult): DecodeStatus {
  out.lo = lo >>> 0;
  out.hi = hi >>> 0;
  return (out.status = parityEncode(lo, hi) === (parityBit & 1) ? STATUS_OK : STATUS_UNCORRECTABLE);
}

const scratch = newParityResult();

/** Encodes, applies the flips (flipParity: bit 0 = codeword bit 64), checks, scores. */
export function classifyParityCode(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number, flipParity: number): OutcomeCode {
  const p = parityEncode(cleanLo, cleanHi);
  const status = parityDecode(cleanLo ^ flipLo, cleanHi ^ flipHi, p ^ (flipParity & 1), scratch);
  return outcomeOf(status, scratch.lo === cleanLo >>> 0 && scratch.hi === cleanHi >>> 0);
}

export function classifyParity(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number, flipParity: number): Outcome {
  return OUTCOME_NAMES[classifyParityCode(cleanLo, cleanHi, flipLo, flipHi, flipParity)];
}
