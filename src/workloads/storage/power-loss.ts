// Hosts that do not come back from a power loss. A bus bar, PDU or utility outage by
// itself only makes data unavailable: the disks keep it. What loses data after a power
// event is the hosts that do not boot again when power returns (failed power supplies,
// disks that do not spin up, boards that die on the power cycle): Cidon et al.,
// "Copysets: Reducing the Frequency of Data Loss in Cloud Storage", USENIX ATC 2013, cite
// 0.5-1% of nodes not rebooting after a power outage at LinkedIn, Yahoo! and Facebook.
// Such a host's disks are lost to the store.
//
// Which hosts fail to come back is a consequence of the fault trace, decided here by the
// keyed hash "storage.noReboot" of (host, time the power went) (src/sim/hash.ts): not
// from a workload's stream and not from the trace's, so every policy's lane, whatever it
// did before, sees the same hosts fail, and the fault trace (and its digest) does not
// change.
import type { KeyedHash } from "../../sim/hash.js";

/** True when `host`, which lost power at `atSec`, does not come back (its disks are lost). */
export function failsToReboot(noReboot: KeyedHash, host: number, atSec: number, fraction: number): boolean {
  return fraction > 0 && noReboot.uniform(host, atSec) < fraction;
}
