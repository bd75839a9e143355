// No code: plain 64-bit words with no check bits (consumer non-ECC memory). The reader
// gets whatever is stored, so every flip that changes the data is a silent corruption and
// nothing is ever detected or corrected. Kept as a real "decoder" (identity) so the fault
// layer treats every ECC mode the same way.
// Parameters: none. Leaves out: nothing; this is the baseline every other code is
// compared with in table.ts.
import { type Outcome, type OutcomeCode, OUTCOME_CLEAN, OUTCOME_NAMES, OUTCOME_SILENT } from "./outcome.js";

export const NONE_DATA_BITS = 64;
export const NONE_TOTAL_BITS = 64;

/** The reader sees (lo ^ flipLo, hi ^ flipHi): silent if that differs from the clean word. */
export function classifyNoneCode(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number): OutcomeCode {
  const readLo = (cleanLo ^ flipLo) >>> 0;
  const readHi = (cleanHi ^ flipHi) >>> 0;
  return readLo === cleanLo >>> 0 && readHi === cleanHi >>> 0 ? OUTCOME_CLEAN : OUTCOME_SILENT;
}

export function classifyNone(cleanLo: number, cleanHi: number, flipLo: number, flipHi: number): Outcome {
  return OUTCOME_NAMES[classifyNoneCode(cleanLo, cleanHi, flipLo, flipHi)];
}
