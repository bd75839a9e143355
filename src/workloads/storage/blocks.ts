// The block table of a replicated store: where each copy of each block lives and what
// state it is in, and from each disk back to its copies.
//
// Block b has S = 2R - 1 slots, b x S .. b x S + S - 1 (R = the policy's replication): R
// for its copies, and R - 1 more so that copies on dead hosts can be kept while new ones
// are made (a block that still has one live copy has at most R - 1 on dead hosts). An
// erasure-coded block (a stripe, ./erasure.ts) has S = k + m slots, slot j holding fragment
// j: a rebuilt fragment takes its own slot, replacing the copy on a dead host. A slot
// holds one copy, on one host and one disk of that host, at one position of the disk (see
// ./disks.ts), or is EMPTY. A copy is GOOD, or DAMAGED: a latent sector error hit it and
// nobody knows yet (a scrub or a read finds it), or CORRUPT: a sector error the disk did not
// report gave it wrong bytes (only a checked CRC finds it, ./checksum.ts). The first layout comes from the policy's
// placement (src/recovery/placement.ts, on the store's own stream); each host hands its
// copies to its disks in turn (round robin over the disks present), as HDFS's
// round-robin volume choice does.
//
// HOT PATH (a million blocks x 5 slots): struct of arrays, ~10 bytes per slot, and the disk map
// is the host -> copies index: a failure touches only the copies on what failed.
import type { Fleet } from "../../fleet/fleet.js";
import { placeCopies, type HostRange, type Placement } from "../../recovery/placement.js";
import type { Rng } from "../../sim/rng.js";
import { DiskMap } from "./disks.js";

export const EMPTY = 0;
export const GOOD = 1;
export const DAMAGED = 2;
/** Corrupted silently: the disk returns wrong bytes, not a read error (./checksum.ts). */
export const CORRUPT = 3;

export class BlockTable {
  /** Slots per block: 2R - 1, or k + m for a stripe. */
  readonly perBlock: number;
  readonly slots: number;
  /** Host of each slot's copy (-1 when EMPTY). */
  readonly slotHost: Int32Array;
  /** Disk of each slot's copy within its host. */
  readonly slotDisk: Uint8Array;
  /** Position of each slot's copy on its disk. */
  readonly slotPos: Int32Array;
  /** EMPTY, GOOD, DAMAGED or CORRUPT. */
  readonly slotState: Uint8Array;
  readonly disks: DiskMap;
  /** Most disks of any host of the range: disk ids are (host - start) x this + d. */
  readonly maxDisks: number;
  /** Disks of each host of the range. */
  readonly hostDisks: Uint8Array;
  /** Bytes of one disk of each host of the range. */
  readonly hostDiskBytes: Float64Array;
  /** Next disk each host writes to (round robin). */
  private readonly nextDisk: Uint8Array;

  constructor(
    readonly fleet: Fleet,
    readonly range: HostRange,
    readonly blocks: number,
    /** Copies (or fragments) of each block placed at first. */
    readonly replication: number,
    /** Bytes of one copy or fragment. */
    readonly blockBytes: number,
    placement: Placement,
    rng: Rng,
    /** Slots per block (2R - 1 for copies, k + m for a stripe). */
    perBlock = 2 * replication - 1,
    /** Most copies of a block in one failure domain (src/recovery/placement.ts). */
    perDomain = 1,
  ) {
    const hosts = range.end - range.start;
    this.hostDisks = new Uint8Array(hosts);
    this.hostDiskBytes = new Float64Array(hosts);
    let maxDisks = 1;
    for (let i = 0; i < hosts; i++) {
      const spec = fleet.hostSpec(range.start + i);
      this.hostDisks[i] = spec.disks;
      this.hostDiskBytes[i] = spec.diskBytes;
      if (spec.disks > maxDisks) maxDisks = spec.disks;
    }
    this.maxDisks = maxDisks;
    this.nextDisk = new Uint8Array(hosts);
    const S = (this.perBlock = perBlock);
    this.slots = blocks * S;
    const first = placeCopies(fleet, range, blocks, replication, placement, rng, perDomain);
    this.slotHost = new Int32Array(this.slots).fill(-1);
    this.slotDisk = new Uint8Array(this.slots);
    this.slotPos = new Int32Array(this.slots);
    this.slotState = new Uint8Array(this.slots);
    for (let b = 0; b < blocks; b++) {
      for (let c = 0; c < replication; c++) {
        this.slotHost[b * S + c] = first[b * replication + c];
        this.slotState[b * S + c] = GOOD;
      }
    }
    // Count copies per disk first, so each disk's table is allocated once at its size.
    const perDisk = new Int32Array(hosts * maxDisks);
    for (let s = 0; s < this.slots; s++) {
      if (this.slotState[s] === EMPTY) continue;
      const i = this.slotHost[s] - range.start;
      const d = this.nextDisk[i];
      this.slotDisk[s] = d;
      perDisk[i * maxDisks + d]++;
      this.nextDisk[i] = d + 1 === this.hostDisks[i] ? 0 : d + 1;
    }
    this.disks = new DiskMap(hosts * maxDisks, perDisk);
    for (let s = 0; s < this.slots; s++) {
      if (this.slotState[s] !== EMPTY) this.slotPos[s] = this.disks.add(this.diskId(this.slotHost[s], this.slotDisk[s]), s);
    }
  }

  /** The disk id of disk `d` of `host`. */
  diskId(host: number, d: number): number {
    return (host - this.range.start) * this.maxDisks + d;
  }

  inRange(host: number): boolean {
    return host >= this.range.start && host < this.range.end;
  }

  /**
   * Puts a new GOOD copy of the slot's block on `host`, on the next of its disks for which
   * `present(diskId)` holds; returns false (and changes nothing) if none is present.
   */
  place(slot: number, host: number, present: (diskId: number) => boolean): boolean {
    const i = host - this.range.start;
    const n = this.hostDisks[i];
    for (let k = 0; k < n; k++) {
      const d = (this.nextDisk[i] + k) % n;
      const id = i * this.maxDisks + d;
      if (!present(id)) continue;
      this.nextDisk[i] = d + 1 === n ? 0 : d + 1;
      this.slotHost[slot] = host;
      this.slotDisk[slot] = d;
      this.slotPos[slot] = this.disks.add(id, slot);
      this.slotState[slot] = GOOD;
      return true;
    }
    return false;
  }

  /** Empties a slot: its copy is gone and its position on the disk is free. */
  clear(slot: number): void {
    if (this.slotState[slot] === EMPTY) return;
    this.disks.remove(this.diskId(this.slotHost[slot], this.slotDisk[slot]), this.slotPos[slot]);
    this.slotState[slot] = EMPTY;
    this.slotHost[slot] = -1;
  }

  /** The slot whose copy holds byte `offset` of disk `d` of `host`, or -1 (free space). */
  slotAtByte(host: number, d: number, offset: number): number {
    return this.disks.at(this.diskId(host, d), Math.floor(offset / this.blockBytes));
  }

  /** Where a slot's copy starts on its disk, as a fraction of the disk's bytes (mod 1). */
  whereOnDisk(slot: number): number {
    const x = (this.slotPos[slot] * this.blockBytes) / this.hostDiskBytes[this.slotHost[slot] - this.range.start];
    return x - Math.floor(x);
  }
}
