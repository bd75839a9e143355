/**
 * Journals that do not touch the disk: MemoryJournal keeps every line (tests, small runs), and
 * digestOnlyJournal keeps nothing but still computes the run digest and counts (`--no-journal`).
 * Both share the encoder of journal.ts, so their digest equals the file journal's. Also here:
 * teeOutput, to send the same lines to several outputs (e.g. a file and a Redis stream).
 */

import { Journal, type JournalOptions, type LineOutput } from "./journal.js";

/** Collects lines in an array. */
export class ArrayLineOutput implements LineOutput {
  readonly lines: string[] = [];
  ended = false;
  write(line: string): void {
    this.lines.push(line);
  }
  end(): void {
    this.ended = true;
  }
}

/** Drops every line. */
export const nullLineOutput: LineOutput = { write() {}, end() {} };

/** Sends every line to each output in turn; ends them all even if one throws. */
export function teeOutput(...outputs: LineOutput[]): LineOutput {
  return {
    write(line) {
      for (const o of outputs) o.write(line);
    },
    end() {
      let first: unknown;
      for (const o of outputs) {
        try {
          o.end();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    },
    async settled() {
      await Promise.all(outputs.map((o) => o.settled?.()));
    },
  };
}

export class MemoryJournal extends Journal {
  private readonly sink: ArrayLineOutput;

  constructor(options: JournalOptions = {}) {
    const sink = new ArrayLineOutput();
    super(sink, options);
    this.sink = sink;
  }

  /** Every line written so far, each ending in "\n". */
  get lines(): readonly string[] {
    return this.sink.lines;
  }

  /** The journal as it would be in a file. */
  text(): string {
    return this.sink.lines.join("");
  }
}

/** A journal that writes nowhere but still yields the footer with its digest. */
export function digestOnlyJournal(options: JournalOptions = {}): Journal {
  return new Journal(nullLineOutput, options);
}
