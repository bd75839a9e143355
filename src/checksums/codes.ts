// One interface over every memory ECC mode, so the detection layer picks a code by a
// host's `EccMode` ("none" | "parity" | "secded" | "chipkill"), or by the lane's `ecc`
// what-if (src/recovery/hardware.ts), and hands it real flips.
//
// A codeword is `wordTotalBits` bits: data bits 0 .. wordDataBits-1, then the check bits.
// Both the clean data and the flips are packed in uint32 lanes, bit p at lane p >>> 5,
// bit p & 31 (so for SECDED, flips[2] bits 0..7 are check bits 64..71). The clean data of
// a word is cleanWord(seed, address) (see clean.ts): a pure function, never stored.
//
// What the fault layer typically does:
//   - a cosmic upset hits one bit, or a few adjacent bits:    classifyBurst / classifyBits;
//   - a failed DRAM device corrupts its whole symbol:          classifyDevice, with the
//     code's own device width (`deviceBits`: x4 for none/parity/SECDED on a 72-bit bus of
//     x4 chips, the symbol width for chipkill); device d = codeword bits d*w .. d*w+w-1.
// Every call encodes the clean word, XORs the flips into the stored codeword and decodes:
// the outcome is the decoder's, never a probability. Allocation-free (module scratch).
//
// Chipkill defaults to x4 (SSC-DSD, 144-bit codeword); pass "x8" for the x8 variant.
// Leaves out: a real DIMM's bit-to-pin/beat mapping (positions are codeword positions).
import type { EccMode } from "../fleet/spec.js";
import { type ChipkillDevice, type SymbolCode, chipkillCode } from "./chipkill.js";
import { cleanWord } from "./clean.js";
import { classifyNoneCode, NONE_DATA_BITS, NONE_TOTAL_BITS } from "./none.js";
import { type Outcome, type OutcomeCode, OUTCOME_NAMES } from "./outcome.js";
import { classifyParityCode, PARITY_DATA_BITS, PARITY_TOTAL_BITS } from "./parity.js";
import { classifySecdedCode, SECDED_DATA_BITS, SECDED_TOTAL_BITS } from "./secded.js";

export { cleanWord };
export type { Outcome, OutcomeCode };
export { OUTCOME_CLEAN, OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT, outcomeName } from "./outcome.js";

/** Uint32 lanes that hold any codeword's flips (144 bits -> 5 lanes). */
export const MAX_FLIP_LANES = 5;
/** Uint32 lanes that hold any code's data (128 bits -> 4 lanes). */
export const MAX_DATA_LANES = 4;

export interface EccCode {
  /** Display name, e.g. "secded(72,64)". */
  readonly name: string;
  readonly mode: EccMode;
  /** Data bits per codeword: 64, or 128 for chipkill. */
  readonly wordDataBits: number;
  /** Codeword bits: 64 none, 65 parity, 72 SECDED, 144 chipkill. */
  readonly wordTotalBits: number;
  /** Uint32 lanes of data (wordDataBits / 32). */
  readonly dataLanes: number;
  /** Bits one DRAM device contributes to a codeword (4 on an x4 bus, the symbol width for chipkill). */
  readonly deviceBits: number;
  /** Devices whose bits lie wholly in the codeword: floor(wordTotalBits / deviceBits). */
  readonly devices: number;
  /**
   * Outcome of reading the word whose clean data is `clean` (dataLanes lanes) after the
   * stored codeword was XORed with `flips` (ceil(wordTotalBits / 32) lanes; bits beyond
   * wordTotalBits are ignored).
   */
  classify(clean: Uint32Array, flips: Uint32Array): OutcomeCode;
}

const NONE: EccCode = {
  name: "none",
  mode: "none",
  wordDataBits: NONE_DATA_BITS,
  wordTotalBits: NONE_TOTAL_BITS,
  dataLanes: 2,
  deviceBits: 4,
  devices: 16,
  classify: (clean, flips) => classifyNoneCode(clean[0], clean[1], flips[0], flips[1]),
};

const PARITY: EccCode = {
  name: "parity",
  mode: "parity",
  wordDataBits: PARITY_DATA_BITS,
  wordTotalBits: PARITY_TOTAL_BITS,
  dataLanes: 2,
  deviceBits: 4,
  devices: 16,
  classify: (clean, flips) => classifyParityCode(clean[0], clean[1], flips[0], flips[1], flips[2] & 1),
};

const SECDED: EccCode = {
  name: "secded(72,64)",
  mode: "secded",
  wordDataBits: SECDED_DATA_BITS,
  wordTotalBits: SECDED_TOTAL_BITS,
  dataLanes: 2,
  deviceBits: 4,
  devices: 18,
  classify: (clean, flips) => classifySecdedCode(clean[0], clean[1], flips[0], flips[1], flips[2] & 0xff),
};

function chipkillEccCode(code: SymbolCode): EccCode {
  return {
    name: code.name,
    mode: "chipkill",
    wordDataBits: code.dataBits,
    wordTotalBits: code.totalBits,
    dataLanes: 4,
    deviceBits: code.symbolBits,
    devices: code.totalSymbols,
    classify: (c, f) => code.classifyCode(c[0], c[1], c[2], c[3], f[0], f[1], f[2], f[3], f[4] & 0xffff),
  };
}

const CHIPKILL_X4_CODE = chipkillEccCode(chipkillCode("x4"));
const CHIPKILL_X8_CODE = chipkillEccCode(chipkillCode("x8"));

/** The code protecting a host's memory in the given ECC mode. */
export function codeFor(mode: EccMode, chipkillDevice: ChipkillDevice = "x4"): EccCode {
  switch (mode) {
    case "none":
      return NONE;
    case "parity":
      return PARITY;
    case "secded":
      return SECDED;
    case "chipkill":
      return chipkillDevice === "x4" ? CHIPKILL_X4_CODE : CHIPKILL_X8_CODE;
  }
}

/** Every code, in table order: none, parity, SECDED, chipkill x4, chipkill x8. */
export const ALL_CODES: readonly EccCode[] = [NONE, PARITY, SECDED, CHIPKILL_X4_CODE, CHIPKILL_X8_CODE];

const flipScratch = new Uint32Array(MAX_FLIP_LANES);

/** Zeroes out[0..MAX_FLIP_LANES) and sets the given codeword bit positions (XOR: a repeat cancels). */
export function flipsFromPositions(positions: ArrayLike<number>, count: number, out: Uint32Array): Uint32Array {
  out.fill(0);
  for (let i = 0; i < count; i++) {
    const p = positions[i];
    out[p >>> 5] ^= 1 << (p & 31);
  }
  return out;
}

/** Outcome of flipping the codeword bits positions[0 .. count-1] of a word. */
export function classifyBits(code: EccCode, clean: Uint32Array, positions: ArrayLike<number>, count: number = positions.length): OutcomeCode {
  for (let i = 0; i < count; i++) {
    const p = positions[i];
    if (p < 0 || p >= code.wordTotalBits) throw new RangeError(`bit ${p} outside the ${code.wordTotalBits}-bit ${code.name} codeword`);
  }
  return code.classify(clean, flipsFromPositions(positions, count, flipScratch));
}

/** XORs `value` (up to 32 bits wide, `widthBits`) into flips at codeword bit `start`. */
function xorField(flips: Uint32Array, start: number, widthBits: number, value: number): void {
  const lane = start >>> 5;
  const shift = start & 31;
  flips[lane] ^= value << shift;
  if (shift + widthBits > 32) flips[lane + 1] ^= value >>> (32 - shift);
}

/** Outcome of a burst: `lengthBits` adjacent bits (1..32) flipped from codeword bit `start`. */
export function classifyBurst(code: EccCode, clean: Uint32Array, start: number, lengthBits: number): OutcomeCode {
  if (lengthBits < 1 || lengthBits > 32 || start < 0 || start + lengthBits > code.wordTotalBits) {
    throw new RangeError(`burst [${start}, ${start + lengthBits}) outside the ${code.wordTotalBits}-bit ${code.name} codeword`);
  }
  flipScratch.fill(0);
  xorField(flipScratch, start, lengthBits, lengthBits === 32 ? 0xffffffff : (1 << lengthBits) - 1);
  return code.classify(clean, flipScratch);
}

/**
 * Outcome of device `device` (0 .. code.devices-1) returning its bits XORed with
 * `errorValue` (1 .. 2^deviceBits - 1): a failed or glitching DRAM chip.
 */
export function classifyDevice(code: EccCode, clean: Uint32Array, device: number, errorValue: number): OutcomeCode {
  return classifySymbol(code, clean, device, code.deviceBits, errorValue);
}

/** Outcome of XORing `errorValue` into the `symbolBits`-wide symbol `symbol` of the codeword. */
export function classifySymbol(code: EccCode, clean: Uint32Array, symbol: number, symbolBits: number, errorValue: number): OutcomeCode {
  const start = symbol * symbolBits;
  if (symbol < 0 || start + symbolBits > code.wordTotalBits || symbolBits > 32) {
    throw new RangeError(`symbol ${symbol} (x${symbolBits}) outside the ${code.wordTotalBits}-bit ${code.name} codeword`);
  }
  const mask = symbolBits === 32 ? 0xffffffff : (1 << symbolBits) - 1;
  flipScratch.fill(0);
  xorField(flipScratch, start, symbolBits, (errorValue & mask) >>> 0);
  return code.classify(clean, flipScratch);
}

/** As code.classify, returning the outcome's name. */
export function classifyWord(code: EccCode, clean: Uint32Array, flips: Uint32Array): Outcome {
  return OUTCOME_NAMES[code.classify(clean, flips)];
}
