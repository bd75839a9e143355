// Randomness that is not a draw from a stream: a number that is a pure function of the
// run's seed, a name and a few keys, the same whenever and in whatever lane it is asked
// for. Used where a value must not depend on what else was drawn before it: which host
// fails to come back from a given power loss (the same in every policy's lane), the phase
// of a host's patrol scrub, the clean content of a word of memory, the result a defective
// core corrupts. Streams (./streams.ts) hand these out by name, like streams:
// `sim.streams.hash("storage.noReboot").uniform(host, atSec)`. Nothing else in fleet hashes
// a seed by hand.
//
// Construction: the 32-bit MurmurHash3 finalizer (Appleby, 2011) folded over the seed's
// two 32-bit halves, the name's FNV-1a hash, then each key's 64 bits (integers and times
// alike, as float64), each step with its own odd constant. Not cryptographic; it only has
// to look like independent uniforms, and its outputs pass the uniformity and independence
// checks of ./hash.test.ts.

/** MurmurHash3 fmix32: a bijective 32-bit mixer. Returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const TWO_POW_32 = 4294967296;
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** FNV-1a over the UTF-16 code units of `s`. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class KeyedHash {
  private readonly key: number;

  constructor(
    readonly seed: number,
    readonly name: string,
  ) {
    let h = mix32((seed >>> 0) ^ 0x9e3779b9);
    h = mix32((h ^ Math.floor(seed / TWO_POW_32)) + 0x7f4a7c15);
    this.key = mix32((h ^ fnv1a(name)) + 0x632be5ab);
  }

  /** A uint32 from up to three keys (a missing key is 0). */
  u32(a: number, b = 0, c = 0): number {
    let h = this.fold(this.key, a);
    h = this.fold(h, b);
    return this.fold(h, c);
  }

  /** A uniform in [0, 1) from up to three keys. */
  uniform(a: number, b = 0, c = 0): number {
    return this.u32(a, b, c) / TWO_POW_32;
  }

  private fold(h: number, x: number): number {
    scratch[0] = x;
    h = mix32((h ^ scratchWords[0]) + 0x85ebca6b);
    return mix32((h ^ scratchWords[1]) + 0xc2b2ae35);
  }
}
