// Scrubbing: each disk of the store is read end to end once per scrub interval I, so a
// latent sector error is found at the latest one interval after it appeared. The sweep
// of a disk is at fraction frac(t / I + phase) of the disk's bytes at time t, with a
// phase per disk, the keyed hash "storage.scrub.phase" of the disk (src/sim/hash.ts: disks
// do not all start at byte 0 together, and each seed places them anew); a copy at byte
// offset x is read when the sweep passes x / diskBytes. That is one full read per disk per
// interval: 8 TB a day is ~93 MB/s of the disk's bandwidth, which is why real systems
// scrub every one to three weeks (see src/recovery/replication.ts).
//
// Left out: scrubs that slow down under client load, and sectors that a scrub reads but
// mis-reports.
import type { KeyedHash } from "../../sim/hash.js";

/** The sweep phase of disk `disk` of a store, in [0, 1), from the store's keyed hash of phases. */
export function scrubPhase(phases: KeyedHash, disk: number): number {
  return phases.uniform(disk);
}

/**
 * Seconds from `nowSec` until the sweep of a disk with `phase` next reads the byte at
 * fraction `where` (0 <= where < 1) of the disk, scrubbing once per `intervalSec`. In
 * [0, intervalSec).
 */
export function secondsUntilScrubbed(nowSec: number, intervalSec: number, phase: number, where: number): number {
  const at = nowSec / intervalSec + phase;
  const sweep = at - Math.floor(at);
  let ahead = where - sweep;
  ahead -= Math.floor(ahead);
  return ahead * intervalSec;
}
