// Where a new copy goes when a block is re-replicated: a host of the store that is up,
// has a disk in place, holds no copy of the block, and keeps the placement rule of the
// first layout (src/recovery/placement.ts, domainLevel): rack-aware, no two copies in one
// rack; power-aware, no two under one PDU when the store's range spans at least as many
// PDUs as the block has copies, else no two under one bus bar; random, only distinct hosts.
// The level is chosen once, from the whole range (not the hosts up now) and the copies the
// caller names, so it is the level of the first layout; a caller that names no copies gets
// bus bars. An erasure-coded stripe's fragments may share a domain up to `perDomain` of them
// (./placement.ts, spreadLimit), never a host.
//
// The rule is never relaxed: when every failure domain that could take the copy is down,
// the block waits (under-replicated) until one comes back, as Ceph's CRUSH rules keep a
// placement group degraded rather than put two copies in one failure domain. (HDFS instead
// falls back to any node and fixes the placement later; with few domains that would leave
// copies doubled up under one PDU or bus bar for the next outage.) So that a block that cannot be
// placed costs O(R) and not a search, the picker keeps a count of up hosts per domain and
// of domains with any host up. Otherwise it draws hosts uniformly from the store's stream
// (64 draws), then scans from a random host so a valid host is always found if one exists.
import type { Fleet } from "../fleet/fleet.js";
import { domainLevel, domainOfHost, type HostRange, type Placement } from "./placement.js";
import type { Rng } from "../sim/rng.js";

const TRIES = 64;

export class TargetPicker {
  /** The failure domain of each host of the range (the host itself for random placement). */
  private readonly domainOf: Int32Array;
  private readonly upIn: Int32Array;
  /** Domains with at least one host up. */
  domainsUp: number;
  private readonly taken = new Int32Array(64);
  private takenCount = 0;
  /** The other copies' hosts of the pick in progress. */
  private others: Int32Array = new Int32Array(0);
  private otherCount = 0;

  constructor(
    fleet: Fleet,
    private readonly range: HostRange,
    placement: Placement,
    private readonly rng: Rng,
    /** Per host of the range: 1 while down (owned by the store). */
    private readonly down: Uint8Array,
    /** Whether host `i` of the range has a disk in place now. */
    private readonly hasDisk: (i: number) => boolean,
    /**
     * Copies of a block (the store's replication), which decides PDU or bus bar for
     * power-aware as it did for the first layout (Infinity: bus bars, whatever the range
     * spans).
     */
    copies: number,
    /** Most copies of one block a domain may hold (1 but for erasure-coded stripes). */
    private readonly perDomain = 1,
  ) {
    const n = range.end - range.start;
    this.domainOf = new Int32Array(n);
    const level = domainLevel(fleet, range, placement, copies);
    let domains = 0;
    for (let i = 0; i < n; i++) {
      // Random: the host's index within the range, to keep the per-domain counts small.
      const d = level === "host" ? i : domainOfHost(fleet, range.start + i, level);
      this.domainOf[i] = d;
      if (d + 1 > domains) domains = d + 1;
    }
    this.upIn = new Int32Array(domains);
    this.domainsUp = 0;
    for (let i = 0; i < n; i++) if (this.upIn[this.domainOf[i]]++ === 0) this.domainsUp++;
  }

  hostDown(i: number): void {
    if (--this.upIn[this.domainOf[i]] === 0) this.domainsUp--;
  }

  /** Host `i` is up again; true when its domain had no host up before. */
  hostUp(i: number): boolean {
    if (this.upIn[this.domainOf[i]]++ === 0) {
      this.domainsUp++;
      return true;
    }
    return false;
  }

  /**
   * A host for a new copy of a block whose other copies (up or down) are on
   * `otherHosts[0 .. count-1]`, or -1 when no domain can take it.
   */
  pick(otherHosts: Int32Array, count: number): number {
    const start = this.range.start;
    // The domains the other copies fill (up or down); a new copy must avoid them all, and
    // the other copies' hosts.
    this.takenCount = 0;
    this.others = otherHosts;
    this.otherCount = count;
    let takenUp = 0;
    for (let k = 0; k < count; k++) {
      const d = this.domainOf[otherHosts[k] - start];
      if (this.isTaken(d)) continue;
      if (this.perDomain > 1 && this.heldIn(d) < this.perDomain) continue;
      this.taken[this.takenCount++] = d;
      if (this.upIn[d] > 0) takenUp++;
    }
    if (this.domainsUp - takenUp <= 0) return -1;
    const span = this.range.end - start;
    for (let t = 0; t < TRIES; t++) {
      const i = this.rng.int(span);
      if (this.fits(i)) return start + i;
    }
    const from = this.rng.int(span);
    for (let k = 0; k < span; k++) {
      const i = from + k < span ? from + k : from + k - span;
      if (this.fits(i)) return start + i;
    }
    return -1;
  }

  private fits(i: number): boolean {
    return !this.down[i] && !this.isTaken(this.domainOf[i]) && (this.perDomain === 1 || !this.holds(i)) && this.hasDisk(i);
  }

  /** How many of the other copies sit in domain `d`. */
  private heldIn(d: number): number {
    let n = 0;
    for (let k = 0; k < this.otherCount; k++) if (this.domainOf[this.others[k] - this.range.start] === d) n++;
    return n;
  }

  /** Whether host `i` of the range holds one of the other copies. */
  private holds(i: number): boolean {
    for (let k = 0; k < this.otherCount; k++) if (this.others[k] === this.range.start + i) return true;
    return false;
  }

  private isTaken(d: number): boolean {
    for (let k = 0; k < this.takenCount; k++) if (this.taken[k] === d) return true;
    return false;
  }
}
