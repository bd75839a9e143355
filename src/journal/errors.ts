/**
 * Typed errors of the journal module. Each has a stable `code` and a message the CLI can print
 * as is (no stack trace): exit code 2 for "exists" (bad usage) and "full" (a safety limit), 3
 * for the others (harness bug or I/O failure).
 */
import { formatSize, formatTime } from "../base/units.js";

export type JournalErrorCode =
  /** The journal file exists and `force` was not given. */
  | "exists"
  /** A method was called in the wrong order (record before header, anything after close). */
  | "state"
  /** A record the journal cannot write faithfully (reserved key, decreasing `at`, not JSON). */
  | "bad_record"
  /** The file could not be created or written. */
  | "io"
  /** A record would take the journal past its size limit (JournalOptions.maxBytes). */
  | "full";

export class JournalError extends Error {
  override readonly name: string = "JournalError";
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class JournalExistsError extends JournalError {
  override readonly name = "JournalExistsError";
  constructor(readonly path: string) {
    super(
      "exists",
      path.endsWith(".partial")
        ? `journal ${path} already exists: another run is writing it, or one was killed (its records are readable with fleet replay --prefix); remove it, pass --force, or choose another path with --journal`
        : `journal ${path} already exists; pass --force to overwrite or --journal to choose another path`,
    );
  }
}

/** The record at `at` (simulated seconds) would have taken the journal past `maxBytes`. */
export class JournalFullError extends JournalError {
  override readonly name = "JournalFullError";
  constructor(
    readonly maxBytes: number,
    readonly at: number,
  ) {
    super(
      "full",
      `the journal reached its size limit of ${formatSize(maxBytes)} at ${formatTime(at)} of simulated time: the records from then on are not in it`,
    );
  }
}
