// Reading a CSV file of any size in bounded memory: the file is read in chunks with
// fs.readSync and decoded as UTF-8 in streaming mode, and one record is handed out at a
// time, so a 1 GB export costs the memory of one chunk and one record, never the file.
//
// What it accepts (RFC 4180, as spreadsheets and monitoring exports write it): cells
// separated by commas; a cell in "double quotes" may hold commas, "" for a quote, and line
// breaks (the record then spans lines; its number is its first line); spaces around an
// unquoted cell are trimmed; a UTF-8 byte order mark at the start; LF or CRLF line ends.
// Blank lines are skipped. Left out: other delimiters (semicolons, tabs).
//
// Fatal problems (not UTF-8, NUL bytes, a record longer than MAX_RECORD_CHARS) throw a
// CsvError naming the line; a record that cannot be split (a quote left open at the end of
// the file, text after a closing quote) comes back as an error row for the caller to count.
import { closeSync, readSync } from "node:fs";
import { openUserFile } from "../base/user-file.js";

/** Bytes read per fs.readSync call. */
export const CHUNK_BYTES = 1 << 20;
/** Longest record accepted (characters, quoted line breaks included). */
export const MAX_RECORD_CHARS = 1 << 20;

export type CsvRow = { line: number; cells: string[] } | { line: number; error: string; hint?: string };

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

/**
 * Splits one record into cells; "open" when it ends inside a quoted cell (the record goes
 * on on the next line), "error" when it cannot be split.
 */
export function splitRecord(text: string): string[] | "open" | { error: string } {
  const cells: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
    if (text[i] === '"') {
      i++;
      let cell = "";
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return "open";
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (i < n && text[i] !== ",") return { error: `text after the closing quote of cell ${cells.length + 1}` };
      cells.push(cell);
    } else {
      const end = text.indexOf(",", i);
      cells.push((end < 0 ? text.slice(i) : text.slice(i, end)).trim());
      i = end < 0 ? n : end;
    }
    if (i >= n) return cells;
    i++; // the comma
    if (i >= n) {
      cells.push("");
      return cells;
    }
  }
}

/** Reads `file` record by record; call close() when done (next() closes at the end). */
export class CsvReader {
  private fd: number | undefined;
  private readonly buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private pending = "";
  private lines: string[] = [];
  private nextLine = 0;
  private lineNo = 0;
  private eof = false;
  private first = true;
  /** Bytes read so far. */
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = openUserFile(file, "a failure log");
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The next non-blank record, or undefined at the end of the file. */
  next(): CsvRow | undefined {
    for (;;) {
      const raw = this.readLine();
      if (raw === undefined) return undefined;
      if (raw.trim() === "") continue;
      const line = this.lineNo;
      let text = raw;
      for (;;) {
        const cells = splitRecord(text);
        if (Array.isArray(cells)) return { line, cells };
        if (cells !== "open") return { line, error: cells.error, hint: 'a quoted cell ends with " right before the next comma' };
        const more = this.readLine();
        if (more === undefined) return { line, error: "a quoted cell is still open at the end of the file", hint: 'close it with "' };
        text += `\n${more}`;
        if (text.length > MAX_RECORD_CHARS)
          throw new CsvError(`the record starting at line ${line} is longer than ${MAX_RECORD_CHARS} characters (a quote left open?)`, line);
      }
    }
  }

  /** The next physical line without its line end, or undefined at the end of the file. */
  private readLine(): string | undefined {
    while (this.nextLine >= this.lines.length) {
      if (this.eof) {
        if (this.pending === "") return undefined;
        this.lines = [this.pending];
        this.nextLine = 0;
        this.pending = "";
        break;
      }
      this.fill();
    }
    const text = this.lines[this.nextLine++];
    this.lineNo++;
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  }

  private fill(): void {
    if (this.fd === undefined) {
      this.eof = true;
      return;
    }
    const got = readSync(this.fd, this.buf, 0, CHUNK_BYTES, null);
    let text: string;
    try {
      text = got === 0 ? this.decoder.decode() : this.decoder.decode(this.buf.subarray(0, got), { stream: true });
    } catch {
      throw new CsvError(`not UTF-8 text near line ${this.lineNo + 1} (byte ${this.bytes}..${this.bytes + got})`, this.lineNo + 1);
    }
    this.bytes += got;
    if (got === 0) {
      this.eof = true;
      this.close();
    }
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    if (text.includes("\0")) throw new CsvError(`the file holds NUL bytes near line ${this.lineNo + 1}: not a text file`, this.lineNo + 1);
    const all = this.pending + text;
    const parts = all.split("\n");
    this.pending = parts.pop() ?? "";
    if (this.pending.length > MAX_RECORD_CHARS) {
      throw new CsvError(
        `line ${this.lineNo + parts.length + 1} is longer than ${MAX_RECORD_CHARS} characters: is this a CSV file?`,
        this.lineNo + parts.length + 1,
      );
    }
    this.lines = parts;
    this.nextLine = 0;
  }
}
