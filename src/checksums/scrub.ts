// Scrubbing: the background sweeps that find errors before a reader does.
//
// Model.
//   Memory (patrol scrub). The memory controller reads every word of a host once per
//   `memoryIntervalSec`, corrects what its code can correct and writes the word back, so a
//   latent correctable error is gone after the scrubber has passed its word. The sweep is
//   linear over the host's memory: position x in [0, 1) of the host's words (word / words)
//   is scrubbed at times (phase_h + x) x interval + k x interval, k = 0, 1, 2, ..., with a
//   per-host phase_h in [0, 1), the keyed hash "scrub.memory.phase" of the host
//   (src/sim/hash.ts): hosts do not scrub in step,
//   and the schedule is deterministic and needs no state. Nothing is scheduled: the
//   detection layer asks, when an error arrives on a word that already holds a latent
//   error, whether the scrubber has passed that word since the latent error was made
//   (`nextMemoryScrub`). Zero events, O(1) per question, whatever the fleet size.
//   Disks. A disk scrub reads every sector of a disk once per `diskIntervalSec`, in the
//   same linear way (position = sector / sectors, per-disk phase "scrub.disk.phase" of
//   (host, disk)).
//   A latent sector error ("disk.lse", src/faults/disk.ts) stays unknown until the scrub
//   reaches its sector: `DiskScrubber` schedules one event at that time (LSEs are rare: a
//   few a day per thousand disks) and writes a `detection` record
//   { kind: "disk.lse", found: "scrub", host, disk, sector, latentSec }. A disk running
//   slow ("disk.slow") is scrubbed when its slow episode is over: the scrubber backs off a
//   struggling disk rather than add to its load (our model).
//
// Defaults and sources.
//   memoryIntervalSec 24h: the usual patrol-scrub period of x86 server memory controllers;
//     Intel Xeon platforms sweep all memory about once a day by default, and AMD EPYC
//     BIOSes offer a "DRAM scrub time" whose common setting also sweeps memory within a
//     day (vendor BIOS documentation, as we recall it; check your platform's setting).
//     A policy sets it per lane with `memoryScrub` (src/recovery/hardware.ts).
//   diskIntervalSec 14d: Bairavasundaram et al., "An Analysis of Latent Sector Errors in
//     Disk Drives", SIGMETRICS 2007, study NetApp systems that scrub every disk about
//     every two weeks by default and find a large share of LSEs by scrubbing (as we
//     recall the paper; check before quoting). Oprea & Juels, "A Clean-Slate Look at Disk
//     Scrubbing", FAST 2010, discuss scrub frequency against the mean latent time of an
//     LSE (half the interval for a linear sweep) and staggered scrubbing.
//
// Leaves out: scrub bandwidth and its effect on latency (a training job may be charged a
// share of step time for it: policy memoryScrubCost), staggered (region-interleaved)
// disk scrubs, demand reads that find an LSE before the scrub (the storage layer's
// business), and a scrub that finds an uncorrectable memory word (it is counted where
// the error that made it uncorrectable arrived, as a machine check).
import { DISK_LSE } from "../faults/disk.js";
import type { EventFields, EventType } from "../journal/index.js";
import type { Fleet } from "../fleet/fleet.js";
import type { KeyedHash } from "../sim/hash.js";
import type { Sim } from "../sim/sim.js";
import type { Streams } from "../sim/streams.js";
import { SECTOR_BYTES } from "../faults/disk.js";
import type { FaultEvent } from "../faults/trace.js";

/** Patrol-scrub period of memory: 24 h (see the header). */
export const DEFAULT_MEMORY_SCRUB_SEC = 24 * 3600;
/** Disk-scrub period: 14 days (see the header). */
export const DEFAULT_DISK_SCRUB_SEC = 14 * 86400;

export interface ScrubSettings {
  /** Seconds per patrol-scrub sweep of a host's memory; Infinity: no memory scrubbing. */
  memoryIntervalSec: number;
  /** Seconds per scrub sweep of a disk; Infinity: no disk scrubbing. */
  diskIntervalSec: number;
}

export function defaultScrubSettings(): ScrubSettings {
  return { memoryIntervalSec: DEFAULT_MEMORY_SCRUB_SEC, diskIntervalSec: DEFAULT_DISK_SCRUB_SEC };
}

/** Hash lanes of the phases (any constants; distinct from cleanWord's data lanes). */

/**
 * The first time strictly after `afterSec` at which a linear sweep of period `interval`
 * and phase `phase` (both in [0, 1) of a period) reaches position `position` in [0, 1).
 */
export function nextSweep(phase: number, position: number, interval: number, afterSec: number): number {
  if (!(interval < Infinity)) return Infinity;
  let offset = (phase + position) * interval;
  if (offset >= interval) offset -= interval;
  return offset + (Math.floor((afterSec - offset) / interval) + 1) * interval;
}

/** When scrubs happen, as pure functions of (seed, host, position): no state, no events. */
export class ScrubSchedule {
  private readonly memoryPhases: KeyedHash;
  private readonly diskPhases: KeyedHash;

  constructor(
    streams: Streams,
    readonly settings: ScrubSettings = defaultScrubSettings(),
  ) {
    this.memoryPhases = streams.hash("scrub.memory.phase");
    this.diskPhases = streams.hash("scrub.disk.phase");
  }

  /** Phase of host `host`'s patrol scrub, in [0, 1) of a period. */
  memoryPhase(host: number): number {
    return this.memoryPhases.uniform(host);
  }

  /** First patrol scrub of position `position` (word / words) of host `host` after `afterSec`. */
  nextMemoryScrub(host: number, position: number, afterSec: number): number {
    return nextSweep(this.memoryPhase(host), position, this.settings.memoryIntervalSec, afterSec);
  }

  /** True if the patrol scrubber passed `position` of `host` in (fromSec, toSec]. */
  memoryScrubbedBetween(host: number, position: number, fromSec: number, toSec: number): boolean {
    return this.nextMemoryScrub(host, position, fromSec) <= toSec;
  }

  /** Phase of disk `disk` of host `host`, in [0, 1). */
  diskPhase(host: number, disk: number): number {
    return this.diskPhases.uniform(host, disk);
  }

  /** First scrub of position `position` (sector / sectors) of a disk after `afterSec`. */
  nextDiskScrub(host: number, disk: number, position: number, afterSec: number): number {
    return nextSweep(this.diskPhase(host, disk), position, this.settings.diskIntervalSec, afterSec);
  }
}

/** Where a lane's detection records go (a LaneBuffer, or a test's array). */
export interface RecordSink {
  record(t: EventType, at: number, fields?: EventFields): void;
}

interface PendingLse {
  host: number;
  disk: number;
  sector: number;
  madeSec: number;
}

/**
 * Finds latent sector errors by disk scrubbing: on each "disk.lse" event, schedules the
 * time the scrub reaches its sector (if within the run) and records the find then.
 */
export class DiskScrubber {
  /** LSEs found by scrubbing so far. */
  found = 0;
  /** LSEs that appeared (found or not yet). */
  appeared = 0;
  private readonly pending: (PendingLse | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly foundKind: number;
  /** Disks running slow: host x 256 + disk -> when the episode ends. */
  private readonly slowUntil = new Map<number, number>();

  constructor(
    private readonly sim: Sim,
    private readonly fleet: Fleet,
    private readonly schedule: ScrubSchedule,
    private readonly horizonSec: number,
    private readonly sink?: RecordSink,
  ) {
    this.foundKind = sim.defineEvent("detection.diskScrub", (slot) => this.onFound(slot));
  }

  /** A "disk.lse" fault event: the error is latent until the scrub reaches its sector. */
  onLse(e: FaultEvent): void {
    if (e.host < 0) return;
    this.appeared++;
    const disk = Number(e.detail.disk ?? 0);
    const sector = Number(e.detail.sector ?? 0);
    const sectors = Math.max(1, Math.floor(this.fleet.hostSpec(e.host).diskBytes / SECTOR_BYTES));
    const at = this.schedule.nextDiskScrub(e.host, disk, Math.min(sector / sectors, 1 - 1e-12), e.at);
    if (!(at <= this.horizonSec)) return;
    const slot = this.free.length ? this.free.pop()! : this.pending.length;
    this.pending[slot] = { host: e.host, disk, sector, madeSec: e.at };
    this.sim.scheduleAt(at, this.foundKind, slot, 0);
  }

  /** A "disk.slow" fault event: the disk's scrub waits until it runs normally again. */
  onSlowDisk(e: FaultEvent): void {
    if (e.host < 0) return;
    const key = e.host * 256 + Number(e.detail.disk ?? 0);
    if (e.untilSec > (this.slowUntil.get(key) ?? 0)) this.slowUntil.set(key, e.untilSec);
  }

  private onFound(slot: number): void {
    const p = this.pending[slot]!;
    const key = p.host * 256 + p.disk;
    const until = this.slowUntil.get(key);
    if (until !== undefined) {
      if (until > this.sim.now) {
        if (until <= this.horizonSec) this.sim.scheduleAt(until, this.foundKind, slot, 0);
        else {
          this.pending[slot] = undefined;
          this.free.push(slot);
        }
        return;
      }
      this.slowUntil.delete(key);
    }
    this.pending[slot] = undefined;
    this.free.push(slot);
    this.found++;
    const now = this.sim.now;
    this.sink?.record("detection", now, {
      kind: DISK_LSE.name,
      found: "scrub",
      host: this.fleet.hostId(p.host),
      disk: p.disk,
      sector: p.sector,
      latentSec: Math.round(now - p.madeSec),
    });
  }
}
