import { describe, expect, it } from "vitest";
import { DISK_FAIL } from "../../faults/disk.js";
import { busbarModel } from "../../faults/power.js";
import { DAY, HOUR } from "../../faults/testing.js";
import { EMPTY, GOOD } from "./blocks.js";
import { storeHarness } from "./testing.js";

// 100 hosts: 5 rows x 4 racks x 5 hosts, 2 bus bars per row, 4 disks per host.
const FLEET = { rows: 5, racksPerRow: 4, hostsPerRack: 5, power: { busbarsPerRow: 2 } };
// 3 rows of 4 racks x 4 hosts, one bus bar per row: 48 hosts, 3 bus bars (one PDU).
const THREE_BUSBARS = { rows: 3, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 1 } };

describe("erasure coding: redundancy rs(k,m)", () => {
  it("stripes each block into k + m fragments of blockSize / k on distinct hosts, at most ceil(9 / 3) under one bus bar", () => {
    const { store } = storeHarness(THREE_BUSBARS, { blocks: 2_000 }, { redundancy: "rs(6,3)", placement: "power-aware" }, 3);
    expect(store.table.perBlock).toBe(9);
    expect(store.table.blockBytes).toBe(Math.ceil(2 ** 20 / 6));
    for (let b = 0; b < 2_000; b += 97) {
      const { hosts, states, good } = store.block(b);
      expect(good).toBe(9);
      expect(states.every((s) => s === GOOD)).toBe(true);
      expect(new Set(hosts).size).toBe(9);
      const perRow = [0, 0, 0];
      for (const h of hosts) perRow[Math.floor(h / 16)]++;
      expect(perRow).toEqual([3, 3, 3]);
    }
    const m = store.metrics(0);
    expect(m["storage.overhead"]).toBeCloseTo(1.5, 5);
    expect(store.audit()).toEqual([]);
  });

  it("a stripe survives m lost fragments and is lost at m + 1", () => {
    const { h, store, failHost } = storeHarness(FLEET, { blocks: 1 }, { redundancy: "rs(6,3)", reReplication: 0 }, 4);
    const hosts = store.block(0).hosts;
    for (const host of hosts.slice(0, 3)) failHost(host, HOUR);
    h.sim.run({ until: 2 * HOUR });
    expect(store.block(0)).toMatchObject({ lost: false, good: 6, goodUp: 6 });
    expect(store.metrics(h.sim.now)["storage.availability"]).toBe(1);
    failHost(hosts[3], 3 * HOUR);
    h.sim.run({ until: 4 * HOUR });
    expect(store.block(0).lost).toBe(true);
    expect(store.metrics(h.sim.now)["storage.lostBytes"]).toBe(2 ** 20);
    expect(store.audit()).toEqual([]);
  });

  it("rebuilds a failed disk's fragments one at a time, each reading k fragments: traffic k x fragment, time k x fragment / bandwidth", () => {
    const blockBytes = 60 * 2 ** 20;
    const { h, store, records } = storeHarness(FLEET, { blocks: 20_000, blockBytes }, { redundancy: "rs(6,3)", reReplication: 1e6 }, 5);
    const piece = blockBytes / 6;
    const n = store.table.disks.held[store.table.diskId(42, 1)];
    expect(n).toBeGreaterThan(100);
    h.sim.at(2 * HOUR, () => h.trace.emit(DISK_FAIL, { kind: "host", index: 42 }, { untilSec: 2 * HOUR + DAY, detail: { disk: 1 } }));
    h.sim.run({ until: 3 * DAY });
    const m = store.metrics(h.sim.now);
    expect(m["storage.reReplicatedBytes"]).toBe(n * piece);
    expect(m["storage.repairReadBytes"]).toBe(n * 6 * piece);
    const done = records.filter((r) => r.t === "milestone" && r.fields.event === "re-replicated");
    expect(done).toHaveLength(1);
    expect(done[0].fields).toMatchObject({ copies: n, bytes: n * piece });
    expect(((done[0].fields.completedAt as number) - 2 * HOUR) / ((n * 6 * piece) / (1e6 * 100))).toBeCloseTo(1, 9);
    expect(m["storage.lostBlocks"]).toBe(0);
    expect(store.audit()).toEqual([]);
  });

  it("a bus-bar outage costs rs(6,3) nothing to copy and no unavailability; two power-aware copies re-replicate a third of the data", () => {
    const run = (settings: object) => {
      const s = storeHarness(THREE_BUSBARS, { blocks: 5_000 }, { ...settings, placement: "power-aware", reReplication: 1e6 }, 6);
      s.h.fire(busbarModel, "dc1/row01/busbar-a", { repair: 6 * HOUR }, HOUR);
      s.h.sim.run({ until: 3 * HOUR });
      const during = s.store.metrics(s.h.sim.now);
      s.h.sim.run({ until: 2 * DAY });
      expect(s.store.audit()).toEqual([]);
      return { during, after: s.store.metrics(s.h.sim.now) };
    };
    const ec = run({ redundancy: "rs(6,3)" });
    // Three fragments under the failed bus bar, six readable elsewhere: readable throughout;
    // the other two bus bars already hold three each, so nothing is rebuilt.
    expect(ec.during["storage.unavailableBlocksMax"]).toBe(0);
    expect(ec.during["storage.underReplicatedBlockHours"]).toBeGreaterThan(5_000 * 1.9);
    expect(ec.after["storage.repairReadBytes"]).toBe(0);
    expect(ec.after["storage.lostBlocks"]).toBe(0);
    const two = run({ replication: 2 });
    expect(two.during["storage.unavailableBlocksMax"]).toBe(0);
    expect(two.during["storage.reReplicatedBytes"] / 2 ** 20).toBeGreaterThan(5_000 / 3 - 4 * Math.sqrt(5_000 / 3));
    expect(ec.after["storage.overhead"]).toBeCloseTo(1.5, 5); // fragments of ceil(blockSize / 6) bytes
    expect(two.after["storage.overhead"]).toBe(2);
  });

  it("keeps its counts equal to a recount after months of disk, LSE, host and power faults, with silent corruption and checksums", async () => {
    const { diskModel } = await import("../../faults/disk.js");
    const { hostCrashModel } = await import("../../faults/host.js");
    const { diskCorruptionModel } = await import("../../faults/disk-corruption.js");
    const { parseSettings } = await import("../../faults/testing.js");
    const run = (seed: number, blockChecksums: boolean) => {
      const s = storeHarness(
        { ...FLEET, host: { diskBytes: 1e8 } },
        { blocks: 20_000, noRebootFraction: 0.2 },
        { redundancy: "rs(4,2)", placement: "power-aware", scrub: 3 * DAY, blockChecksums },
        seed,
        90 * DAY,
      );
      s.h.start(diskModel.create(parseSettings(diskModel, "{ afr: 50%, lse: 100%, lseCluster: 8, replace: 6h }")), "faults.disk", 90 * DAY);
      s.h.start(diskCorruptionModel.create(parseSettings(diskCorruptionModel, "{ rate: 100% }")), "faults.diskCorruption", 90 * DAY);
      s.h.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 30d, repairFraction: 50%, repair: 1d }")), "faults.host", 90 * DAY);
      s.h.start(busbarModel.create(parseSettings(busbarModel, "{ mtbf: 60d, repair: 4h }")), "faults.busbar", 90 * DAY);
      s.h.sim.run({ until: 90 * DAY });
      expect(s.store.audit()).toEqual([]);
      return s.store.metrics(90 * DAY);
    };
    const on = run(21, true);
    expect(on["storage.corruptCopies"]).toBeGreaterThan(10);
    expect(on["storage.corruptionFoundByScrub"]).toBeGreaterThan(0);
    expect(on["storage.silentCorruptReads"]).toBe(0);
    const off = run(21, false);
    expect(off["storage.corruptionFoundByScrub"] + off["storage.corruptionFoundByRead"]).toBe(0);
    expect(off["storage.silentCorruptReads"]).toBeGreaterThan(0);
    expect(run(21, true)).toEqual(on);
  });
});

describe("the slots of a stripe", () => {
  it("a rebuilt fragment takes the slot of the one it replaces", () => {
    const { h, store, failHost } = storeHarness(FLEET, { blocks: 1 }, { redundancy: "rs(3,2)", reReplication: 1e6 }, 2);
    const before = store.block(0).hosts;
    failHost(before[1], HOUR);
    h.sim.run({ until: 2 * HOUR });
    const after = store.block(0);
    expect(after.states.every((s) => s !== EMPTY)).toBe(true);
    expect(after.hosts.filter((x, i) => x !== before[i])).toHaveLength(1);
    expect(after.hosts[1]).not.toBe(before[1]);
  });
});
