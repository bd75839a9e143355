// Shared memory addressing for the DRAM fault models (cosmic.ts, dram.ts): where a word
// lives, which bits of its codeword a DRAM device supplies, and an alias table for
// drawing racks by weight.
//
// Codeword. Every fault is placed on a 72-bit codeword: 64 data bits (positions 0..63)
// then 8 check bits (64..71), as SECDED(72,64) lays them out (src/checksums/secded.ts).
// The bus is built from 18 x4 devices per rank; device d supplies the nibble of
// positions 4d .. 4d+3 (the convention of src/checksums/codes.ts). Chipkill hosts read
// two such words in lockstep; the detection layer maps the 72-bit position onto its
// 144-bit codeword, the fault models do not.
//
// Host words. A host's memory is dramBitsOfHost / 64 words, indexed 0 .. words-1, DIMM
// after DIMM. Inside a DIMM a word index is, from most to least significant:
// rank (2), bank (16: DDR4's 4 bank groups x 4 banks), row, column (1,024 words per row,
// the 8 Kbit page of an x4 device read 4 bits at a time). A 32 GiB DIMM so has
// 2^32 / (2 x 16 x 1024) = 131,072 rows per bank, as a dual-rank x4 RDIMM of 8 Gbit
// devices does. Small DIMMs (tests) shrink columns, then banks, then ranks, so the
// geometry always fits. Our own simplification of JEDEC DDR4 (JESD79-4) addressing:
// no bank-group interleaving, no address hashing, one burst beat per word.
//
// HOT PATH: the alias table is drawn from once per upset; no allocation there.
import type { Fleet } from "../fleet/fleet.js";
import type { Rng } from "../sim/rng.js";

export const WORD_DATA_BITS = 64;
export const WORD_CHECK_BITS = 8;
export const WORD_TOTAL_BITS = 72;
/** Bits one x4 device supplies to a 72-bit codeword. */
export const DEVICE_BITS = 4;
/** x4 devices in one rank of a 72-bit ECC DIMM (16 data + 2 check). */
export const DEVICES_PER_RANK = WORD_TOTAL_BITS / DEVICE_BITS;
export const RANKS_PER_DIMM = 2;
/** Devices per ECC DIMM: 18 x4 devices per rank x 2 ranks. */
export const DEVICES_PER_DIMM = DEVICES_PER_RANK * RANKS_PER_DIMM;
export const BANKS_PER_RANK = 16;
export const WORDS_PER_ROW = 1024;
/** A Mbit in DRAM soft-error rates is 2^20 bits (JEDEC memory-density convention). */
export const BITS_PER_MBIT = 2 ** 20;

/** Row/bank/column geometry of one DIMM, in 72-bit words. */
export interface DimmGeometry {
  /** Words (64 data bits each) per DIMM. */
  words: number;
  ranks: number;
  banks: number;
  rows: number;
  cols: number;
}

/** The geometry of a DIMM of `dimmBytes` bytes (see the header for the layout). */
export function dimmGeometry(dimmBytes: number): DimmGeometry {
  const words = Math.max(1, Math.floor(dimmBytes / 8));
  let ranks = RANKS_PER_DIMM;
  let banks = BANKS_PER_RANK;
  let cols = WORDS_PER_ROW;
  while (ranks * banks * cols > words) {
    if (cols > 1) cols /= 2;
    else if (banks > 1) banks /= 2;
    else ranks = 1;
  }
  return { words, ranks, banks, rows: Math.floor(words / (ranks * banks * cols)), cols };
}

/** Host word index of (dimm, rank, bank, row, col). */
export function wordAddress(g: DimmGeometry, dimm: number, rank: number, bank: number, row: number, col: number): number {
  return dimm * g.words + ((rank * g.banks + bank) * g.rows + row) * g.cols + col;
}

/** The DIMM holding host word `word`. */
export function dimmOfWord(g: DimmGeometry, word: number): number {
  return Math.floor(word / g.words);
}

/** Rank, bank, row and column of a host word (for tests and reports). */
export function decodeWord(g: DimmGeometry, word: number): { dimm: number; rank: number; bank: number; row: number; col: number } {
  const dimm = Math.floor(word / g.words);
  let w = word - dimm * g.words;
  const col = w % g.cols;
  w = (w - col) / g.cols;
  const row = w % g.rows;
  w = (w - row) / g.rows;
  const bank = w % g.banks;
  return { dimm, rank: (w - bank) / g.banks, bank, row, col };
}

/** 64-bit words of a host's DRAM (dramBitsOfHost / 64). */
export function wordsOfHost(fleet: Fleet, host: number): number {
  return Math.floor(fleet.dramBitsOfHost(host) / WORD_DATA_BITS);
}

/** Mbit (2^20 bits) of DRAM in a host. */
export function mbitOfHost(fleet: Fleet, host: number): number {
  return fleet.dramBitsOfHost(host) / BITS_PER_MBIT;
}

/** FIT (failures per 1e9 hours) to a rate per second. */
export function fitToPerSec(fit: number): number {
  return fit / 1e9 / 3600;
}

/** `width` adjacent codeword positions starting at `start` (all within 0..71). */
export function adjacentBits(start: number, width: number): number[] {
  const out = new Array<number>(width);
  for (let i = 0; i < width; i++) out[i] = start + i;
  return out;
}

/** Codeword positions of device `device`'s nibble (4 bits), e.g. device 3 -> 12..15. */
export function deviceBits(device: number): number[] {
  return adjacentBits(device * DEVICE_BITS, DEVICE_BITS);
}

/**
 * Walker's alias method (Vose's stable construction, "A linear algorithm for generating
 * random numbers with a given distribution", IEEE TSE 17(9), 1991): O(n) to build, one
 * uniform and O(1) per draw. Weights need not be normalised; zero weights are never drawn.
 */
export class AliasTable {
  readonly size: number;
  readonly total: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || w === Infinity) throw new RangeError(`alias table: weight ${i} is ${w}`);
      total += w;
    }
    this.total = total;
    if (n === 0 || total === 0) return;
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[nl - 1];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        nl--;
        small[ns++] = l;
      }
    }
    // Leftovers are 1 up to rounding.
    while (nl > 0) {
      const l = large[--nl];
      this.prob[l] = 1;
      this.alias[l] = l;
    }
    let positive = 0;
    while (!(weights[positive] > 0)) positive++;
    while (ns > 0) {
      const s = small[--ns];
      // A zero weight must never be drawn, even when rounding left it unpaired.
      this.prob[s] = weights[s] > 0 ? 1 : 0;
      this.alias[s] = weights[s] > 0 ? s : positive;
    }
  }

  /** An index drawn with probability weight / total (one uniform). */
  sample(rng: Rng): number {
    const x = rng.next() * this.size;
    const i = Math.floor(x);
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}
