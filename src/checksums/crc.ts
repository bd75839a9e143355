// End-to-end CRC-32 over data blocks: the writer stores the CRC of the clean block, the
// reader recomputes it over the bytes it got; a mismatch is a detected corruption, a match
// over different bytes a silent one. Used for serving responses
// (src/workloads/serving/window.ts), storage blocks (src/workloads/storage/checksum.ts)
// and training checkpoint shards (src/workloads/training/shards.ts, policy
// checkpointChecksum), and by the code table (./table.ts).
//
// CRC: IEEE 802.3 CRC-32 (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF),
// computed by the `crc-32` package (SheetJS). Guarantees (Koopman, "32-Bit Cyclic
// Redundancy Codes for Internet Applications", DSN 2002; Koopman's CRC Zoo): Hamming
// distance 4 for data words up to 91,607 bits, so every 1-, 2- and 3-bit error in a block
// of up to 11,450 bytes is detected; every burst of at most 32 bits is detected in a block
// of any size; beyond that, a random corruption escapes with probability about 2^-32.
// These are properties the tests check, not shortcuts: checkBlock really flips the bits of
// a copy of the block and recomputes the CRC.
//
// Block content is a pure function of (seed, blockId): blockBytes fills it 4 bytes at a
// time from an integer hash, little-endian, so it is identical on every platform.
//
// Blocks too large to materialise (a training checkpoint shard of gigabytes) are checked
// analytically and exactly, by the CRC's linearity: for messages of one length n,
// crc(a xor e) = crc(a) xor L(e), where L is the CRC with zero init and no final XOR (the
// data drops out). L of an error pattern p at byte offset o of an n-byte block is L(p)
// followed by n - o - |p| zero bytes, i.e. L(p) times x^(8(n - o - |p|)) mod the CRC
// polynomial, found by squaring (zlib's crc32_combine does the same). So `crcDelta` gives
// the change an error makes to a block's CRC from the error's bytes alone, in O(|p| +
// log n); the error is caught iff it is not 0. Tests check it against real buffers
// (./crc.test.ts). crcCaughtOnBytes and crcCaughtByLinearity decide the same question,
// whether a block's stored CRC catches errors XORed into it, the two ways: the storage
// copies and the checkpoint shards call them, real bytes for small blocks, linearity for
// large ones.
// Leaves out: CRC-32C (Castagnoli, better HD at storage block sizes), per-sector vs
// per-block placement, and misdirected writes (a correct CRC over the wrong block).
import CRC32 from "crc-32";
import { mix32 } from "../sim/hash.js";
import { hash3 } from "./clean.js";
import { type Outcome, type OutcomeCode, OUTCOME_CLEAN, OUTCOME_DETECTED, OUTCOME_NAMES, OUTCOME_SILENT } from "./outcome.js";

/** Largest block, in bytes, in which CRC-32 detects every error of up to 3 bits (HD 4). */
export const CRC32_HD4_MAX_BYTES = Math.floor(91607 / 8);

/** CRC-32 (IEEE) of `bytes`, as an unsigned 32-bit integer. `seed` continues a previous CRC. */
export function crc32(bytes: Uint8Array, seed?: number): number {
  return CRC32.buf(bytes, seed === undefined ? undefined : seed | 0) >>> 0;
}

/**
 * The clean content of block `blockId`: `sizeBytes` bytes, a pure function of (seed, blockId).
 * Fills and returns `out` if given (it must hold sizeBytes bytes), else a new array.
 */
export function blockBytes(seed: number, blockId: number, sizeBytes: number, out?: Uint8Array): Uint8Array {
  const bytes = out ?? new Uint8Array(sizeBytes);
  if (bytes.length < sizeBytes) throw new RangeError(`out holds ${bytes.length} bytes, need ${sizeBytes}`);
  const base = hash3(seed, blockId, 0x6c0c);
  const whole = sizeBytes & ~3;
  let i = 0;
  for (let w = 0; i < whole; w++, i += 4) {
    const h = mix32((base + Math.imul(w, 0x9e3779b9)) >>> 0);
    bytes[i] = h;
    bytes[i + 1] = h >>> 8;
    bytes[i + 2] = h >>> 16;
    bytes[i + 3] = h >>> 24;
  }
  if (i < sizeBytes) {
    const h = mix32((base + Math.imul(i >>> 2, 0x9e3779b9)) >>> 0);
    for (let k = 0; i < sizeBytes; i++, k += 8) bytes[i] = h >>> k;
  }
  return bytes;
}

let scratch = new Uint8Array(0);

/**
 * What a reader of `clean` sees after the bits at `flips[0 .. count-1]` (bit p = bit p & 7
 * of byte p >>> 3) were flipped in storage: the CRC stored with the clean block is
 * compared with the CRC recomputed over the corrupted copy. `storedCrc` may be passed to
 * skip recomputing the clean block's CRC. Flipping a bit twice cancels.
 */
export function checkBlockCode(clean: Uint8Array, flips: ArrayLike<number>, count: number = flips.length, storedCrc: number = crc32(clean)): OutcomeCode {
  const size = clean.length;
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  const read = scratch.length === size ? scratch : scratch.subarray(0, size);
  read.set(clean);
  for (let i = 0; i < count; i++) {
    const p = flips[i];
    if (p < 0 || p >= size * 8) throw new RangeError(`bit ${p} outside a ${size}-byte block`);
    read[p >>> 3] ^= 1 << (p & 7);
  }
  if (crc32(read) !== storedCrc >>> 0) return OUTCOME_DETECTED;
  for (let i = 0; i < count; i++) {
    const byte = flips[i] >>> 3;
    if (read[byte] !== clean[byte]) return OUTCOME_SILENT;
  }
  return OUTCOME_CLEAN;
}

/** As checkBlockCode, returning "clean" | "detected" | "silent". */
export function checkBlock(clean: Uint8Array, flips: ArrayLike<number>, storedCrc?: number): Outcome {
  return OUTCOME_NAMES[checkBlockCode(clean, flips, flips.length, storedCrc)];
}

/** The reflected CRC-32 polynomial. */
const POLY = 0xedb88320;

/** a x b modulo the CRC polynomial, both in the reflected bit order (zlib's multmodp); a must not be 0. */
function mulModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) mod the polynomial, k = 0..31 (zlib's x2n_table). */
const X2N: number[] = [];
for (let p = 0x40000000, k = 0; k < 32; k++) {
  X2N.push(p);
  p = mulModP(p, p);
}

/** x^(8 n) mod the polynomial: the operator that appends n zero bytes to a zero-init CRC. */
function zeroBytesOp(n: number): number {
  let p = 0x80000000; // x^0
  for (let k = 3; n > 0; k++) {
    if (n % 2 === 1) p = mulModP(X2N[k & 31], p);
    n = Math.floor(n / 2);
  }
  return p;
}

/**
 * The change that XORing `pattern` into an `totalBytes`-byte block at byte `offset` makes
 * to the block's CRC-32: crc32(block xor error) = crc32(block) xor crcDelta(...). Exact for
 * any block size, without the block (see the header). 0: the error is not caught.
 */
export function crcDelta(pattern: Uint8Array, offset: number, totalBytes: number): number {
  if (!(offset >= 0 && offset + pattern.length <= totalBytes))
    throw new RangeError(`a ${pattern.length}-byte error at ${offset} is outside a ${totalBytes}-byte block`);
  const pure = (crc32(pattern, 0xffffffff) ^ 0xffffffff) >>> 0; // zero init, no final XOR
  if (pure === 0) return 0;
  return mulModP(zeroBytesOp(totalBytes - offset - pattern.length), pure);
}

/** An error XORed into a block: `bytes` at byte `offset`. */
export interface BlockError {
  offset: number;
  bytes: Uint8Array;
}

/** Whether the CRC-32 of `clean` changes when `errors` are XORed into it, on the real bytes (`clean` is changed). */
export function crcCaughtOnBytes(clean: Uint8Array, errors: readonly BlockError[]): boolean {
  const stored = crc32(clean);
  for (const e of errors) for (let i = 0; i < e.bytes.length; i++) clean[e.offset + i] ^= e.bytes[i];
  return crc32(clean) !== stored;
}

/** The same for a `size`-byte block from the errors alone, by linearity (crcDelta): no block is built. */
export function crcCaughtByLinearity(size: number, errors: readonly BlockError[]): boolean {
  let delta = 0;
  for (const e of errors) delta ^= crcDelta(e.bytes, e.offset, size);
  return delta >>> 0 !== 0;
}
