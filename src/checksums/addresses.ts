// Where a memory error lands in a code's codeword, for the detection layer (./detect.ts).
//
// Addresses. The codeword of host word w is w itself for none/parity/SECDED (72-bit or
// smaller codewords, one per host word). Chipkill (x4, SSC-DSD) reads two 72-bit words in
// lockstep as one 144-bit codeword: host words 2c and 2c+1 form codeword c, and a 72-bit
// position p of half h = w & 1 maps to
//   data bit p < 64:    144-bit position h x 64 + p         (data symbols 16h .. 16h+15)
//   check bit p >= 64:  144-bit position 128 + h x 8 + p - 64   (check symbols 32+2h, 33+2h)
// so the nibble of x4 device d in either half (bits 4d .. 4d+3, memory.ts) is exactly one
// symbol of the chipkill code: a whole-device error is one symbol error, which it corrects.
// The clean data of codeword c of host h is cleanWord(content(h), c), with content(h) the
// keyed hash "memory.content" of the host (src/sim/hash.ts): the host is folded into the
// content seed so addresses stay below 2^53 on any fleet. A non-ECC DIMM has no
// check devices (none: 64-bit codeword, parity: 65 bits): flips on positions the code's
// codeword does not have are dropped, and an event left with no flip is a clean read.
import type { EccMode } from "../fleet/spec.js";

/** 72-bit codeword position `p` of host word `word`, in the code's codeword (see the header). */
export function codewordPosition(mode: EccMode, word: number, p: number): number {
  if (mode !== "chipkill") return p;
  const half = word & 1;
  return p < 64 ? half * 64 + p : 128 + half * 8 + (p - 64);
}

/** Codeword index of host word `word` (two words per chipkill codeword). */
export function codewordIndex(mode: EccMode, word: number): number {
  return mode === "chipkill" ? Math.floor(word / 2) : word;
}

/** Whether the code corrects single-bit errors (and so keeps latent errors). */
export function corrects(mode: EccMode): boolean {
  return mode === "secded" || mode === "chipkill";
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Clears flipped positions at or beyond `totalBits` (positions the codeword does not have). */
export function clipToCodeword(flips: Uint32Array, totalBits: number): void {
  for (let i = 0; i < flips.length; i++) {
    const lo = i * 32;
    if (lo >= totalBits) flips[i] = 0;
    else if (lo + 32 > totalBits) flips[i] &= (1 << (totalBits - lo)) - 1;
  }
}

/** Inverse of codewordPosition for chipkill: the host word and its 72-bit position. */
export function chipkillWordPosition(cw: number, q: number): { word: number; p: number } {
  if (q < 128) return { word: cw * 2 + (q >= 64 ? 1 : 0), p: q & 63 };
  const half = q >= 136 ? 1 : 0;
  return { word: cw * 2 + half, p: 64 + q - 128 - half * 8 };
}

export function hex(lanes: ArrayLike<number>, n: number): string {
  let s = "";
  for (let i = n - 1; i >= 0; i--) s += (lanes[i] >>> 0).toString(16).padStart(8, "0");
  return s;
}
