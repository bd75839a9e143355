// Chipkill-correct ECC: a symbol code whose symbols are DRAM devices, so the failure of a
// whole chip (any corruption of the 4 or 8 bits it supplies to a codeword) is corrected
// (Dell 1997, "A White Paper on the Benefits of Chipkill-Correct ECC for PC Server Main
// Memory", IBM; the code family is Kaneda & Fujiwara's single-symbol-correcting codes,
// IEEE Trans. Computers C-31(7), 1982).
//
// Both variants use a 144-bit codeword, one beat of two 72-bit channels in lockstep:
// 128 data bits (four uint32 lanes) + 16 check bits, symbol j = codeword bits j*m .. j*m+m-1
// (data symbols first, then the check symbols), one symbol per device.
//
// x4 (CHIPKILL_X4): 36 x4 devices, 32 data + 4 check symbols over GF(16). Parity-check
//   matrix H is 4x36 over GF(16): the 4 check columns are unit vectors (systematic), the 32
//   data columns are taken greedily, in lexicographic order, among the points of PG(3,16)
//   so that no three columns are linearly dependent (the 36 columns form a cap). Hence
//   minimum symbol distance 4: SSC-DSD, any single-symbol error is corrected and any
//   double-symbol error is detected. (An RS code cannot do this: over GF(16) its length is
//   at most 17 symbols.) Both guarantees are checked exhaustively by chipkill.test.ts:
//   36 x 15 single-symbol errors, C(36,2) x 15 x 15 = 141,750 double-symbol errors.
// x8 (CHIPKILL_X8): 18 x8 devices, 16 data + 2 check symbols over GF(256): a generalised
//   Reed-Solomon code with data columns (1, alpha^j) and unit check columns, distance 3.
//   SSC only: every single-device error is corrected; a double-device error is detected
//   unless its syndrome happens to equal a single-symbol one, then it is miscorrected
//   (measured in table.ts). Real x8 SDDC needs more check symbols or more beats.
//
// Hot path: the 16 check bits are XORs of 16 byte-indexed tables (one per data byte); the
// decoder looks the 16-bit syndrome up in a 65,536-entry table giving (symbol, error value)
// or "uncorrectable". No BigInt, no field arithmetic, no allocation per word.
// Leaves out: multi-beat (burst-of-8) codewords, erasure decoding after a device has been
// marked failed (Intel "SDDC+1" / AMD double-chipkill), and the real pin mapping.
import { type GaloisField, GF16, GF256 } from "./gf.js";
import { type DecodeStatus, type Outcome, type OutcomeCode, OUTCOME_NAMES, STATUS_CORRECTED, STATUS_OK, STATUS_UNCORRECTABLE, outcomeOf } from "./outcome.js";

export const CHIPKILL_DATA_BITS = 128;
export const CHIPKILL_CHECK_BITS = 16;
export const CHIPKILL_TOTAL_BITS = 144;

/** Caller-owned, reusable result of SymbolCode.decode. */
export interface ChipkillResult {
  /** STATUS_OK (0), STATUS_CORRECTED (1) or STATUS_UNCORRECTABLE (2). */
  status: DecodeStatus;
  /** Data lanes as delivered to the reader (bits 0..31, 32..63, 64..95, 96..127). */
  d0: number;
  d1: number;
  d2: number;
  d3: number;
  check: number;
  /** Symbol (device) index the decoder repaired, or -1. */
  correctedSymbol: number;
  /** The error value XORed back into that symbol, or 0. */
  correctedValue: number;
}

export function newChipkillResult(): ChipkillResult {
  return { status: STATUS_OK, d0: 0, d1: 0, d2: 0, d3: 0, check: 0, correctedSymbol: -1, correctedValue: 0 };
}

/**
 * A systematic linear code over GF(2^m) with 128 data bits and 16 check bits. The
 * parity-check matrix has r = 16/m rows; a column is packed into 16 bits (row k at bits
 * k*m .. k*m+m-1), which is also how a syndrome and the check bits are packed.
 */
export class SymbolCode {
  readonly symbolBits: number;
  readonly dataSymbols: number;
  readonly checkSymbols: number;
  readonly totalSymbols: number;
  readonly dataBits = CHIPKILL_DATA_BITS;
  readonly checkBits = CHIPKILL_CHECK_BITS;
  readonly totalBits = CHIPKILL_TOTAL_BITS;
  /** Packed columns of H, data symbols first, then the unit check columns. */
  readonly columns: Uint16Array;
  /** ENCODE[b*256 + v]: check bits contributed by data byte b having value v. */
  private readonly encodeTable: Uint16Array;
  /** SYNDROME[s]: (symbol << 8 | errorValue) of the single-symbol error with syndrome s, or -1. */
  private readonly syndromeTable: Int16Array;
  private readonly scratch: ChipkillResult = newChipkillResult();

  constructor(
    readonly name: string,
    private readonly field: GaloisField,
    dataColumns: ArrayLike<number>,
  ) {
    const m = field.m;
    this.symbolBits = m;
    this.checkSymbols = CHIPKILL_CHECK_BITS / m;
    this.dataSymbols = CHIPKILL_DATA_BITS / m;
    this.totalSymbols = this.dataSymbols + this.checkSymbols;
    if (dataColumns.length !== this.dataSymbols) throw new Error(`${name}: need ${this.dataSymbols} data columns`);
    this.columns = new Uint16Array(this.totalSymbols);
    for (let j = 0; j < this.dataSymbols; j++) this.columns[j] = dataColumns[j];
    for (let k = 0; k < this.checkSymbols; k++) this.columns[this.dataSymbols + k] = 1 << (k * m);

    this.encodeTable = new Uint16Array(16 * 256);
    for (let b = 0; b < 16; b++) {
      for (let bit = 0; bit < 8; bit++) {
        const pos = b * 8 + bit;
        const single = this.scaleColumn(this.columns[(pos / m) | 0], 1 << (pos % m));
        for (let v = 1 << bit; v < 256; v++) if (v & (1 << bit)) this.encodeTable[b * 256 + v] ^= single;
      }
    }

    this.syndromeTable = new Int16Array(1 << 16).fill(-1);
    for (let j = 0; j < this.totalSymbols; j++) {
      for (let e = 1; e < field.size; e++) {
        const s = this.scaleColumn(this.columns[j], e);
        if (s === 0 || this.syndromeTable[s] !== -1) throw new Error(`${name}: columns are not pairwise independent`);
        this.syndromeTable[s] = (j << 8) | e;
      }
    }
  }

  /** e times a packed column, coordinate by coordinate in GF(2^m). */
  scaleColumn(column: number, e: number): number {
    const m = this.symbolBits;
    const mask = (1 << m) - 1;
    let out = 0;
    for (let k = 0; k < this.checkSymbols; k++) out |= this.field.mul(e, (column >>> (k * m)) & mask) << (k * m);
    return out;
  }

  /** The 16 check bits of the 128-bit data word (d0 = bits 0..31, ..., d3 = bits 96..127). */
  encode(d0: number, d1: number, d2: number, d3: number): number {
    const t = this.encodeTable;
    return (
      t[d0 & 0xff] ^
      t[256 + ((d0 >>> 8) & 0xff)] ^
      t[512 + ((d0 >>> 16) & 0xff)] ^
      t[768 + (d0 >>> 24)] ^
      t[1024 + (d1 & 0xff)] ^
      t[1280 + ((d1 >>> 8) & 0xff)] ^
      t[1536 + ((d1 >>> 16) & 0xff)] ^
      t[1792 + (d1 >>> 24)] ^
      t[2048 + (d2 & 0xff)] ^
      t[2304 + ((d2 >>> 8) & 0xff)] ^
      t[2560 + ((d2 >>> 16) & 0xff)] ^
      t[2816 + (d2 >>> 24)] ^
      t[3072 + (d3 & 0xff)] ^
      t[3328 + ((d3 >>> 8) & 0xff)] ^
      t[3584 + ((d3 >>> 16) & 0xff)] ^
      t[3840 + (d3 >>> 24)]
    );
  }

  /** Decodes a read 144-bit codeword into `out` (no allocation). Returns out.status. */
  decode(d0: number, d1: number, d2: number, d3: number, check: number, out: ChipkillResult): DecodeStatus {
    out.d0 = d0 >>> 0;
    out.d1 = d1 >>> 0;
    out.d2 = d2 >>> 0;
    out.d3 = d3 >>> 0;
    out.check = check;
    out.correctedSymbol = -1;
    out.correctedValue = 0;
    const syndrome = this.encode(d0, d1, d2, d3) ^ check;
    if (syndrome === 0) return (out.status = STATUS_OK);
    const entry = this.syndromeTable[syndrome];
    if (entry < 0) return (out.status = STATUS_UNCORRECTABLE);
    const symbol = entry >>> 8;
    const value = entry & 0xff;
    if (symbol < this.dataSymbols) {
      const offset = symbol * this.symbolBits;
      const fix = (value << (offset & 31)) >>> 0;
      switch (offset >>> 5) {
        case 0:
          out.d0 = (out.d0 ^ fix) >>> 0;
          break;
        case 1:
          out.d1 = (out.d1 ^ fix) >>> 0;
          break;
        case 2:
          out.d2 = (out.d2 ^ fix) >>> 0;
          break;
        default:
          out.d3 = (out.d3 ^ fix) >>> 0;
      }
    } else {
      out.check = check ^ (value << ((symbol - this.dataSymbols) * this.symbolBits));
    }
    out.correctedSymbol = symbol;
    out.correctedValue = value;
    return (out.status = STATUS_CORRECTED);
  }

  /**
   * Encodes the clean word, XORs the flip masks into the stored codeword (f0..f3 over data
   * bits 0..127, fcheck over check bits 128..143 as bits 0..15), decodes, scores.
   */
  classifyCode(c0: number, c1: number, c2: number, c3: number, f0: number, f1: number, f2: number, f3: number, fcheck: number): OutcomeCode {
    const check = this.encode(c0, c1, c2, c3);
    const r = this.scratch;
    const status = this.decode(c0 ^ f0, c1 ^ f1, c2 ^ f2, c3 ^ f3, (check ^ fcheck) & 0xffff, r);
    return outcomeOf(status, r.d0 === c0 >>> 0 && r.d1 === c1 >>> 0 && r.d2 === c2 >>> 0 && r.d3 === c3 >>> 0);
  }

  classify(c0: number, c1: number, c2: number, c3: number, f0: number, f1: number, f2: number, f3: number, fcheck: number): Outcome {
    return OUTCOME_NAMES[this.classifyCode(c0, c1, c2, c3, f0, f1, f2, f3, fcheck)];
  }
}

/**
 * 32 data columns for the x4 code: with the 4 unit columns, no three of the 36 are
 * linearly dependent over GF(16). Greedy over normalised vectors (first non-zero
 * coordinate = 1) in increasing packed order, rejecting any vector in the span of two
 * columns already taken.
 */
function capColumnsX4(): number[] {
  const f = GF16;
  const scale = (v: number, e: number) => f.mul(e, v & 15) | (f.mul(e, (v >>> 4) & 15) << 4) | (f.mul(e, (v >>> 8) & 15) << 8) | (f.mul(e, v >>> 12) << 12);
  const blocked = new Uint8Array(1 << 16);
  const taken: number[] = [];
  const take = (p: number) => {
    for (const q of taken) {
      for (let a = 1; a < 16; a++) {
        const ap = scale(p, a);
        for (let b = 0; b < 16; b++) blocked[ap ^ scale(q, b)] = 1;
      }
    }
    for (let a = 1; a < 16; a++) blocked[scale(p, a)] = 1;
    taken.push(p);
  };
  for (let k = 0; k < 4; k++) take(1 << (4 * k));
  const isNormalised = (v: number) => {
    for (let k = 0; k < 4; k++) {
      const c = (v >>> (4 * k)) & 15;
      if (c) return c === 1;
    }
    return false;
  };
  for (let v = 1; v < 1 << 16 && taken.length < 36; v++) if (isNormalised(v) && !blocked[v]) take(v);
  if (taken.length < 36) throw new Error("chipkill x4: greedy cap too small");
  return taken.slice(4);
}

/** Data columns (1, alpha^j), j = 0..15, of the x8 generalised Reed-Solomon code. */
function rsColumnsX8(): number[] {
  const cols: number[] = [];
  for (let j = 0; j < 16; j++) cols.push(1 | (GF256.pow(j) << 8));
  return cols;
}

/** x4 chipkill, SSC-DSD: 36 x4 devices, 32 data + 4 check symbols over GF(16). */
export const CHIPKILL_X4 = new SymbolCode("chipkill-x4", GF16, capColumnsX4());
/** x8 chipkill, SSC: 18 x8 devices, 16 data + 2 check symbols over GF(256). */
export const CHIPKILL_X8 = new SymbolCode("chipkill-x8", GF256, rsColumnsX8());

export type ChipkillDevice = "x4" | "x8";

export function chipkillCode(device: ChipkillDevice): SymbolCode {
  return device === "x4" ? CHIPKILL_X4 : CHIPKILL_X8;
}

export { STATUS_CORRECTED, STATUS_OK, STATUS_UNCORRECTABLE };
