/**
 * The run journal: every run as JSONL (header, records, footer), each line with its CRC-32,
 * the run as one SHA-256 digest. Line format: format.ts. Digest: digest.ts.
 */

export * from "./format.js";
export { canonicalLine, digestOfRecords, DigestAccumulator } from "./digest.js";
export { JournalError, JournalExistsError, JournalFullError, type JournalErrorCode } from "./errors.js";
export {
  Journal,
  type AbortInfo,
  type FooterInput,
  type HeaderInput,
  type JournalOptions,
  type JournalSink,
  type JournalState,
  type LineOutput,
} from "./journal.js";
export { JournalWriter, FileLineOutput, type JournalWriterOptions } from "./writer.js";
export { MemoryJournal, ArrayLineOutput, digestOnlyJournal, nullLineOutput, teeOutput } from "./memory.js";
export {
  readJournal,
  parseJournal,
  streamJournal,
  summarizeJournal,
  collectJournal,
  chunksOfFile,
  type StreamOptions,
  type JournalIssue,
  type JournalItem,
  type JournalReadResult,
  type JournalSummary,
} from "./reader.js";
export { defaultJournalPath } from "./path.js";
