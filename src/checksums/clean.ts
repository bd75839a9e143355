// The clean ("true") content of memory: a pure function of (content seed, address), so the fault
// layer, the detection layer and the scorer all derive the same bits without storing any
// memory image (TigerBeetle-style: the truth stays clean, faults are an overlay).
// The hash is the 32-bit MurmurHash3 finalizer (Appleby, 2011) over a splitmix-style
// combination of seed, address and lane: cheap, deterministic, well mixed. It is not a
// cryptographic hash and does not need to be: it only has to look like arbitrary data to
// the codes (whose outcomes do not depend on the data anyway, since they are linear).

import { mix32 } from "../sim/hash.js";

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/**
 * Hash of (seed, address, lane) to a uint32. `address` may be any non-negative integer
 * below 2^53 (word addresses of a whole host's memory exceed 2^32).
 */
export function hash3(seed: number, address: number, lane: number): number {
  const addrLo = address >>> 0;
  const addrHi = (address / TWO_POW_32) >>> 0;
  let h = mix32((seed ^ GOLDEN) >>> 0);
  h = mix32((h ^ addrLo) + Math.imul(lane + 1, GOLDEN));
  h = mix32((h ^ addrHi) + 0x632be5ab);
  return h;
}

/**
 * Clean data of the word at `address`: fills out[0 .. lanes-1] with uint32 lanes (lane 0
 * holds data bits 0..31). A SECDED/parity/none word uses 2 lanes (64 bits), a chipkill
 * codeword 4 lanes (128 bits). Allocation-free.
 */
export function cleanWord(seed: number, address: number, out: Uint32Array, lanes: number = out.length): Uint32Array {
  for (let i = 0; i < lanes; i++) out[i] = hash3(seed, address, i);
  return out;
}
