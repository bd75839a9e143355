import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRC32_HD4_MAX_BYTES, blockBytes, checkBlock, checkBlockCode, crc32, crcDelta } from "./crc.js";
import { OUTCOME_CLEAN, OUTCOME_DETECTED } from "./outcome.js";

/** Bitwise reference CRC-32 (IEEE, reflected 0xEDB88320). */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("crc32", () => {
  it('is 0xCBF43926 on ASCII "123456789" (the standard check value)', () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("matches a bitwise reference and is unsigned", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const c = crc32(bytes);
        return c >= 0 && c === referenceCrc32(bytes);
      }),
    );
  });

  it("continues from a seed like one pass over the concatenation", () => {
    const a = blockBytes(1, 1, 100);
    const b = blockBytes(1, 2, 77);
    const ab = new Uint8Array(177);
    ab.set(a);
    ab.set(b, 100);
    expect(crc32(b, crc32(a))).toBe(crc32(ab));
  });
});

describe("blockBytes", () => {
  it("is a pure function of (seed, blockId), any size", () => {
    expect(blockBytes(3, 10, 4099)).toEqual(blockBytes(3, 10, 4099));
    expect(blockBytes(3, 10, 64)).not.toEqual(blockBytes(3, 11, 64));
    expect(blockBytes(3, 10, 64)).not.toEqual(blockBytes(4, 10, 64));
    expect(blockBytes(3, 10, 7)).toEqual(blockBytes(3, 10, 11).subarray(0, 7));
  });

  it("fills a caller buffer", () => {
    const out = new Uint8Array(16);
    expect(blockBytes(1, 2, 16, out)).toBe(out);
    expect(out).toEqual(blockBytes(1, 2, 16));
  });
});

describe("checkBlock", () => {
  const sizes = fc.integer({ min: 1, max: 4096 });

  it("detects every random 1-, 2- and 3-bit flip", () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (size, id, k, raw) => {
        const bits = size * 8;
        const flips = [...new Set(raw.map((r) => r % bits))].slice(0, k);
        return checkBlockCode(blockBytes(9, id, size), flips) === OUTCOME_DETECTED;
      }),
      { numRuns: 300 },
    );
  });

  it("detects 3-bit flips spread over the largest HD-4 block", () => {
    const block = blockBytes(5, 5, CRC32_HD4_MAX_BYTES);
    const stored = crc32(block);
    const n = CRC32_HD4_MAX_BYTES * 8;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 3, maxLength: 3 }),
        (flips) => checkBlockCode(block, flips, 3, stored) === OUTCOME_DETECTED,
      ),
      { numRuns: 100 },
    );
  });

  it("detects every burst of up to 32 adjacent bits", () => {
    const block = blockBytes(2, 2, 512);
    const stored = crc32(block);
    const flips = new Int32Array(32);
    for (let len = 1; len <= 32; len++) {
      for (let start = 0; start + len <= 512 * 8; start += 37) {
        for (let i = 0; i < len; i++) flips[i] = start + i;
        expect(checkBlockCode(block, flips, len, stored)).toBe(OUTCOME_DETECTED);
      }
    }
  });

  it("is silent when the flips form a multiple of the CRC polynomial", () => {
    // The generator polynomial itself (degree 32, 15 terms) added anywhere in the message
    // leaves the remainder unchanged: x^32 + x^26 + ... + 1 over bits in transmission order.
    const exponents = [32, 26, 23, 22, 16, 12, 11, 10, 8, 7, 5, 4, 2, 1, 0];
    const block = blockBytes(8, 8, 64);
    // Reflected CRC: bit k of byte i is message bit 8i + k in time order; the term x^e
    // of a pattern ending at time position T is bit T - e.
    const end = 200;
    const flips = exponents.map((e) => end - e);
    expect(checkBlock(block, flips)).toBe("silent");
    expect(checkBlockCode(block, flips.slice(1))).toBe(OUTCOME_DETECTED);
  });

  it("is clean when flips cancel, and does not modify the clean block", () => {
    const block = blockBytes(1, 1, 32);
    const copy = block.slice();
    expect(checkBlockCode(block, [5, 5])).toBe(OUTCOME_CLEAN);
    expect(checkBlock(block, [5, 100])).toBe("detected");
    expect(block).toEqual(copy);
    expect(checkBlockCode(block, [])).toBe(OUTCOME_CLEAN);
  });
});

describe("crcDelta: the analytic check agrees with real buffers", () => {
  /** `block` with `pattern` XORed in at `offset`, as a new buffer. */
  const corrupt = (block: Uint8Array, pattern: Uint8Array, offset: number) => {
    const out = block.slice();
    for (let i = 0; i < pattern.length; i++) out[offset + i] ^= pattern[i];
    return out;
  };

  it("predicts the CRC of every corrupted block from the error alone", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.nat(), (size, id, raw, at) => {
        const pattern = raw.subarray(0, Math.min(raw.length, size));
        const offset = at % (size - pattern.length + 1);
        const block = blockBytes(4, id, size);
        return crc32(corrupt(block, pattern, offset)) === (crc32(block) ^ crcDelta(pattern, offset, size)) >>> 0;
      }),
      { numRuns: 300 },
    );
  });

  it("says caught exactly when checkBlock says detected, silent patterns included", () => {
    const size = 64;
    const block = blockBytes(8, 8, size);
    const flipsToPattern = (flips: number[]) => {
      const p = new Uint8Array(size);
      for (const f of flips) p[f >>> 3] ^= 1 << (f & 7);
      return p;
    };
    const polynomial = [32, 26, 23, 22, 16, 12, 11, 10, 8, 7, 5, 4, 2, 1, 0].map((e) => 200 - e);
    for (const flips of [polynomial, polynomial.slice(1), [3], [3, 400], [0, 511]]) {
      const caught = crcDelta(flipsToPattern(flips), 0, size) !== 0;
      expect({ flips, caught }).toEqual({ flips, caught: checkBlock(block, flips) === "detected" });
    }
    expect(crcDelta(flipsToPattern(polynomial), 0, size)).toBe(0);
  });

  it("works for blocks far too large to hold (a 4 GiB shard): appending zeros is squaring", () => {
    // A 1-byte error 4096 bytes before the end of a 4 GiB block and of a 4097-byte block
    // leaves the same change: what follows it is what counts.
    const e = Uint8Array.of(0x5a);
    expect(crcDelta(e, 2 ** 32 - 4097, 2 ** 32)).toBe(crcDelta(e, 0, 4097));
    // And the same error 1 byte further from the end changes the CRC as a real buffer says.
    const block = new Uint8Array(4098);
    const hit = block.slice();
    hit[0] ^= 0x5a;
    expect(crcDelta(e, 2 ** 32 - 4098, 2 ** 32)).toBe((crc32(hit) ^ crc32(block)) >>> 0);
  });
});
