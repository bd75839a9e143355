import { describe, expect, it } from "vitest";
import { OUTCOME_CLEAN, OUTCOME_DETECTED, OUTCOME_SILENT } from "../../checksums/outcome.js";
import { DISK_CORRUPT } from "../../faults/disk-corruption.js";
import { SECTOR_BYTES } from "../../faults/disk.js";
import { HOST_CRASH } from "../../faults/host.js";
import { HOUR } from "../../faults/testing.js";
import { KeyedHash } from "../../sim/hash.js";
import { silentCorruptionsOf } from "../../slo/catalog.js";
import { type Checkpoint, CheckpointLog, type ShardDamage } from "./checkpoints.js";
import { CheckpointShards } from "./shards.js";
import { trainingWorld } from "./testing.js";

/** A job of 8 hosts checkpointing every 20 min (90 s writes): checkpoints end at 1290 s, 2580 s, 3870 s... in slots 0, 1, 2. */
function story(checkpointChecksum: "on" | "off", shardBytes = 64 * 1024) {
  const w = trainingWorld({
    spec: { hosts: 8, checkpointShardBytes: shardBytes },
    policy: { checkpoint: { kind: "fixed", seconds: 1200 }, spares: 0.125, checkpointChecksum },
  });
  const sectorsPerSlot = Math.ceil(shardBytes / SECTOR_BYTES);
  // At 50 min, a block of host 3's first disk in slot 1 (the 2580 s checkpoint) is garbled.
  w.sim.at(3000, () => w.trace.emit(DISK_CORRUPT, { kind: "host", index: 3 }, { detail: { disk: 0, sector: sectorsPerSlot + 5, seed: 77 } }));
  // At 1 h host 5 crashes: the job restores from storage.
  w.sim.at(3600, () => w.trace.down(HOST_CRASH, { kind: "host", index: 5 }, { repairSec: 6 * HOUR }));
  w.sim.runUntil(2 * HOUR);
  return w;
}

describe("checkpoint checksums", () => {
  // Steps at 1 h: 3600 s less two 90 s stalls = 855 steps of 4 s. The 1290 s checkpoint holds
  // 300 steps, the 2580 s one 600.
  it("story: a checkpoint garbled on disk fails its CRC at restore and the job falls back one checkpoint", () => {
    const w = story("on");
    const m = w.job.metrics();
    expect(w.records.filter((r) => r.t === "recovery").map((r) => r.f)).toEqual([
      { job: "pretrain", action: "skip-checkpoint", cause: "crc32 mismatch", corrupted: 2580, restoredFrom: 1290 },
      { job: "pretrain", action: "restart", cause: "host.crash", restoredFrom: 1290, lostSec: (855 - 300) * 4 },
    ]);
    expect(m["training.corruptCheckpointsCaught"]).toBe(1);
    expect(m["training.corruptCheckpointsRestored"]).toBe(0);
    // Lost by cause: the work since the 2580 s checkpoint is redo, the interval before it is the corrupt checkpoint's.
    expect(m["training.lost.redoHours"] * 3600).toBeCloseTo((855 - 600) * 4, 6);
    expect(m["training.lost.corruptCheckpointHours"] * 3600).toBeCloseTo(300 * 4, 6);
    const causes = ["redo", "restart", "wait", "slowdown", "detection", "corruptCheckpoint"].map((c) => m[`training.lost.${c}Hours`]);
    const sum = causes.reduce((a, b) => a + b, 0) + m["training.checkpointStallHours"] + m["training.exchangeHours"];
    expect(sum).toBeCloseTo(m["training.lostWorkHours"], 9);
    expect(silentCorruptionsOf(m, { reached: 0 })).toBe(0);
  });

  it("with checksums off the same garbled checkpoint is restored as good: a silent escape", () => {
    const w = story("off");
    const m = w.job.metrics();
    expect(w.records.filter((r) => r.t === "recovery").map((r) => r.f)).toEqual([
      { job: "pretrain", action: "restart", cause: "host.crash", restoredFrom: 2580, lostSec: (855 - 600) * 4 },
    ]);
    expect(m["training.corruptCheckpointsCaught"]).toBe(0);
    expect(m["training.corruptCheckpointsRestored"]).toBe(1);
    expect(m["training.lost.corruptCheckpointHours"]).toBe(0);
    expect(silentCorruptionsOf(m, { reached: 0 })).toBe(1);
  });

  it("a 4 GiB shard, checked by CRC linearity, gives the same story", () => {
    const on = story("on", 4 * 2 ** 30).job.metrics();
    expect(on["training.corruptCheckpointsCaught"]).toBe(1);
    expect(on["training.lost.corruptCheckpointHours"] * 3600).toBeCloseTo(300 * 4, 6);
    expect(story("off", 4 * 2 ** 30).job.metrics()["training.corruptCheckpointsRestored"]).toBe(1);
  });

  it("without any damage nothing changes, and the checkpoint metrics stay absent with checksums off", () => {
    const run = (checkpointChecksum: "on" | "off") => {
      const w = trainingWorld({ spec: { hosts: 8 }, policy: { checkpoint: { kind: "fixed", seconds: 1200 }, spares: 0.125, checkpointChecksum } });
      w.sim.at(3600, () => w.trace.down(HOST_CRASH, { kind: "host", index: 5 }, { repairSec: 6 * HOUR }));
      w.sim.runUntil(2 * HOUR);
      return w.job.metrics();
    };
    const off = run("off");
    const on = run("on");
    expect(off["training.corruptCheckpointsCaught"]).toBeUndefined();
    expect(on["training.corruptCheckpointsCaught"]).toBe(0);
    for (const k of Object.keys(off)) expect({ k, v: on[k] }).toEqual({ k, v: off[k] });
  });

  it("a rollback after a detected corruption checks the clean checkpoint it goes to, and falls back past a garbled one", () => {
    const w = trainingWorld({
      spec: { hosts: 8, checkpointShardBytes: 4096 },
      policy: { checkpoint: { kind: "fixed", seconds: 1200 }, detect: ["lossSpike"], checkpointChecksum: "on" },
    });
    w.sim.at(2700, () => w.trace.emit(DISK_CORRUPT, { kind: "host", index: 0 }, { detail: { disk: 0, sector: 1, seed: 3 } })); // slot 1: 2580 s
    w.sim.at(3000, () => w.job.silentCorruption(2)); // caught by the loss-spike check 50 steps (200 s) later
    w.sim.runUntil(2 * HOUR);
    expect(w.records.filter((r) => r.t === "recovery").map((r) => [r.at, r.f.action, r.f.restoredFrom])).toEqual([
      [3200, "skip-checkpoint", 1290],
      [3200, "rollback", 1290],
    ]);
  });

  it("misses garbage outside the ring: another disk, a host outside the job's block, past the last slot", () => {
    const w = trainingWorld({
      spec: { hosts: 8, checkpointShardBytes: 4096 },
      policy: { checkpoint: { kind: "fixed", seconds: 1200 }, checkpointChecksum: "on" },
    });
    w.sim.at(3000, () => {
      w.trace.emit(DISK_CORRUPT, { kind: "host", index: 3 }, { detail: { disk: 1, sector: 1, seed: 1 } });
      w.trace.emit(DISK_CORRUPT, { kind: "host", index: 12 }, { detail: { disk: 0, sector: 1, seed: 1 } });
      w.trace.emit(DISK_CORRUPT, { kind: "host", index: 3 }, { detail: { disk: 0, sector: 16, seed: 1 } });
    });
    w.sim.at(3600, () => w.trace.down(HOST_CRASH, { kind: "host", index: 5 }, { repairSec: HOUR }));
    w.sim.runUntil(2 * HOUR);
    expect(w.job.metrics()["training.corruptCheckpointsCaught"]).toBe(0);
    expect(w.records.find((r) => r.f.action === "restart")?.f.restoredFrom).toBe(2580);
  });
});

describe("checkpoint shards on disk", () => {
  const seeds = new KeyedHash(5, "training.test.checkpoint.bytes");

  it("a checkpoint written later into a slot overwrites the damage of the one before", () => {
    const log = new CheckpointLog({ at: 0, progress: 0, clean: true });
    const shards = new CheckpointShards(0, 4, 8192, seeds);
    const hit = (slot: number) =>
      shards.corrupted(
        { host: 1, at: 0, kind: DISK_CORRUPT, ref: { kind: "host", index: 1 }, untilSec: Infinity, detail: { disk: 0, sector: slot * 2, seed: 9 } },
        log,
      );
    for (let i = 1; i <= 3; i++) log.commit({ at: i, progress: i, clean: true });
    expect(log.copies().map((c) => c.slot)).toEqual([undefined, 0, 1, 2]);
    expect(hit(1)?.seq).toBe(2);
    expect(hit(5)).toBeUndefined(); // an empty slot
    // Fill the ring: the oldest go, their slots are taken again, the damage goes with the old checkpoint.
    for (let i = 4; i <= 18; i++) log.commit({ at: i, progress: i, clean: true });
    expect(log.copies().some((c) => c.seq === 2)).toBe(false);
    expect(log.inSlot(1)?.seq).toBe(18);
    expect(log.inSlot(1)?.damage).toBeUndefined();
    expect(new Set(log.copies().map((c) => c.slot)).size).toBe(16);
  });

  it("the analytic check agrees with a CRC over the real shard bytes", () => {
    // Shards small enough to build; sizes not a multiple of a sector, damage anywhere in them.
    for (const size of [4096, 5000, 3 * 4096 + 100]) {
      const shards = new CheckpointShards(0, 2, size, seeds);
      for (let seq = 1; seq <= 30; seq++) {
        const offset = ((seq * 2654435761) >>> 0) % size;
        const damage: ShardDamage[] = [{ shard: seq & 1, offset, seed: seq * 31, length: Math.min(SECTOR_BYTES, size - offset) }];
        if (seq % 3 === 0) damage.push({ shard: seq & 1, offset: 0, seed: seq, length: Math.min(SECTOR_BYTES, size) });
        const c: Checkpoint = { at: seq, progress: seq, clean: true, seq, slot: 0, damage };
        const real = shards.check(c, false);
        expect({ size, seq, analytic: shards.check(c, true) }).toEqual({ size, seq, analytic: real });
        expect(real).toBe(OUTCOME_DETECTED); // random garbage escapes CRC-32 with probability 2^-32
      }
    }
  });

  it("garbage that cancels itself leaves a shard whose CRC matches: both checks say it passed", () => {
    const shards = new CheckpointShards(0, 1, 8192, seeds);
    const twice: ShardDamage = { shard: 0, offset: 100, seed: 4, length: 4096 };
    const c: Checkpoint = { at: 1, progress: 1, clean: true, seq: 1, slot: 0, damage: [twice, { ...twice }] };
    expect(shards.check(c, false)).toBe(OUTCOME_SILENT);
    expect(shards.check(c, true)).toBe(OUTCOME_SILENT);
    expect(shards.check({ ...c, damage: [] })).toBe(OUTCOME_CLEAN);
  });
});
