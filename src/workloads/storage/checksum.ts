// End-to-end CRC-32 on the store's copies and fragments (the policy's blockChecksums,
// src/recovery/replication.ts). The writer stores the CRC-32 of a copy's clean bytes with
// it; a scrub or a read recomputes it over the bytes the disk returns, and a mismatch is a
// caught corruption. What corrupts a copy: a `disk.corrupt` fault (src/faults/disk-corruption.ts),
// a sector the disk garbles without reporting it, XORing blockBytes(seed, 0, SECTOR_BYTES)
// into the bytes of the copy under it (a latent sector error, `disk.lse`, is a read error
// instead: the store finds it without a checksum).
//
// Whether the CRC catches it is decided on real bytes, two ways that give the same answer:
//   - materialised (copies of at most MATERIALISE_MAX_BYTES): the copy's clean bytes come
//     from src/checksums/crc.ts's blockBytes (a pure function of the run's seed and the
//     copy's content id: its block, or its block and fragment), the garbage is XORed into a
//     real buffer, and crc32 (the crc-32 package) runs on both;
//   - analytic (larger copies, a 128 MiB block): CRC-32 is linear, so the garbage alone
//     decides (crcDelta in src/checksums/crc.ts, exact for any size): caught iff not 0.
// ./checksum.test.ts checks the two agree, on garbage the CRC catches and on an error it
// cannot see (the generator polynomial). A sector of garbage is beyond both of CRC-32's
// guarantees (bursts of at most 32 bits, at most 3 bits in up to 11,450 bytes; Koopman, DSN
// 2002), so about one corruption in 2^32 escapes it.
//
// Left out: CRC-32C (what HDFS and Ceph use; the same linearity holds), checksums per chunk
// (HDFS keeps one per 512 bytes: it finds the same corruptions, and repairs less), and
// corruption of the checksums themselves.
import { SECTOR_BYTES } from "../../faults/disk.js";
import { blockBytes, crcCaughtByLinearity, crcCaughtOnBytes } from "../../checksums/crc.js";

/** Largest copy whose bytes are built to check its CRC; larger ones are checked analytically. */
export const MATERIALISE_MAX_BYTES = 1 << 16;

/** Whether the CRC of a `size`-byte copy (content `contentId`) catches `error` XORed in at byte `at`, on real bytes. */
export function caughtMaterialised(seed: number, contentId: number, size: number, at: number, error: Uint8Array): boolean {
  return crcCaughtOnBytes(blockBytes(seed, contentId, size), [{ offset: at, bytes: error }]);
}

/** Whether the CRC of a `size`-byte copy catches `error` XORed in at byte `at`, from the error alone. */
export function caughtAnalytic(size: number, at: number, error: Uint8Array): boolean {
  return crcCaughtByLinearity(size, [{ offset: at, bytes: error }]);
}

/**
 * Whether the CRC-32 stored with a `size`-byte copy (content `contentId` of the run with
 * `seed`) catches a `disk.corrupt` of garbage `garbageSeed` on the sector holding byte
 * `offset` of the copy: on real bytes up to MATERIALISE_MAX_BYTES, analytically beyond.
 */
export function crcCatches(seed: number, contentId: number, size: number, offset: number, garbageSeed: number): boolean {
  const at = Math.floor(offset / SECTOR_BYTES) * SECTOR_BYTES;
  const error = blockBytes(garbageSeed, 0, Math.min(SECTOR_BYTES, size - at));
  return size <= MATERIALISE_MAX_BYTES ? caughtMaterialised(seed, contentId, size, at, error) : caughtAnalytic(size, at, error);
}
