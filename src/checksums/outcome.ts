// What a reader sees after the detection code has looked at a corrupted word or block.
// Every classifier in src/checksums returns one of these, decided by really decoding the
// corrupted bits and comparing the decoder's output with the clean value:
//   clean      no error reached the reader (no flips, or flips that cancelled out);
//   corrected  the decoder flagged and repaired the error: the reader gets clean data;
//   detected   the decoder flagged an error it could not repair (machine check / retry);
//   silent     the reader gets wrong data with no flag: an undetected error, or a
//              miscorrection (the decoder "repaired" the wrong bit or symbol).
// Hot paths use the numeric codes; reports use the names.

export type Outcome = "clean" | "corrected" | "detected" | "silent";

export const OUTCOME_CLEAN = 0;
export const OUTCOME_CORRECTED = 1;
export const OUTCOME_DETECTED = 2;
export const OUTCOME_SILENT = 3;

/** One of OUTCOME_CLEAN, OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT. */
export type OutcomeCode = 0 | 1 | 2 | 3;

export const OUTCOME_NAMES: readonly Outcome[] = ["clean", "corrected", "detected", "silent"];

export function outcomeName(code: OutcomeCode): Outcome {
  return OUTCOME_NAMES[code];
}

/** Decoder status, shared by every word code's DecodeResult. */
export const STATUS_OK = 0;
export const STATUS_CORRECTED = 1;
export const STATUS_UNCORRECTABLE = 2;
export type DecodeStatus = 0 | 1 | 2;

/**
 * Outcome of one decode given the decoder status and whether its data output equals the
 * clean data. Shared so every code scores the same way.
 */
export function outcomeOf(status: DecodeStatus, dataMatchesClean: boolean): OutcomeCode {
  if (status === STATUS_UNCORRECTABLE) return OUTCOME_DETECTED;
  if (!dataMatchesClean) return OUTCOME_SILENT;
  return status === STATUS_CORRECTED ? OUTCOME_CORRECTED : OUTCOME_CLEAN;
}
