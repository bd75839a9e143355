// The block store's answer to power warnings (onPowerWarning: migrate), as HDFS
// decommissions a datanode. `power.warning` (src/faults/power.ts) says the hosts of a bus
// bar, a PDU or a datacenter lose power at `failsAt` (a temperature alarm, a scheduled
// incident's `warning`, a datacenter overheating: src/faults/overheat.ts). With `migrate`
// the store's up hosts under the warning become *leaving*, as a decommissioning datanode's
// replicas do in HDFS:
//   - their copies still serve reads (they count as GOOD copies on up hosts, so the block is
//     available) and are the copier's sources, but not toward the replication target: the
//     block is filed for re-replication (./store.ts), blocks with no copy off the warned
//     hosts first;
//   - new copies go to hosts outside the warning under the placement rule, at the store's
//     re-replication bandwidth (the copier of ./store.ts; the target picker sees leaving
//     hosts as taking no copies, src/recovery/copy-target.ts);
//   - the trip takes the hosts down as any outage does; copies already made keep their
//     blocks available, and copies still queued go on being made (the copier was on them;
//     no dead-node wait). When the power returns the excess is trimmed as after any outage.
//   - a host still up LEAVING_GRACE_SEC after the warned trip (the trip spared it: an
//     overheating shuts most racks, not all, within minutes) stops leaving: its copies count
//     again and the excess is trimmed.
// The copies made for blocks with a copy on a leaving host are counted in
// storage.powerMigrations (declared in ./metrics.ts).
//
// Defaults: LEAVING_GRACE_SEC 1h, our choice (the overheating model spreads its shutdowns
// over 5 minutes by default, Dean 2009; an hour covers any spread a scenario is likely to
// give). Left out: "checkpoint" (storage has nothing to checkpoint: it ignores the
// warning), copies in flight at the trip (a copy exists only once complete, as everywhere
// in the store), and R = 1: a block's slots (2R - 1, ./blocks.ts) leave no room for a copy
// beside a leaving one, so a one-copy store moves nothing.
import type { Sim } from "../../sim/sim.js";

/** How long after the warned trip a host still up stops leaving, seconds (1h, our choice). */
export const LEAVING_GRACE_SEC = 3600;

/** Which hosts of the store's range are leaving, and until when. */
export class LeavingHosts {
  /** Per host of the range: 1 while warned and still up (its copies are leaving). */
  readonly leaving: Uint8Array;
  /** Hosts leaving now. */
  count = 0;
  /** Per host of the range: when it stops leaving if its power is still on. */
  private readonly until: Float64Array;
  private readonly endKind: number;

  constructor(
    private readonly sim: Sim,
    storeName: string,
    hosts: number,
    /** Called at the end of a warning's grace, after the store has caught up: the store then calls `expire`. */
    onGraceEnd: () => void,
  ) {
    this.leaving = new Uint8Array(hosts);
    this.until = new Float64Array(hosts);
    this.endKind = sim.defineEvent(`storage.${storeName}.warningEnd`, () => onGraceEnd());
  }

  /** Host `i` (up) is warned of a trip at `failsAtSec`; true when it was not leaving already. */
  mark(i: number, failsAtSec: number): boolean {
    const until = failsAtSec + LEAVING_GRACE_SEC;
    if (until > this.until[i]) this.until[i] = until;
    if (this.leaving[i]) return false;
    this.leaving[i] = 1;
    this.count++;
    return true;
  }

  /** After marking the hosts of a warning due at `failsAtSec`: the grace check at its end. */
  scheduleEnd(failsAtSec: number): void {
    this.sim.scheduleAt(Math.max(failsAtSec + LEAVING_GRACE_SEC, this.sim.now), this.endKind, 0, 0);
  }

  /** Host `i` went down: true when it was leaving (its copies were already out of the counts). */
  clear(i: number): boolean {
    if (!this.leaving[i]) return false;
    this.leaving[i] = 0;
    this.count--;
    return true;
  }

  /** Unmarks the hosts whose grace has run out (still up: their trip did not come) and calls `stay` on each. */
  expire(stay: (i: number) => void): void {
    if (this.count === 0) return;
    const now = this.sim.now;
    for (let i = 0; i < this.leaving.length; i++) {
      if (this.leaving[i] && this.until[i] <= now && this.clear(i)) stay(i);
    }
  }
}
