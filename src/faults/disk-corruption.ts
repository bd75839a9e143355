// Silent disk corruption: a block on a disk is garbled and the disk reports nothing. Only
// an end-to-end checksum over the data (src/checksums/crc.ts) can tell; a reader without
// one takes the garbage for data. Unlike a latent sector error (./disk.ts, `disk.lse`),
// which the drive reports as unreadable, nothing here fails a read.
//
// Model. Corruptions arrive on every disk slot (host x disk index) as a Poisson process of
// rate `rate` per disk-year, superposed over the fleet (one process, each event picking its
// slot uniformly). Each garbles one SECTOR_BYTES block at a uniform sector of the disk:
// one `disk.corrupt` record (host, disk, sector, seed). The garbage is a pure function of
// `seed` (a 32-bit draw): the readers that care (a training job's checkpoint shards,
// src/workloads/training/shards.ts; a store's copies and fragments,
// src/workloads/storage/checksum.ts) XOR blockBytes(seed, 0, SECTOR_BYTES) into the block,
// so a random garble escapes a CRC-32 with probability 2^-32. Off unless a scenario lists
// it: no existing trace changes.
//
// Defaults and sources.
//   rate 0.6%: Bairavasundaram, Goodson, Schroeder, Arpaci-Dusseau & Arpaci-Dusseau, "An
//     Analysis of Data Corruption in the Storage Stack", FAST 2008 (1.53 million disks in
//     NetApp systems over 41 months): 0.86% of nearline disks and 0.065% of enterprise
//     disks developed at least one checksum mismatch in 17 months, i.e. about 0.6% and
//     0.05% per disk-year (as we recall the paper's abstract; check its tables before
//     quoting). 0.6% is the nearline figure, counting each affected disk once.
//
// Left out: the paper's strong clustering (a disk with one mismatch often has many, and
// nearby), corruption in transit or in controller firmware (misdirected and torn writes),
// identity discrepancies and parity inconsistencies, and enterprise-class disks' lower rate
// (set rate: 0.05%).
import { fraction, map, number, object, opt } from "../base/schema.js";
import type { Fleet } from "../fleet/fleet.js";
import { SECTOR_BYTES } from "./disk.js";
import type { FaultEnv, FaultModel, Injector } from "./injector.js";
import { defineKind } from "./kind.js";

const YEAR = 365 * 86400;

/** A block of a disk was garbled silently. */
export const DISK_CORRUPT = defineKind("disk.corrupt", {
  code: 33,
  summary: "a disk block was garbled silently (only an end-to-end checksum catches it)",
  effect: { class: "corrupt", on: "disk-block" },
  fields: {
    disk: "disk index in the host",
    sector: "the garbled block (SECTOR_BYTES units)",
    seed: "the garbage: blockBytes(seed, 0, SECTOR_BYTES) XORed into the block",
    cause: "incident when scheduled",
  },
});

export interface DiskCorruptionSettings {
  /** Corruptions per disk-year. */
  perYear: number;
}

const schema = map(
  object({
    rate: opt(fraction(), 0.006, "silent block corruptions per disk-year (0.6%, Bairavasundaram et al., FAST 2008, nearline)"),
  }),
  (s): DiskCorruptionSettings => ({ perYear: s.rate }),
);

/** Disk slots of the fleet (every host's disks). */
function slotsOf(fleet: Fleet): number {
  let n = 0;
  for (let d = 0; d < fleet.dcCount; d++) n += (fleet.dcFirstHost[d + 1] - fleet.dcFirstHost[d]) * fleet.hostSpecOfDc(d).disks;
  return n;
}

class DiskCorruptionInjector implements Injector {
  readonly name = "diskCorruption";
  private env!: FaultEnv;
  private kind = 0;
  private slots = 0;

  constructor(private readonly s: DiskCorruptionSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    this.slots = slotsOf(env.fleet);
    this.kind = env.sim.defineEvent("disk.corrupt", () => this.corrupt());
    this.next();
  }

  expected(fleet: Fleet, horizonSec: number): Record<string, number> {
    return { [DISK_CORRUPT.name]: (slotsOf(fleet) * this.s.perYear * horizonSec) / YEAR };
  }

  private corrupt(): void {
    const { fleet, rng, trace } = this.env;
    let slot = rng.int(this.slots);
    let d = 0;
    for (; ; d++) {
      const n = (fleet.dcFirstHost[d + 1] - fleet.dcFirstHost[d]) * fleet.hostSpecOfDc(d).disks;
      if (slot < n) break;
      slot -= n;
    }
    const spec = fleet.hostSpecOfDc(d);
    const host = fleet.dcFirstHost[d] + Math.floor(slot / spec.disks);
    const sector = rng.int(Math.max(1, Math.floor(spec.diskBytes / SECTOR_BYTES)));
    trace.emit(DISK_CORRUPT, { kind: "host", index: host }, { detail: { disk: slot % spec.disks, sector, seed: rng.int(2 ** 32) } });
    this.next();
  }

  private next(): void {
    if (!(this.s.perYear > 0 && this.slots > 0)) return;
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(YEAR / (this.s.perYear * this.slots));
    if (sim.now + dt <= horizonSec) sim.schedule(dt, this.kind, 0, 0);
  }
}

export const diskCorruptionModel: FaultModel<DiskCorruptionSettings> = {
  kind: "diskCorruption",
  summary: "silent corruption of disk blocks (checksum mismatches), caught only by end-to-end checksums",
  kinds: [DISK_CORRUPT],
  schema,
  create: (s) => new DiskCorruptionInjector(s),
  incident: {
    // `- at: 3h30m, diskCorruption: dc1/row01/rack01/host02, sector: 300`
    targets: ["host"],
    kindOf: () => DISK_CORRUPT,
    params: {
      index: opt(number({ min: 0, integer: true }), 0, "which disk of the host (0, the first; as disk incidents name it)"),
      sector: opt(number({ min: 0, integer: true }), 0, "which block of the disk, in SECTOR_BYTES units (0)"),
      seed: opt(number({ min: 0, max: 0xffffffff, integer: true }), 1, "the garbage written: blockBytes(seed, 0, SECTOR_BYTES) (1)"),
    },
    fire(env, ref, params) {
      const disks = env.fleet.hostSpec(ref.index).disks;
      if ((params.index as number) >= disks)
        throw new RangeError(`diskCorruption incident on ${env.fleet.idOf(ref)}: disk ${params.index}, but the host has ${disks} disks`);
      env.trace.emit(DISK_CORRUPT, ref, {
        detail: { disk: params.index as number, sector: params.sector as number, seed: params.seed as number, cause: "incident" },
      });
    },
    asScheduled: (e, ctx) =>
      e.ref ? { target: ctx.fleet.idOf(e.ref), params: { index: e.detail.disk, sector: e.detail.sector, seed: e.detail.seed } } : undefined,
  },
};
