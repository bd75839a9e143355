import { describe, expect, it } from "vitest";
import { blockBytes } from "../../checksums/crc.js";
import { MATERIALISE_MAX_BYTES, caughtAnalytic, caughtMaterialised, crcCatches } from "./checksum.js";

/**
 * The generator polynomial x^32 + ... + 1 as a 33-bit error pattern, which the CRC cannot
 * see. Reflected CRC: the stream's first bit (bit 0 of byte 0) is the highest power, x^32;
 * stream bit i + 1 is x^(31 - i), whose coefficient is bit i of 0xEDB88320.
 */
function generatorError(): Uint8Array {
  const e = new Uint8Array(5);
  e[0] = 1;
  for (let i = 0; i < 32; i++) if ((0xedb88320 >>> i) & 1) e[(i + 1) >>> 3] ^= 1 << ((i + 1) & 7);
  return e;
}

describe("CRC-32 on the store's copies", () => {
  it("materialised and analytic checks agree: sector garbage is caught, the generator polynomial escapes both", () => {
    const g = generatorError();
    for (let id = 0; id < 300; id++) {
      const size = 4096 + ((id * 7919) % (MATERIALISE_MAX_BYTES - 4096));
      const at = (id * 104729) % (size - 4096 + 1);
      const garbage = blockBytes(id + 1, 0, 4096); // what disk.corrupt XORs in
      expect(caughtMaterialised(5, id, size, at, garbage)).toBe(true);
      expect(caughtAnalytic(size, at, garbage)).toBe(true);
      // The generator polynomial itself, anywhere in the copy: the CRC cannot see it.
      expect(caughtMaterialised(5, id, size, at, g)).toBe(false);
      expect(caughtAnalytic(size, at, g)).toBe(false);
      // Three bits: within CRC-32's guarantees (Koopman 2002).
      const three = new Uint8Array([0x01, 0x00, 0x10, 0x00, 0x04]);
      expect(caughtMaterialised(5, id, size, at, three)).toBe(true);
      expect(caughtAnalytic(size, at, three)).toBe(true);
    }
  });

  it("crcCatches checks a small copy on its bytes and a 128 MiB copy analytically, the last short sector included", () => {
    expect(crcCatches(9, 1, 2 ** 16, 5000, 77)).toBe(true);
    expect(crcCatches(9, 1, 128 * 2 ** 20, 100 * 2 ** 20 + 17, 77)).toBe(true);
    expect(crcCatches(9, 2, 10_000, 9_999, 78)).toBe(true);
  });
});
