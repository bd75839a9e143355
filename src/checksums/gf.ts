// Arithmetic in the binary extension fields GF(2^4) and GF(2^8), via log/antilog tables.
// Used only to build the chipkill codes' tables at module load; the decoders themselves
// never multiply (their syndrome tables already hold every product they need).
// Primitive polynomials: x^4 + x + 1 (0x13) for GF(16), x^8 + x^4 + x^3 + x^2 + 1 (0x11d)
// for GF(256), the usual Reed-Solomon choices (e.g. Lin & Costello 2004, appendix B).

export interface GaloisField {
  /** Bits per element (4 or 8); the field has 2^m elements. */
  readonly m: number;
  readonly size: number;
  /** exp[i] = alpha^i for i in 0 .. 2*(size-1) (doubled to skip a modulo). */
  readonly exp: Uint16Array;
  /** log[x] for x != 0; log[0] is unused. */
  readonly log: Uint16Array;
  mul(a: number, b: number): number;
  /** alpha^i for any integer i >= 0. */
  pow(i: number): number;
}

export function makeField(m: number, primitivePoly: number): GaloisField {
  const size = 1 << m;
  const order = size - 1;
  const exp = new Uint16Array(2 * order + 1);
  const log = new Uint16Array(size);
  let x = 1;
  for (let i = 0; i < order; i++) {
    exp[i] = x;
    log[x] = i;
    x <<= 1;
    if (x & size) x ^= primitivePoly;
  }
  if (x !== 1) throw new Error(`polynomial 0x${primitivePoly.toString(16)} is not primitive for m=${m}`);
  for (let i = order; i < exp.length; i++) exp[i] = exp[i - order];
  return {
    m,
    size,
    exp,
    log,
    mul: (a, b) => (a === 0 || b === 0 ? 0 : exp[log[a] + log[b]]),
    pow: (i) => exp[i % order],
  };
}

export const GF16: GaloisField = makeField(4, 0x13);
export const GF256: GaloisField = makeField(8, 0x11d);
