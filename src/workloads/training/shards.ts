// Where a training job's checkpoints lie on disk, what silent disk corruption does to
// them, and what a CRC-32 over each shard says at restore.
//
// Model. A checkpoint is one shard per host of the job (`checkpointShard` bytes each).
// Shard i of every checkpoint is written to the first disk of host firstHost + i (the
// job's block), into a ring of MAX_CHECKPOINTS slots at the start of the disk: slot k at
// byte k x stride (the shard size rounded up to whole SECTOR_BYTES blocks). A committed
// checkpoint takes the lowest slot no kept checkpoint holds (./checkpoints.ts). A
// `disk.corrupt` fault (src/faults/disk-corruption.ts) on one of those disks whose block
// falls in a slot damages the shard of the checkpoint held there: its garbage is XORed
// into the shard's bytes (an overlay: the clean bytes are never stored). A checkpoint
// written later into the slot overwrites the damage.
//
// The check. The writer stores the CRC-32 of each clean shard; a restore recomputes it
// over the shard as read. Shard content is a pure function of (seed, job, checkpoint,
// shard): blockBytes under the keyed hash "training.<job>.checkpoint.bytes". A shard of at most
// MATERIALISE_MAX_BYTES is built for real, the damage XORed in and src/checksums/crc.ts
// run over the real buffer; a larger one (gigabytes) is checked exactly by CRC linearity
// (crcDelta: the change each damage makes to the CRC, XORed over the shard's damages), and
// ./shards.test.ts checks that the two agree. A damaged shard whose CRC still matches (a
// garble that escapes CRC-32, probability about 2^-32) is a silent escape either way.
//
// Defaults: checkpointShard 4GiB, illustrative: mixed-precision Adam keeps ~16 bytes of
// state per parameter (Rajbhandari et al., "ZeRO", SC 2020), so a 405B-parameter model
// over 2,048 hosts holds ~3.2 GB a host.
//
// Left out: shards on a host that is down are read all the same (the job always could
// restore from storage), replicated or erasure-coded checkpoint storage, and corruption in
// transit or in memory before the CRC is computed (a CRC computed over wrong bytes matches).
import { type BlockError, blockBytes, crcCaughtByLinearity, crcCaughtOnBytes } from "../../checksums/crc.js";
import { OUTCOME_CLEAN, OUTCOME_DETECTED, OUTCOME_SILENT, type OutcomeCode } from "../../checksums/outcome.js";
import { SECTOR_BYTES } from "../../faults/disk.js";
import type { FaultEvent } from "../../faults/trace.js";
import type { KeyedHash } from "../../sim/hash.js";
import { type Checkpoint, type CheckpointLog, MAX_CHECKPOINTS, type ShardDamage } from "./checkpoints.js";
import type { JobTally } from "./tally.js";

/** Shards up to this size are materialised and checked on real bytes; larger ones analytically. */
export const MATERIALISE_MAX_BYTES = 1 << 20;

export class CheckpointShards {
  /** Byte distance between two slots of the ring. */
  private readonly stride: number;

  constructor(
    private readonly firstHost: number,
    private readonly hosts: number,
    readonly shardBytes: number,
    /** Content seeds: the job's keyed hash "training.<job>.checkpoint.bytes". */
    private readonly content: KeyedHash,
    /** Shards larger than this are checked analytically. */
    private readonly materialiseMax = MATERIALISE_MAX_BYTES,
  ) {
    this.stride = Math.ceil(shardBytes / SECTOR_BYTES) * SECTOR_BYTES;
  }

  /**
   * A `disk.corrupt` fault: if its block lies in the slot of a kept checkpoint, on a disk of
   * the ring, that checkpoint's shard is damaged. Returns the checkpoint damaged, if any.
   */
  corrupted(e: FaultEvent, log: CheckpointLog): Checkpoint | undefined {
    const shard = e.host - this.firstHost;
    if (shard < 0 || shard >= this.hosts || Number(e.detail.disk ?? 0) !== 0) return undefined;
    const at = Number(e.detail.sector ?? 0) * SECTOR_BYTES;
    const slot = Math.floor(at / this.stride);
    const offset = at - slot * this.stride;
    if (slot >= MAX_CHECKPOINTS || offset >= this.shardBytes) return undefined;
    const c = log.inSlot(slot);
    if (!c) return undefined;
    (c.damage ??= []).push({ shard, offset, seed: Number(e.detail.seed ?? 0) >>> 0, length: Math.min(SECTOR_BYTES, this.shardBytes - offset) });
    return c;
  }

  /** What a restore of `c` finds: clean, detected (a shard's CRC differs), or silent (damaged, every CRC matches). */
  check(c: Checkpoint, analytic = this.shardBytes > this.materialiseMax): OutcomeCode {
    const damage = c.damage;
    if (!damage?.length) return OUTCOME_CLEAN;
    const shards = [...new Set(damage.map((d) => d.shard))];
    for (const s of shards) {
      const mine = damage.filter((d) => d.shard === s);
      const errors = this.errorsOf(mine);
      const caught = analytic ? crcCaughtByLinearity(this.shardBytes, errors) : crcCaughtOnBytes(this.bytes(c, s), errors);
      if (caught) return OUTCOME_DETECTED;
    }
    return OUTCOME_SILENT;
  }

  /**
   * The checkpoint a restore from storage of `c` gets. With `checks` (checkpointChecksum),
   * each one whose shards fail their CRC is skipped for the one before it in `log`
   * (counted in `tally`, told to `skipped`; those before a clean one are clean too, so a
   * rollback lands on a clean one). One restored although damaged (no checks, or a garble
   * the CRC missed) is a silent escape, counted once: its corruption is in the model state
   * from then on.
   */
  readable(c: Checkpoint, log: CheckpointLog, checks: boolean, tally: JobTally, skipped: (bad: Checkpoint, before: Checkpoint) => void): Checkpoint {
    for (;;) {
      const outcome = this.check(c);
      if (outcome === OUTCOME_CLEAN) return c;
      const before = log.before(c);
      if (outcome === OUTCOME_DETECTED && checks && before) {
        tally.corruptCheckpointsCaught++;
        skipped(c, before);
        c = before;
        continue;
      }
      tally.corruptCheckpointsRestored++;
      c.damage = undefined;
      return c;
    }
  }

  private bytes(c: Checkpoint, shard: number): Uint8Array {
    return blockBytes(this.content.u32(c.seq ?? 0, shard), 0, this.shardBytes);
  }

  /** The shard's damages as errors XORed into its bytes. */
  private errorsOf(damage: readonly ShardDamage[]): BlockError[] {
    return damage.map((d) => ({ offset: d.offset, bytes: blockBytes(d.seed, 0, d.length) }));
  }
}
