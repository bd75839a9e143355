// Helpers shared by the checksum tests (not used on any hot path).
export { forEachSubset } from "./subsets.js";

/** XORs bit `pos` into lanes (lane = pos >>> 5, bit = pos & 31). */
export function flipBit(lanes: Uint32Array | number[], pos: number): void {
  lanes[pos >>> 5] = (lanes[pos >>> 5] ^ (1 << (pos & 31))) >>> 0;
}
