// A replicated or erasure-coded block store (HDFS- or GFS-like) on a range of the fleet's hosts.
//
// Model. `blocks` blocks of `blockSize` bytes, each kept as R copies (the policy's
// `replication`) placed by the policy's `placement` over the store's hosts, each copy on
// one disk of its host (./blocks.ts). With `redundancy: rs(k,m)` each block is instead a
// stripe of k + m fragments of blockSize / k bytes, any k of which read it (./erasure.ts);
// below, "copy" means a copy or a fragment and R is then k + m. What the fault trace does
// to the copies:
//   - disk.fail: the copies on that disk are gone for good; the disk takes no new copies
//     until it is replaced (the record's untilSec).
//   - host.crash, machine.check, rack.fail, power.*: the hosts' copies are unavailable (not
//     lost) while the hosts are down. A host down longer than `reReplicateAfter` (HDFS's
//     dead-node interval) is declared dead and its copies are made again elsewhere; if it
//     comes back, its copies count again and a block with more than R live copies has the
//     excess deleted, as HDFS does, the copy to delete drawn uniformly (a copy on a dead
//     host is forgotten instead only when its block has no free slot, see ./blocks.ts).
//   - power.busbar, power.pdu, power.utility: when the power returns, each host that lost
//     it fails to come back with probability `noRebootAfterPowerLoss`, decided by the keyed
//     hash of (host, time of the loss) (./power-loss.ts): its disks are lost. This, not the
//     outage itself, is what loses data after power events (Cidon et al., ATC 2013).
//   - disk.slow: the disk runs `factor` times slower until the episode ends (a fail-slow
//     disk). Re-replication reads another live copy when it can; a copy it must read from
//     the slow disk uses `factor` times the copier's time, so the copies after it wait that
//     much longer (the copier is a fluid at the store's bandwidth). The scrub backs off the
//     struggling disk and reaches its damaged copies when the episode ends, as scrubbers
//     yield to client I/O (HDFS's block scanner throttles itself per volume). Our model;
//     Gunawi et al., "Fail-Slow at Scale", FAST 2018, report such disks without rates.
//   - disk.lse: a latent sector error damages the copy at that byte of the disk, if any
//     (./disks.ts), silently: the store still counts it as live. A scrub (the policy's
//     `scrub` interval, ./scrub.ts) or a read of the copy as the source of a
//     re-replication finds it; the copy is then dropped and made again.
//   - disk.corrupt: the copy at that byte reads wrong bytes, and nothing reports it (a
//     CORRUPT copy). With the policy's blockChecksums, its CRC-32 (./checksum.ts) shows it
//     to a scrub or a read, which drop it as they drop a DAMAGED one; without, or if the
//     CRC misses the garbage (about 2^-32), it is read as good: a copy made from it is
//     corrupt too and no CRC can show it (silentCorruptReads).
//   - power.warning, with the policy's onPowerWarning: migrate (else ignored): the up hosts
//     under it are *leaving* until their trip (./warnings.ts): their copies still count as
//     GOOD on up hosts (readable, sources) but not as live, so their blocks are copied
//     outside the warning before the trip, as HDFS decommissions a node.
// Re-replication: a block with fewer than R live copies and a slot to refill (an empty one,
// or one on a dead host) waits in the repair queue, fewest live copies first (HDFS's
// priority, ./repair.ts). Copies are made one after another at the store's bandwidth,
// `reReplication` per host x hosts up, so n copies take n x blockSize / bandwidth. Each
// copy reads a live copy (finding its damage if it is DAMAGED: then the next live copy is
// tried) and writes to an up host under the same placement rule as the first layout, never
// relaxed (./target.ts): a block no domain can take waits until one comes back. A fragment
// is rebuilt from k live ones instead, reading k x blockSize / k bytes, so it takes as long
// as a copy of the whole block; it goes in the slot of the fragment it replaces.
// A block is lost when no GOOD copy (fewer than k GOOD fragments) is left anywhere (a
// DAMAGED or CORRUPT one is not good, even before anyone knows); a lost block stays lost.
//
// Metrics (storage.*): lostBlocks and lostBytes; durability, the fraction of blocks never
// lost; availability, the fraction of block-time a block had a GOOD copy on an up host;
// unavailableBlockHours, block-hours with no GOOD copy on an up host (lost blocks not
// counted: they are in availability), and unavailableBlocksMax, the most such blocks at
// once; underReplicatedBlockHours, block-hours with fewer than R GOOD copies on up hosts
// (including unavailable time and damaged copies nobody has found; lost blocks not
// counted); reReplicatedBytes (bytes written) and repairReadBytes (bytes read: k x a
// fragment per rebuilt fragment); overhead, bytes on disk per byte stored; excessDeleted;
// damagedCopies (LSEs that hit a copy), lseFoundByScrub and lseFoundByRead; corruptCopies
// (disk.corrupt that hit a copy), corruptionFoundByScrub and corruptionFoundByRead (by its
// CRC), silentCorruptReads; hostsNotRebooted; powerMigrations, the copies made for blocks
// with a copy on a leaving host (also in reReplicatedBytes).
//
// HOT PATHS (a bus-bar outage touches every copy under it three times: down, dead, up; a
// warning with onPowerWarning: migrate, twice more),
// which is why the store is one class in one file of over 500 lines: the per-block counts
// and slot arrays are private typed arrays that the copier, the scrub and the bookkeeping
// all update in place.
// Per-block counts sit in one Uint8Array, four bytes a block; a host's copies come from the
// disk map, never from a scan of the blocks. The copier does not take one event per copy:
// it wakes at most once a simulated minute (WAKE_SEC), and every handler first makes the
// copies that completed since it last ran, each at its own completion time (sync), so
// copies and faults still happen in time order; bench/storage.ts measures it.
//
// Defaults and sources: see ./schema.ts (the workload) and src/recovery/replication.ts
// (the policy). Left out: client reads and writes (and the LSEs reads would find), disk
// and network bandwidth per host (one store-wide budget), disks filling up (the scenario
// check only makes sure the copies fit in total), degraded reads of stripes, hosts that do not
// reboot staying out of service (their disks are lost and they take new copies at once,
// as if reinstalled), and copies in flight (a copy is made at the instant it completes).
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import { HostState } from "../../fleet/state.js";
import { SECTOR_BYTES } from "../../faults/disk.js";
import { type EffectKey, takesHostsDown } from "../../faults/kind.js";
import type { FaultEvent, FaultListener } from "../../faults/trace.js";
import type { Placement } from "../../recovery/placement.js";
import type { StoragePolicy } from "../../recovery/replication.js";
import type { Rng } from "../../sim/rng.js";
import type { Sim } from "../../sim/sim.js";
import type { Workload, WorkloadEnv } from "../workload.js";
import { BlockTable, CORRUPT, DAMAGED, EMPTY, GOOD } from "./blocks.js";
import { crcCatches } from "./checksum.js";
import { layoutOf } from "./erasure.js";
import { failsToReboot } from "./power-loss.js";
import { RepairQueue } from "../../recovery/repair-order.js";
import { storeRange, type StorageSpec } from "./schema.js";
import { scrubPhase, secondsUntilScrubbed } from "./scrub.js";
import { TargetPicker } from "../../recovery/copy-target.js";
import type { Policy } from "../../recovery/policy.js";
import { LeavingHosts } from "./warnings.js";

// Offsets of a block's counts in `cnt` (four bytes per block).
const GOOD_AT = 0;
const UP_AT = 1;
const LIVE_AT = 2;
const LOST_AT = 3;

/** What the store reads from a policy. */
export type StoreSettings = StoragePolicy & { placement: Placement } & Partial<Pick<Policy, "onPowerWarning">>;

/** Longest the copier sleeps while it has work, simulated seconds. */
const WAKE_SEC = 60;
/** The fault effects the store reacts to (src/faults/kind.ts). */
export const STORE_CONSUMES: readonly EffectKey[] = ["down:hosts", "down:disk", "errors:disk-sector", "corrupt:disk-block", "slow:disk", "warning:power"];

/** One block as a test sees it. */
export interface BlockView {
  lost: boolean;
  /** GOOD copies anywhere, GOOD copies on up hosts, copies the store counts as live. */
  good: number;
  goodUp: number;
  live: number;
  hosts: number[];
  states: number[];
}

export class ReplicatedStore implements Workload, FaultListener {
  readonly name: string;
  readonly table: BlockTable;
  readonly queue: RepairQueue;
  private readonly sim: Sim;
  private readonly fleet: Fleet;
  /** Pieces kept of each block: R copies, or k + m fragments (./erasure.ts). */
  private readonly R: number;
  /** Good pieces needed to read a block: 1 copy, or k fragments. */
  private readonly need: number;
  /** Slots per block (2R - 1, or k + m: see ./blocks.ts). */
  private readonly S: number;
  private readonly erasure: boolean;
  /** Bytes of one copy or fragment. */
  private readonly pieceBytes: number;
  private readonly overhead: number;
  /** Most pieces of a block in one failure domain (1 for copies). */
  private readonly perDomain: number;
  private readonly rng: Rng;
  private readonly start: number;
  private readonly end: number;
  private readonly blockBytes: number;
  /** Store-wide re-replication bandwidth per up host, bytes/s. */
  private readonly bytesPerSecPerHost: number;

  // Per block, four bytes side by side (one cache line holds a block's counts): GOOD
  // copies, GOOD copies on up hosts, live copies (not EMPTY, host up), lost (0 or 1).
  private readonly cnt: Uint8Array;
  // Per host of the range (index host - start).
  private readonly down: Uint8Array;
  private readonly dead: Uint8Array;
  private readonly epoch: Uint32Array;
  private readonly powerLossAt: Float64Array;
  /** Per disk: the time it holds copies again after a failure (0: present). */
  private readonly diskBackAt: Float64Array;
  /** Disks running slow: disk id -> [factor, until] (dropped once past). */
  private readonly slowDisks = new Map<number, [number, number]>();
  /** Copier seconds owed by a copy read from a slow disk: the next copy waits this much longer. */
  private copyDebtSec = 0;
  /** Damaged and corrupt copies nobody has found yet: slot -> time of the damage. */
  private readonly damagedAt = new Map<number, number>();
  /** Corrupt copies whose CRC cannot show it (it missed, or the copy was made from a corrupt one). */
  private readonly crcBlind = new Set<number>();
  /** The run's seed: the clean content of a copy is a function of it (./checksum.ts). */
  private readonly seed: number;
  private upHosts: number;

  // Block-time accounting: counts of blocks per class, integrated over time.
  private clockSec = 0;
  private underCount = 0;
  private unavailCount = 0;
  private lostCount = 0;
  private underArea = 0;
  private unavailArea = 0;
  private lostArea = 0;
  private unavailMax = 0;

  private reReplicatedBytes = 0;
  private repairReadBytes = 0;
  private corruptCopies = 0;
  private corruptFoundByScrub = 0;
  private corruptFoundByRead = 0;
  private silentCorruptReads = 0;
  private excessDeleted = 0;
  private damagedCopies = 0;
  private foundByScrub = 0;
  private foundByRead = 0;
  private hostsNotRebooted = 0;
  private powerMigrations = 0;
  private lostInEvent = 0;
  private copiesSinceIdle = 0;
  /** Time the copy in progress completes (Infinity: the copier is idle). */
  private nextCopyAt = Infinity;
  private lastCopyAt = 0;
  private wakePending = false;

  private readonly wakeKind: number;
  private readonly deadKind: number;
  private readonly scrubKind: number;
  private scratch: Int32Array = new Int32Array(256);
  private diskScratch: Int32Array = new Int32Array(256);
  private readonly present = (diskId: number): boolean => this.diskBackAt[diskId] <= this.clockSec;
  private readonly picker: TargetPicker;
  /** Scratch: the hosts of a block's other copies, for the picker (at most 2R - 1 slots). */
  private readonly otherHosts = new Int32Array(64);
  /** Scratch: the slots a new copy or fragment is read from, and slow ones held back. */
  private readonly sources = new Int32Array(64);
  private readonly slowSources = new Int32Array(64);
  /** Blocks that found no domain for a new copy, waiting for one to come back. */
  private stalled: number[] = [];
  private readonly isStalled: Uint8Array;
  /** Hosts warned of a power loss and still up (onPowerWarning: migrate): their copies are leaving. */
  private readonly warned: LeavingHosts;
  private readonly leaving: Uint8Array;

  constructor(
    private readonly env: WorkloadEnv,
    readonly spec: StorageSpec,
    private readonly settings: StoreSettings,
  ) {
    this.name = spec.name;
    this.sim = env.sim;
    this.fleet = env.fleet;
    this.rng = env.rng;
    const range = storeRange(env.fleet, spec);
    const layout = layoutOf(env.fleet, range, settings, spec.blockBytes);
    this.R = layout.pieces;
    this.need = layout.need;
    this.S = layout.slots;
    this.erasure = settings.redundancy !== "replication";
    this.pieceBytes = layout.pieceBytes;
    this.overhead = layout.overhead;
    this.perDomain = layout.perDomain;
    this.seed = env.sim.streams.seed;
    this.start = range.start;
    this.end = range.end;
    this.blockBytes = spec.blockBytes;
    this.bytesPerSecPerHost = settings.reReplication;
    this.table = new BlockTable(env.fleet, range, spec.blocks, this.R, this.pieceBytes, settings.placement, env.rng, this.S, this.perDomain);
    this.queue = new RepairQueue(spec.blocks, this.R);
    const B = spec.blocks;
    this.cnt = new Uint8Array(4 * B);
    for (let b = 0; b < B; b++) this.cnt[4 * b + GOOD_AT] = this.cnt[4 * b + UP_AT] = this.cnt[4 * b + LIVE_AT] = this.R;
    const hosts = range.end - range.start;
    this.down = new Uint8Array(hosts);
    this.dead = new Uint8Array(hosts);
    this.epoch = new Uint32Array(hosts);
    this.powerLossAt = new Float64Array(hosts).fill(NaN);
    this.diskBackAt = new Float64Array(this.table.disks.diskCount);
    this.upHosts = hosts;
    this.isStalled = new Uint8Array(B);
    this.picker = new TargetPicker(env.fleet, range, settings.placement, env.rng, this.down, (i) => this.hasDisk(i), this.R, this.perDomain);
    this.clockSec = env.sim.now;
    this.wakeKind = env.sim.defineEvent(`storage.${spec.name}.copier`, () => this.wake());
    this.deadKind = env.sim.defineEvent(`storage.${spec.name}.dead`, (i, epoch) => this.declareDead(i, epoch));
    this.scrubKind = env.sim.defineEvent(`storage.${spec.name}.scrub`, (slot, at) => this.scrubReached(slot, at));
    this.warned = new LeavingHosts(env.sim, spec.name, hosts, () => {
      this.sync();
      this.warned.expire((i) => this.stay(i));
      this.kick();
    });
    this.leaving = this.warned.leaving;
    for (let h = this.start; h < this.end; h++) if (this.fleet.state[h] === HostState.DOWN) this.hostDown(h);
    env.trace.addListener(this);
  }

  // ---- faults ------------------------------------------------------------------------

  onFault(e: FaultEvent): void {
    const kind = e.kind;
    const effect = kind.effect;
    if (effect.class === "down" && effect.on === "disk") {
      if (e.host < this.start || e.host >= this.end) return;
      this.sync();
      this.diskFailed(e.host, e.detail.disk as number, e.untilSec);
      this.reportLoss(kind.name);
    } else if (effect.class === "slow" && effect.on === "disk") {
      if (e.host < this.start || e.host >= this.end) return;
      const d = e.detail.disk as number;
      if (!(d >= 0 && d < this.table.hostDisks[e.host - this.start])) return;
      const id = this.table.diskId(e.host, d);
      const was = this.slowDisks.get(id);
      const factor = Math.max(Number(e.detail.factor ?? 1), was && was[1] > e.at ? was[0] : 1);
      this.slowDisks.set(id, [factor, Math.max(e.untilSec, was?.[1] ?? 0)]);
    } else if (effect.class === "errors" && effect.on === "disk-sector") {
      if (e.host < this.start || e.host >= this.end) return;
      this.sync();
      this.sectorError(e.host, e.detail.disk as number, (e.detail.sector as number) * SECTOR_BYTES);
      this.reportLoss(kind.name);
    } else if (effect.class === "corrupt" && effect.on === "disk-block") {
      if (e.host < this.start || e.host >= this.end) return;
      this.sync();
      this.corrupted(e.host, e.detail.disk as number, (e.detail.sector as number) * SECTOR_BYTES, e.detail.seed as number);
      this.reportLoss(kind.name);
    } else if (effect.class === "warning") {
      if (this.settings.onPowerWarning === "migrate" && e.ref) this.powerWarning(e.ref, e.untilSec);
    } else if (takesHostsDown(kind) && e.ref) {
      this.sync();
      const power = kind.power;
      this.forHostsOf(e.ref, (h) => {
        if (this.fleet.state[h] !== HostState.DOWN) return; // e.g. a masked utility loss
        const i = h - this.start;
        if (power && Number.isNaN(this.powerLossAt[i])) this.powerLossAt[i] = e.at;
        this.hostDown(h);
      });
    }
  }

  onRepair(ref: FleetRef): void {
    this.sync();
    this.forHostsOf(ref, (h) => {
      if (this.down[h - this.start] && this.fleet.state[h] !== HostState.DOWN) this.hostUp(h);
    });
    this.reportLoss("host-back"); // its disks lost (no reboot), or an excess copy deleted
  }

  /**
   * A power warning (onPowerWarning: migrate): the up hosts under `ref` leave until their
   * trip (./warnings.ts). Their copies stop counting as live and their blocks are filed for
   * new copies, first those with no live copy left, then the rest.
   */
  private powerWarning(ref: FleetRef, failsAtSec: number): void {
    this.sync();
    let warnedUp = 0;
    let hosts = 0;
    this.forHostsOf(ref, (h) => {
      const i = h - this.start;
      if (this.down[i]) return;
      warnedUp++;
      if (!this.warned.mark(i, failsAtSec)) return;
      hosts++;
      this.picker.hostDown(i);
      const n = this.collectHost(h);
      for (let k = 0; k < n; k++) this.adjust((this.scratch[k] / this.S) | 0, 0, 0, -1);
    });
    if (warnedUp === 0) return;
    this.warned.scheduleEnd(failsAtSec);
    if (hosts === 0) return;
    const queued = this.queue.queued;
    for (const noneLive of [true, false]) {
      this.forHostsOf(ref, (h) => {
        if (!this.leaving[h - this.start]) return; // down: its blocks wait for the dead-node interval
        const n = this.collectHost(h);
        for (let k = 0; k < n; k++) {
          const b = (this.scratch[k] / this.S) | 0;
          if (this.cnt[4 * b + LIVE_AT] < this.need === noneLive) this.fileForRepair(b);
        }
      });
    }
    this.env.record("recovery", this.sim.now, {
      store: this.name,
      action: "power-migrate",
      hosts,
      blocks: this.queue.queued - queued,
      target: this.fleet.idOf(ref),
      failsAt: failsAtSec,
    });
  }

  /** Host `i` is still up when its warning's grace ends (./warnings.ts): its copies count again, the excess is trimmed. */
  private stay(i: number): void {
    if (this.picker.hostUp(i)) this.retryStalled();
    const n = this.collectHost(this.start + i);
    const slots = this.scratch.slice(0, n);
    for (let k = 0; k < n; k++) {
      const b = (slots[k] / this.S) | 0;
      this.adjust(b, 0, 0, 1);
      if (this.cnt[4 * b + LIVE_AT] < this.R || this.queue.isQueued(b)) this.fileForRepair(b);
    }
    for (let k = 0; k < n; k++) this.trimExcess((slots[k] / this.S) | 0);
  }

  private forHostsOf(ref: FleetRef, fn: (host: number) => void): void {
    this.fleet.forEachHostRange(ref, (s, e) => {
      const lo = Math.max(s, this.start);
      const hi = Math.min(e, this.end);
      for (let h = lo; h < hi; h++) fn(h);
    });
  }

  private hostDown(h: number): void {
    const i = h - this.start;
    if (this.down[i]) return;
    this.down[i] = 1;
    this.epoch[i]++;
    this.upHosts--;
    const wasLeaving = this.warned.clear(i); // a leaving host is already out of the live counts and the picker's
    if (!wasLeaving) this.picker.hostDown(i);
    const dLive = wasLeaving ? 0 : -1;
    const n = this.collectHost(h);
    const slots = this.scratch;
    for (let k = 0; k < n; k++) {
      const s = slots[k];
      const b = (s / this.S) | 0;
      this.adjust(b, 0, this.table.slotState[s] === GOOD ? -1 : 0, dLive);
      // A block that needs a copy and can get one is queued (or stalled): one going down
      // changes only its priority, or takes away its last source.
      if (this.queue.isQueued(b)) this.fileForRepair(b);
    }
    if (this.settings.reReplicateAfter < Infinity) this.sim.schedule(this.settings.reReplicateAfter, this.deadKind, i, this.epoch[i]);
  }

  private declareDead(i: number, epoch: number): void {
    if (!this.down[i] || this.epoch[i] !== epoch) return;
    this.sync();
    this.dead[i] = 1;
    const n = this.collectHost(this.start + i);
    const slots = this.scratch;
    const cnt = this.cnt;
    for (let k = 0; k < n; k++) {
      // fileForRepair, knowing the block has a slot to refill (this host's).
      const b = (slots[k] / this.S) | 0;
      const live = cnt[4 * b + LIVE_AT];
      if (cnt[4 * b + LOST_AT] || live >= this.R || (live < this.need && cnt[4 * b + UP_AT] < this.need)) this.queue.drop(b);
      else this.queue.push(b, live || 1);
    }
    this.kick();
  }

  private hostUp(h: number): void {
    const i = h - this.start;
    const lossAt = this.powerLossAt[i];
    if (!Number.isNaN(lossAt)) {
      this.powerLossAt[i] = NaN;
      if (failsToReboot(this.sim.streams.hash("storage.noReboot"), h, lossAt, this.spec.noRebootFraction)) {
        this.hostsNotRebooted++;
        const copies = this.collectHost(h);
        this.env.record("recovery", this.sim.now, { store: this.name, action: "host-lost", host: this.fleet.hostId(h), copies, powerLostAt: lossAt });
        this.loseHostCopies(h);
      }
    }
    this.down[i] = 0;
    this.dead[i] = 0;
    this.epoch[i]++;
    this.upHosts++;
    if (this.picker.hostUp(i)) this.retryStalled();
    const n = this.collectHost(h);
    const slots = this.scratch.slice(0, n);
    for (let k = 0; k < n; k++) {
      const s = slots[k];
      const b = (s / this.S) | 0;
      this.adjust(b, 0, this.table.slotState[s] === GOOD ? 1 : 0, 1);
      if (this.cnt[4 * b + LIVE_AT] < this.R || this.queue.isQueued(b)) this.fileForRepair(b);
    }
    // Blocks copied elsewhere while this host was dead now have more than R live copies:
    // delete the excess (each block has at most one copy on a host, so each is seen once).
    for (let k = 0; k < n; k++) this.trimExcess((slots[k] / this.S) | 0);
    this.kick();
  }

  /**
   * Deletes live copies of `b` beyond R, chosen uniformly from the store's stream. HDFS
   * deletes an excess replica by rack spread and then free space; with copies already in
   * distinct domains (the rule never doubles up), any of them is as good as another.
   */
  private trimExcess(b: number): void {
    const t = this.table;
    const base = b * this.S;
    while (this.cnt[4 * b + LIVE_AT] > this.R) {
      let pick = this.rng.int(this.cnt[4 * b + LIVE_AT]);
      for (let s = base; s < base + this.S; s++) {
        const i = t.slotHost[s] - this.start;
        if (t.slotState[s] === EMPTY || this.down[i] || this.leaving[i]) continue;
        if (pick-- === 0) {
          this.excessDeleted++;
          this.loseCopy(s);
          break;
        }
      }
    }
  }

  private loseHostCopies(h: number): void {
    const n = this.collectHost(h);
    const slots = this.scratch.slice(0, n);
    for (let k = 0; k < n; k++) this.loseCopy(slots[k]);
  }

  private diskFailed(h: number, d: number, untilSec: number): void {
    if (!(d >= 0 && d < this.table.hostDisks[h - this.start])) return;
    const id = this.table.diskId(h, d);
    if (untilSec > this.diskBackAt[id]) this.diskBackAt[id] = untilSec;
    let n: number;
    [this.scratch, n] = this.table.disks.slotsOf(id, this.scratch);
    const slots = this.scratch.slice(0, n);
    for (let k = 0; k < n; k++) this.loseCopy(slots[k]);
    this.kick();
  }

  private sectorError(h: number, d: number, offset: number): void {
    if (!(d >= 0 && d < this.table.hostDisks[h - this.start])) return;
    const s = this.table.slotAtByte(h, d, offset);
    if (s < 0 || this.table.slotState[s] !== GOOD) return;
    this.table.slotState[s] = DAMAGED;
    this.damagedCopies++;
    this.hit(s);
  }

  /** A disk.corrupt at byte `offset` of the disk: the copy there reads wrong bytes, silently. */
  private corrupted(h: number, d: number, offset: number, garbageSeed: number): void {
    if (!(d >= 0 && d < this.table.hostDisks[h - this.start])) return;
    const t = this.table;
    const s = t.slotAtByte(h, d, offset);
    if (s < 0 || t.slotState[s] !== GOOD) return;
    t.slotState[s] = CORRUPT;
    this.corruptCopies++;
    const content = this.erasure ? s : (s / this.S) | 0;
    if (!crcCatches(this.seed, content, this.pieceBytes, offset - t.slotPos[s] * this.pieceBytes, garbageSeed)) this.crcBlind.add(s);
    this.hit(s);
  }

  /** Slot `s`'s copy was just damaged or corrupted: it stops counting as good, and waits for the scrub if one can find it. */
  private hit(s: number): void {
    this.damagedAt.set(s, this.sim.now);
    this.adjust((s / this.S) | 0, -1, this.down[this.table.slotHost[s] - this.start] ? 0 : -1, 0);
    const interval = this.settings.scrub;
    if (interval !== "off" && this.readShows(s)) this.scheduleScrub(s, interval);
  }

  /**
   * Whether reading slot `s`'s damaged or corrupt copy shows the damage: a read error
   * always; wrong bytes only through a CRC that is checked (blockChecksums) and catches them.
   */
  private readShows(s: number): boolean {
    return this.table.slotState[s] === DAMAGED || (this.settings.blockChecksums && !this.crcBlind.has(s));
  }

  /** A damaged or corrupt copy found by `by` (scrub or read): counted by cause and recorded. */
  private found(s: number, by: "scrub" | "read"): void {
    const corrupt = this.table.slotState[s] === CORRUPT;
    if (corrupt) by === "scrub" ? this.corruptFoundByScrub++ : this.corruptFoundByRead++;
    else by === "scrub" ? this.foundByScrub++ : this.foundByRead++;
    this.env.record("recovery", this.sim.now, {
      store: this.name,
      action: corrupt ? "corruption-found" : "lse-found",
      by,
      host: this.fleet.hostId(this.table.slotHost[s]),
      disk: this.table.slotDisk[s],
      latentSec: this.clockSec - this.damagedAt.get(s)!,
    });
  }

  // ---- scrubbing ------------------------------------------------------------------------

  private scheduleScrub(s: number, intervalSec: number): void {
    const id = this.table.diskId(this.table.slotHost[s], this.table.slotDisk[s]);
    const wait = secondsUntilScrubbed(this.sim.now, intervalSec, scrubPhase(this.sim.streams.hash("storage.scrub.phase"), id), this.table.whereOnDisk(s));
    this.sim.schedule(wait, this.scrubKind, s, this.damagedAt.get(s)!);
  }

  private scrubReached(s: number, damagedAtSec: number): void {
    const state = this.table.slotState[s];
    if (this.damagedAt.get(s) !== damagedAtSec || state === GOOD || state === EMPTY || !this.readShows(s)) return; // gone or replaced
    const h = this.table.slotHost[s];
    const slowUntil = this.slowUntil(this.table.diskId(h, this.table.slotDisk[s]));
    if (slowUntil > this.sim.now) {
      this.sim.scheduleAt(slowUntil, this.scrubKind, s, damagedAtSec); // the scrub backs off a slow disk
      return;
    }
    const interval = this.settings.scrub as number;
    if (this.down[h - this.start]) {
      this.sim.schedule(interval, this.scrubKind, s, damagedAtSec); // read on the next pass
      return;
    }
    this.sync();
    this.found(s, "scrub");
    this.loseCopy(s);
    this.kick();
  }

  // ---- re-replication ------------------------------------------------------------------

  /** Files `b` in the repair queue at its live count if it needs and can get a copy; else takes it off. */
  private fileForRepair(b: number): void {
    const l = this.cnt[4 * b + LIVE_AT];
    // Too few live pieces to read: still sources if pieces on leaving hosts are GOOD (./warnings.ts); filed at level 1.
    if (this.cnt[4 * b + LOST_AT] || l >= this.R || (l < this.need && this.cnt[4 * b + UP_AT] < this.need) || !this.hasSlotToRefill(b)) {
      this.queue.drop(b);
      return;
    }
    this.queue.push(b, l || 1);
    this.kick();
  }

  private hasSlotToRefill(b: number): boolean {
    const t = this.table;
    for (let s = b * this.S, e = s + this.S; s < e; s++) {
      if (t.slotState[s] === EMPTY || this.dead[t.slotHost[s] - this.start]) return true;
    }
    return false;
  }

  /** Starts the copier if there is work and it is idle. */
  private kick(): void {
    if (this.nextCopyAt !== Infinity || this.queue.queued === 0 || this.upHosts === 0 || !(this.bytesPerSecPerHost > 0)) return;
    this.nextCopyAt = this.clockSec + this.copySec();
    this.scheduleWake();
  }

  /** Seconds one copy (or rebuilt fragment: k fragments read) takes at the store's bandwidth now. */
  private copySec(): number {
    return (this.need * this.pieceBytes) / (this.bytesPerSecPerHost * this.upHosts);
  }

  /**
   * The copier's wake-up: at most one a simulated minute (WAKE_SEC). It only bounds how
   * late copies are applied; each copy is made at its own completion time by sync().
   */
  private scheduleWake(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    this.sim.scheduleAt(Math.max(this.nextCopyAt, this.sim.now + WAKE_SEC), this.wakeKind, 0, 0);
  }

  private wake(): void {
    this.wakePending = false;
    this.sync();
    if (this.nextCopyAt !== Infinity) this.scheduleWake();
  }

  /**
   * Brings the store up to now: first the copies that completed since it last ran, each at
   * its completion time, then the block-time clock. Every handler starts here, so copies
   * and faults happen in time order even though the copier wakes only now and then.
   */
  private sync(): void {
    const now = this.sim.now;
    while (this.nextCopyAt <= now) this.copyDue();
    this.advanceClockTo(now);
  }

  /** The copy completing at nextCopyAt: the first block of the queue that can be copied. */
  private copyDue(): void {
    const at = this.nextCopyAt;
    this.advanceClockTo(at);
    for (let b = this.queue.pop(); b >= 0; b = this.queue.pop()) {
      if (this.copyBlock(b)) {
        this.copiesSinceIdle++;
        this.lastCopyAt = at;
        break;
      }
    }
    this.nextCopyAt = this.queue.queued > 0 && this.upHosts > 0 ? at + this.copySec() + this.copyDebtSec : Infinity;
    this.copyDebtSec = 0;
    if (this.nextCopyAt === Infinity && this.copiesSinceIdle > 0) {
      this.env.record("milestone", this.sim.now, {
        store: this.name,
        event: "re-replicated",
        copies: this.copiesSinceIdle,
        bytes: this.copiesSinceIdle * this.pieceBytes,
        completedAt: this.lastCopyAt,
      });
      this.copiesSinceIdle = 0;
    }
  }

  /** Makes one new copy (or fragment) of `b`; false if it could not (no source, no target, nothing to do). */
  private copyBlock(b: number): boolean {
    const t = this.table;
    const S = this.S;
    const base = b * S;
    const need = this.need;
    const live = this.cnt[4 * b + LIVE_AT];
    if (this.cnt[4 * b + LOST_AT] || live >= this.R || (live < need && this.cnt[4 * b + UP_AT] < need)) return false;
    // The slot for the new copy: an empty one, else (no room left) one whose host is dead.
    let j = -1;
    for (let s = base; s < base + S && j < 0; s++) if (t.slotState[s] === EMPTY) j = s;
    for (let s = base; s < base + S && j < 0; s++) if (this.dead[t.slotHost[s] - this.start]) j = s;
    if (j < 0) return false;
    // Sources: `need` live pieces (a copy, or k fragments), on disks that are not running
    // slow when there are enough; reading a damaged one finds its damage, a corrupt one is
    // found only by a checked CRC and is otherwise read as good.
    let found = 0;
    let slow = 0;
    for (let s = base; s < base + S && found < need; s++) {
      if (s === j || t.slotState[s] === EMPTY || this.down[t.slotHost[s] - this.start]) continue;
      if (t.slotState[s] !== GOOD && this.readShows(s)) {
        this.found(s, "read");
        this.loseCopy(s);
        continue;
      }
      if (this.slowDisks.size > 0 && this.slowUntil(t.diskId(t.slotHost[s], t.slotDisk[s])) > this.clockSec) {
        if (slow < need) this.slowSources[slow++] = s;
        continue;
      }
      this.sources[found++] = s;
    }
    let readFactor = 1;
    for (let q = 0; q < slow && found < need; q++) {
      const s = this.slowSources[q];
      if (t.slotState[s] === EMPTY) continue;
      readFactor = Math.max(readFactor, this.slowDisks.get(t.diskId(t.slotHost[s], t.slotDisk[s]))![0]);
      this.sources[found++] = s;
    }
    if (found < need) return false;
    let others = 0;
    for (let s = base; s < base + S; s++) if (s !== j && t.slotState[s] !== EMPTY) this.otherHosts[others++] = t.slotHost[s];
    const target = this.picker.pick(this.otherHosts, others);
    if (target < 0) {
      // No up host outside the domains of the other copies: wait for a domain to return.
      if (!this.isStalled[b]) {
        this.isStalled[b] = 1;
        this.stalled.push(b);
      }
      return false;
    }
    if (this.warned.count > 0) {
      for (let s = base; s < base + S; s++) {
        if (t.slotState[s] !== EMPTY && this.leaving[t.slotHost[s] - this.start]) {
          this.powerMigrations++;
          break;
        }
      }
    }
    // A piece made from a corrupt one is corrupt, and its CRC (copied, or computed over
    // the bad bytes) cannot show it.
    let bad = 0;
    for (let q = 0; q < need; q++) if (t.slotState[this.sources[q]] === CORRUPT) bad++;
    this.silentCorruptReads += bad;
    const old = t.slotState[j];
    t.clear(j); // only if j held a copy on a dead host: forgotten
    this.damagedAt.delete(j);
    this.crcBlind.delete(j);
    t.place(j, target, this.present);
    if (bad > 0) {
      t.slotState[j] = CORRUPT;
      this.damagedAt.set(j, this.clockSec);
      this.crcBlind.add(j);
    }
    const good = bad > 0 ? 0 : 1;
    this.adjust(b, good - (old === GOOD ? 1 : 0), good, 1);
    this.reReplicatedBytes += this.pieceBytes;
    this.repairReadBytes += need * this.pieceBytes;
    this.copyDebtSec += (readFactor - 1) * this.copySec();
    this.fileForRepair(b);
    return true;
  }

  /** When disk `id`'s slow episode ends (0: not slow); a past episode is forgotten. */
  private slowUntil(id: number): number {
    const v = this.slowDisks.get(id);
    if (!v) return 0;
    if (v[1] <= this.clockSec) {
      this.slowDisks.delete(id);
      return 0;
    }
    return v[1];
  }

  /** Whether host `i` can take a copy (the picker asks): a disk in place, and not leaving. */
  private hasDisk(i: number): boolean {
    if (this.leaving[i]) return false;
    const first = i * this.table.maxDisks;
    for (let d = 0; d < this.table.hostDisks[i]; d++) if (this.diskBackAt[first + d] <= this.clockSec) return true;
    return false;
  }

  /** Files again the blocks that found no domain for a copy (one just came back). */
  private retryStalled(): void {
    const blocks = this.stalled;
    this.stalled = [];
    for (const b of blocks) {
      this.isStalled[b] = 0;
      this.fileForRepair(b);
    }
  }

  // ---- bookkeeping ---------------------------------------------------------------------

  /** A copy is gone (failed disk, lost host, damage found): its slot is empty. */
  private loseCopy(s: number): void {
    const t = this.table;
    const state = t.slotState[s];
    if (state === EMPTY) return;
    const i = t.slotHost[s] - this.start;
    const up = !this.down[i];
    const b = (s / this.S) | 0;
    t.clear(s);
    this.damagedAt.delete(s);
    this.crcBlind.delete(s);
    this.adjust(b, state === GOOD ? -1 : 0, state === GOOD && up ? -1 : 0, up && !this.leaving[i] ? -1 : 0);
    this.fileForRepair(b);
  }

  /** Changes a block's counts and keeps the class counts (under, unavailable, lost) right. */
  private adjust(b: number, dGood: number, dGoodUp: number, dLive: number): void {
    const R = this.R;
    const need = this.need;
    const before = this.cnt[4 * b + UP_AT];
    this.cnt[4 * b + GOOD_AT] += dGood;
    this.cnt[4 * b + UP_AT] += dGoodUp;
    this.cnt[4 * b + LIVE_AT] += dLive;
    if (this.cnt[4 * b + LOST_AT]) return;
    if (this.cnt[4 * b + GOOD_AT] < need) {
      this.cnt[4 * b + LOST_AT] = 1;
      this.lostCount++;
      this.lostInEvent++;
      this.queue.drop(b);
      if (before < R) this.underCount--;
      if (before < need) this.unavailCount--;
      return;
    }
    const after = this.cnt[4 * b + UP_AT];
    this.underCount += (after < R ? 1 : 0) - (before < R ? 1 : 0);
    this.unavailCount += (after < need ? 1 : 0) - (before < need ? 1 : 0);
    if (this.unavailCount > this.unavailMax) this.unavailMax = this.unavailCount;
  }

  private advanceClockTo(now: number): void {
    const dt = now - this.clockSec;
    if (dt <= 0) return;
    this.underArea += this.underCount * dt;
    this.unavailArea += this.unavailCount * dt;
    this.lostArea += this.lostCount * dt;
    this.clockSec = now;
  }

  private reportLoss(cause: string): void {
    if (this.lostInEvent === 0) return;
    const n = this.lostInEvent;
    this.lostInEvent = 0;
    this.env.record("recovery", this.sim.now, { store: this.name, action: "data-loss", cause, blocks: n, bytes: n * this.blockBytes });
  }

  /** The copies on every disk of host `h`, into this.scratch; returns how many. */
  private collectHost(h: number): number {
    const t = this.table;
    const i = h - this.start;
    let n = 0;
    for (let d = 0; d < t.hostDisks[i]; d++) {
      let m: number;
      [this.diskScratch, m] = t.disks.slotsOf(i * t.maxDisks + d, this.diskScratch);
      const part = this.diskScratch;
      if (this.scratch.length < n + m) {
        const grown = new Int32Array(Math.max(2 * this.scratch.length, n + m));
        grown.set(this.scratch.subarray(0, n));
        this.scratch = grown;
      }
      this.scratch.set(part.subarray(0, m), n);
      n += m;
    }
    return n;
  }

  // ---- what the lane and tests read --------------------------------------------------------

  metrics(nowSec: number): Record<string, number> {
    this.sync();
    const dt = Math.max(0, nowSec - this.clockSec);
    const under = this.underArea + this.underCount * dt;
    const unavail = this.unavailArea + this.unavailCount * dt;
    const lostArea = this.lostArea + this.lostCount * dt;
    const B = this.spec.blocks;
    return {
      "storage.lostBlocks": this.lostCount,
      "storage.lostBytes": this.lostCount * this.blockBytes,
      "storage.durability": 1 - this.lostCount / B,
      "storage.availability": nowSec > 0 ? 1 - (unavail + lostArea) / (B * nowSec) : 1,
      "storage.unavailableBlockHours": unavail / 3600,
      "storage.unavailableBlocksMax": this.unavailMax,
      "storage.underReplicatedBlockHours": under / 3600,
      "storage.reReplicatedBytes": this.reReplicatedBytes,
      "storage.repairReadBytes": this.repairReadBytes,
      "storage.overhead": this.overhead,
      "storage.damagedCopies": this.damagedCopies,
      "storage.lseFoundByScrub": this.foundByScrub,
      "storage.lseFoundByRead": this.foundByRead,
      "storage.corruptCopies": this.corruptCopies,
      "storage.corruptionFoundByScrub": this.corruptFoundByScrub,
      "storage.corruptionFoundByRead": this.corruptFoundByRead,
      "storage.silentCorruptReads": this.silentCorruptReads,
      "storage.excessDeleted": this.excessDeleted,
      "storage.hostsNotRebooted": this.hostsNotRebooted,
      "storage.powerMigrations": this.powerMigrations,
    };
  }

  snapshot(): Record<string, number> {
    this.sync();
    return { lostBlocks: this.lostCount, unavailableBlocks: this.unavailCount, underReplicatedBlocks: this.underCount, repairQueue: this.queue.queued };
  }

  /** One block's copies and counts (tests and debugging). */
  block(b: number): BlockView {
    this.sync();
    const t = this.table;
    const hosts: number[] = [];
    const states: number[] = [];
    for (let s = b * this.S; s < (b + 1) * this.S; s++) {
      hosts.push(t.slotHost[s]);
      states.push(t.slotState[s]);
    }
    return {
      lost: this.cnt[4 * b + LOST_AT] === 1,
      good: this.cnt[4 * b + GOOD_AT],
      goodUp: this.cnt[4 * b + UP_AT],
      live: this.cnt[4 * b + LIVE_AT],
      hosts,
      states,
    };
  }

  /**
   * Recounts everything from the slots and host states and returns what disagrees with the
   * kept counts, or copies that break the placement rule (empty when all is well).
   * O(blocks x R^2): tests only.
   */
  audit(): string[] {
    this.sync();
    const t = this.table;
    const problems: string[] = [];
    let under = 0,
      unavail = 0,
      lost = 0;
    for (let b = 0; b < this.spec.blocks; b++) {
      let good = 0,
        goodUp = 0,
        live = 0;
      for (let s = b * this.S; s < (b + 1) * this.S; s++) {
        const st = t.slotState[s];
        if (st === EMPTY) continue;
        const h = t.slotHost[s];
        const up = this.fleet.state[h] !== HostState.DOWN;
        if (up === (this.down[h - this.start] === 1)) problems.push(`host ${h}: store thinks ${up ? "down" : "up"}`);
        if (t.disks.at(t.diskId(h, t.slotDisk[s]), t.slotPos[s]) !== s) problems.push(`slot ${s}: not at its disk position`);
        if (st === GOOD) good++;
        if (st === GOOD && up) goodUp++;
        if (up && !this.leaving[h - this.start]) live++;
        if (!up && this.leaving[h - this.start]) problems.push(`host ${h}: down but leaving`);
      }
      const placement = this.settings.placement;
      for (let s = b * this.S; s < (b + 1) * this.S; s++) {
        let sharing = 1;
        for (let u = s + 1; u < (b + 1) * this.S; u++) {
          if (t.slotState[s] === EMPTY || t.slotState[u] === EMPTY) continue;
          const [x, y] = [t.slotHost[s], t.slotHost[u]];
          const same =
            placement === "random"
              ? x === y
              : placement === "rack-aware"
                ? this.fleet.rackOf[x] === this.fleet.rackOf[y]
                : this.fleet.busbarOfHost(x) === this.fleet.busbarOfHost(y);
          if (x === y) problems.push(`block ${b}: two pieces on host ${x}`);
          else if (same && ++sharing > this.perDomain) problems.push(`block ${b}: ${sharing} pieces break ${placement} placement (hosts ${x} and ${y})`);
        }
      }
      if (good !== this.cnt[4 * b + GOOD_AT] || goodUp !== this.cnt[4 * b + UP_AT] || live !== this.cnt[4 * b + LIVE_AT]) {
        problems.push(
          `block ${b}: counted good/goodUp/live ${this.cnt[4 * b + GOOD_AT]}/${this.cnt[4 * b + UP_AT]}/${this.cnt[4 * b + LIVE_AT]}, really ${good}/${goodUp}/${live}`,
        );
      }
      if (this.cnt[4 * b + LOST_AT]) lost++;
      else {
        if (good < this.need) problems.push(`block ${b}: too few good pieces but not lost`);
        if (goodUp < this.R) under++;
        if (goodUp < this.need) unavail++;
      }
    }
    if (under !== this.underCount) problems.push(`under-replicated: counted ${this.underCount}, really ${under}`);
    if (unavail !== this.unavailCount) problems.push(`unavailable: counted ${this.unavailCount}, really ${unavail}`);
    if (lost !== this.lostCount) problems.push(`lost: counted ${this.lostCount}, really ${lost}`);
    return problems.slice(0, 20);
  }
}
