// Hosts that do not come back from a power loss. A bus bar, PDU or utility outage by
// itself only makes data unavailable: the disks keep it. What loses data after a power
// event is the hosts that do not boot again when power returns (failed power supplies,
// disks that do not spin up, boards that die on the power cycle): Cidon et al.,
// "Copysets: Reducing the Frequency of Data Loss in Cloud Storage", USENIX ATC 2013, cite
// 0.5-1% of nodes not rebooting after a power outage at LinkedIn, Yahoo! and Facebook.
// Such a host's disks are lost to the store.
//
// Which hosts fail to come back is a consequence of the fault trace, decided here by a
// counter-based hash of (seed, host, time the power went): not from a workload's stream
// and not from the trace's, so every policy's lane, whatever it did before, sees the same
// hosts fail, and the fault trace (and its digest) does not change.
import { mix32 } from "../../checksums/clean.js";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const TWO_POW_32 = 4294967296;

/** A uniform in [0, 1) from (seed, host, time): the same inputs always give the same number. */
export function powerLossUniform(seed: number, host: number, atSec: number): number {
  f64[0] = atSec;
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32((h ^ Math.floor(seed / TWO_POW_32)) + 0x7f4a7c15);
  h = mix32((h ^ host) + 0x632be5ab);
  h = mix32((h ^ u32[0]) + 0x85ebca6b);
  h = mix32((h ^ u32[1]) + 0xc2b2ae35);
  return h / TWO_POW_32;
}

/** True when `host`, which lost power at `atSec`, does not come back (its disks are lost). */
export function failsToReboot(seed: number, host: number, atSec: number, fraction: number): boolean {
  return fraction > 0 && powerLossUniform(seed, host, atSec) < fraction;
}
