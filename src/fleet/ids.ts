// Pieces of the readable ids (`dc1/row07/rack12/host03`, `dc1/row07/busbar-a`, `dc1/pdu03`):
// zero-padded 1-based numbers and bus bar letters, formatted and parsed strictly, so that
// every element has exactly one id and an id can be parsed without a lookup table.
import { pduCountOf, type PowerShape } from "./power.js";

/** Digits used for the numbers of a level with `count` members: at least `min`. */
export function idWidth(count: number, min: number): number {
  return Math.max(min, String(count).length);
}

/** 7, width 2 -> "07". */
export function padNumber(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : "0".repeat(width - s.length) + s;
}

/**
 * Parses the canonical `width`-digit form of a 1-based number ("07" with width 2 -> 7).
 * Returns -1 for anything else ("7", "007", "x7"), so ids stay unique.
 */
export function parsePadded(s: string, width: number): number {
  if (s.length !== width) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Bus bar letters, spreadsheet style: 0 -> "a", 25 -> "z", 26 -> "aa". */
export function busbarLetters(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    n--;
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

/** Inverse of `busbarLetters`; -1 unless `s` is lowercase letters only. */
export function parseBusbarLetters(s: string): number {
  if (s.length === 0 || s.length > 6) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 96;
    if (c < 1 || c > 26) return -1;
    n = n * 26 + c;
  }
  return n - 1;
}

export const ROW = "row";
export const RACK = "rack";
export const HOST = "host";
export const BUSBAR = "busbar-";
export const PDU = "pdu";
export const UTILITY = "utility";
export const LINK = "link";

/** Digit widths of the numbered levels of one datacenter's ids. */
export interface DcIdFormat {
  row: number;
  rack: number;
  host: number;
  pdu: number;
}

export function dcIdFormat(dc: PowerShape): DcIdFormat {
  return {
    row: idWidth(dc.rows, 2),
    rack: idWidth(dc.racksPerRow, 2),
    host: idWidth(dc.hostsPerRack, 2),
    pdu: idWidth(pduCountOf(dc), 2),
  };
}
