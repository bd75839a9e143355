// The data behind `fleet codes`: how each memory code (none, parity, SECDED, chipkill x4
// and x8) and end-to-end CRC-32 fare against the error patterns the fault layer injects.
// Every count comes from really encoding a clean word (cleanWord(seed, case)), flipping
// the pattern's bits, and decoding; nothing is estimated from formulas.
//
// Patterns, over each code's whole codeword (data and check bits):
//   k-bit       k = 1..4 distinct bits anywhere (independent single-event upsets);
//   burst-b     b = 2, 3, 4 adjacent bits (one particle strike through neighbouring cells);
//   x4-device   any non-zero value on one aligned nibble (a failed or glitching x4 chip);
//   x8-device   any non-zero value on one aligned byte (a failed x8 chip).
// Exhaustive when the pattern has at most `exhaustiveLimit` cases (all 1-, 2-, 3-bit errors
// of every code: 59,640 triples for SECDED, 487,344 for chipkill), otherwise a deterministic
// sample of `sampleCases`. The CRC-32 rows use `crcBlockBytes` blocks and are sampled.
// Leaves out: multi-word patterns (a device failure hits every word; the per-word outcome
// is what this table shows) and the data dependence the codes do not have (all linear).
import { ALL_CODES, type EccCode, MAX_FLIP_LANES, cleanWord } from "./codes.js";
import { blockBytes, checkBlockCode, crc32 } from "./crc.js";
import { OUTCOME_CLEAN, OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT, type OutcomeCode } from "./outcome.js";
import { HashStream, binomial, forEachSubset, sampleDistinct } from "./subsets.js";

export interface CodesTableRow {
  code: string;
  pattern: string;
  cases: number;
  corrected: number;
  detected: number;
  silent: number;
  /** True when every case of the pattern was tried, false for a deterministic sample. */
  exhaustive: boolean;
}

export interface CodesTableOptions {
  /** Seed of the clean data and of the samples (default 1). */
  seed?: number;
  /** Enumerate a pattern when it has at most this many cases (default 2,000,000). */
  exhaustiveLimit?: number;
  /** Cases per sampled pattern (default 200,000). */
  sampleCases?: number;
  /** CRC-32 rows: block size in bytes (default 4096) and cases per pattern (default 2,000; 0 = no CRC rows). */
  crcBlockBytes?: number;
  crcSampleCases?: number;
}

const BIT_COUNTS = [1, 2, 3, 4];
const BURSTS = [2, 3, 4];

class Tally {
  cases = 0;
  readonly counts = [0, 0, 0, 0];
  constructor(
    readonly code: string,
    readonly pattern: string,
    readonly exhaustive: boolean,
  ) {}
  add(outcome: OutcomeCode): void {
    if (outcome === OUTCOME_CLEAN) throw new Error(`${this.code} ${this.pattern}: a non-zero error read back clean`);
    this.counts[outcome]++;
    this.cases++;
  }
  row(): CodesTableRow {
    return {
      code: this.code,
      pattern: this.pattern,
      cases: this.cases,
      corrected: this.counts[OUTCOME_CORRECTED],
      detected: this.counts[OUTCOME_DETECTED],
      silent: this.counts[OUTCOME_SILENT],
      exhaustive: this.exhaustive,
    };
  }
}

function wordRows(code: EccCode, seed: number, exhaustiveLimit: number, sampleCases: number): CodesTableRow[] {
  const rows: CodesTableRow[] = [];
  const clean = new Uint32Array(4);
  const flips = new Uint32Array(MAX_FLIP_LANES);
  const n = code.wordTotalBits;
  let address = 0;
  const classifyPositions = (pos: Int32Array, k: number): OutcomeCode => {
    cleanWord(seed, address++, clean, code.dataLanes);
    flips.fill(0);
    for (let i = 0; i < k; i++) flips[pos[i] >>> 5] ^= 1 << (pos[i] & 31);
    return code.classify(clean, flips);
  };

  for (const k of BIT_COUNTS) {
    const exhaustive = binomial(n, k) <= exhaustiveLimit;
    const tally = new Tally(code.name, `${k}-bit`, exhaustive);
    if (exhaustive) {
      forEachSubset(n, k, (pos) => tally.add(classifyPositions(pos, k)));
    } else {
      const stream = new HashStream(seed * 31 + k);
      const pos = new Int32Array(k);
      for (let c = 0; c < sampleCases; c++) tally.add(classifyPositions(sampleDistinct(stream, n, k, pos), k));
    }
    rows.push(tally.row());
  }

  const burst = new Int32Array(4);
  for (const b of BURSTS) {
    const tally = new Tally(code.name, `burst-${b}`, true);
    for (let start = 0; start + b <= n; start++) {
      for (let i = 0; i < b; i++) burst[i] = start + i;
      tally.add(classifyPositions(burst, b));
    }
    rows.push(tally.row());
  }

  for (const width of [4, 8]) {
    const tally = new Tally(code.name, `x${width}-device`, true);
    const devices = Math.floor(n / width);
    for (let d = 0; d < devices; d++) {
      const start = d * width;
      for (let e = 1; e < 1 << width; e++) {
        cleanWord(seed, address++, clean, code.dataLanes);
        flips.fill(0);
        flips[start >>> 5] = (e << (start & 31)) >>> 0; // aligned: never straddles a lane
        tally.add(code.classify(clean, flips));
      }
    }
    rows.push(tally.row());
  }
  return rows;
}

function crcRows(seed: number, blockBytesN: number, cases: number): CodesTableRow[] {
  const name = `crc32/${blockBytesN}B`;
  const rows: CodesTableRow[] = [];
  const block = new Uint8Array(blockBytesN);
  const bits = blockBytesN * 8;
  const pos = new Int32Array(32);
  const run = (pattern: string, fill: () => number) => {
    const tally = new Tally(name, pattern, false);
    for (let c = 0; c < cases; c++) {
      blockBytes(seed, c, blockBytesN, block);
      const k = fill();
      tally.add(checkBlockCode(block, pos, k, crc32(block)));
    }
    rows.push(tally.row());
  };
  for (const k of BIT_COUNTS) {
    const stream = new HashStream(seed * 131 + k);
    run(`${k}-bit`, () => (sampleDistinct(stream, bits, k, pos), k));
  }
  for (const b of [...BURSTS, 32, 33]) {
    const stream = new HashStream(seed * 137 + b);
    run(`burst-${b}`, () => {
      const start = stream.below(bits - b + 1);
      for (let i = 0; i < b; i++) pos[i] = start + i;
      return b;
    });
  }
  return rows;
}

/** Outcome counts of every code on every pattern (about a second with the defaults). */
export function computeCodesTable(opts: CodesTableOptions = {}): CodesTableRow[] {
  const seed = opts.seed ?? 1;
  const exhaustiveLimit = opts.exhaustiveLimit ?? 2_000_000;
  const sampleCases = opts.sampleCases ?? 200_000;
  const rows: CodesTableRow[] = [];
  for (const code of ALL_CODES) rows.push(...wordRows(code, seed, exhaustiveLimit, sampleCases));
  const crcCases = opts.crcSampleCases ?? 2_000;
  if (crcCases > 0) rows.push(...crcRows(seed, opts.crcBlockBytes ?? 4096, crcCases));
  return rows;
}

function percent(count: number, cases: number): string {
  if (cases === 0) return "-";
  const p = (100 * count) / cases;
  // Keep rare-but-non-zero visible: never print 0.00% for a non-zero count.
  return count > 0 && p < 0.01 ? "<0.01%" : `${p.toFixed(2)}%`;
}

/** A plain, aligned text table: one line per row, counts with percentages of the cases. */
export function formatCodesTable(rows: readonly CodesTableRow[]): string {
  const header = ["code", "pattern", "cases", "method", "corrected", "detected", "silent"];
  const body = rows.map((r) => [
    r.code,
    r.pattern,
    r.cases.toLocaleString("en-US"),
    r.exhaustive ? "all" : "sample",
    `${r.corrected.toLocaleString("en-US")} (${percent(r.corrected, r.cases)})`,
    `${r.detected.toLocaleString("en-US")} (${percent(r.detected, r.cases)})`,
    `${r.silent.toLocaleString("en-US")} (${percent(r.silent, r.cases)})`,
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((line) => line[c].length)));
  const rightAligned = new Set([2, 4, 5, 6]);
  const render = (line: string[]) =>
    line
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [render(header), rule, ...body.map(render)].join("\n") + "\n";
}
