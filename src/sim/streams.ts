// Named random streams derived from the scenario seed.
//
// Each stream is seeded from "<seed>/<name>" alone, so it is a pure function of the
// scenario seed and its own name: adding, removing or using another stream never shifts
// its numbers (common random numbers across policies, DESIGN.md invariant 2).
//
// Generator: seedrandom's Alea (Johannes Baagøe). Measured on this machine (Node 20) in
// a monomorphic loop: alea 136M draws/s, tychei 86M, xor4096 84M, xorwow 69M,
// xorshift7 65M, xor128 57M, the default ARC4 16M. Alea passes TestU01 BigCrush
// (Baagøe), has period ~2^116 (enough for any run), seeds from any string through its
// Mash hash, and is fastest because its state is three doubles updated with float
// arithmetic that V8 keeps unboxed. Its outputs have 32 bits; Rng joins two per uniform
// to get 53 bits.
import seedrandom from "seedrandom";
import { Rng } from "./rng.js";

export class Streams {
  private readonly byName = new Map<string, Rng>();

  constructor(readonly seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  }

  /** The stream called `name` (e.g. "faults.cosmic"); the same name gives the same object. */
  get(name: string): Rng {
    let rng = this.byName.get(name);
    if (rng === undefined) {
      rng = new Rng(name, seedrandom.alea(`${this.seed}/${name}`));
      this.byName.set(name, rng);
    }
    return rng;
  }

  /** Names of the streams handed out so far, in order of first use. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
