// Copies a disk corrupts silently (disk.corrupt: wrong bytes, no read error), with and
// without the CRC-32 each copy carries (blockChecksums): caught and made again from a good
// copy, or read as good and copied on.
import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../faults/testing.js";
import { CORRUPT, GOOD } from "./blocks.js";
import { storeHarness } from "./testing.js";

// 100 hosts: 5 rows x 4 racks x 5 hosts, 2 bus bars per row, 4 disks per host.
const FLEET = { rows: 5, racksPerRow: 4, hostsPerRack: 5, power: { busbarsPerRow: 2 } };
const B = 17;

function story(blockChecksums: boolean, settings: object = { replication: 3 }) {
  const s = storeHarness(FLEET, { blocks: 1_000 }, { ...settings, blockChecksums, reReplication: 1e6 }, 3);
  const S = s.store.table.perBlock;
  return { ...s, slot: (copy: number) => B * S + copy };
}

describe("silent corruption and end-to-end checksums", () => {
  it("a scrub catches a corrupt copy by its CRC and makes it again; without checksums the scrub reads it as good", () => {
    for (const blockChecksums of [true, false]) {
      const { h, store, corrupt, slot } = story(blockChecksums, { replication: 3, scrub: DAY });
      corrupt(slot(0), HOUR);
      h.sim.run({ until: 3 * DAY });
      const m = store.metrics(h.sim.now);
      expect(m["storage.corruptCopies"]).toBe(1);
      expect(m["storage.damagedCopies"]).toBe(0);
      expect(m["storage.lseFoundByScrub"]).toBe(0);
      expect(m["storage.corruptionFoundByScrub"]).toBe(blockChecksums ? 1 : 0);
      expect(store.block(B).good).toBe(blockChecksums ? 3 : 2);
      expect(store.block(B).states.filter((x) => x === CORRUPT)).toHaveLength(blockChecksums ? 0 : 1);
      expect(store.audit()).toEqual([]);
    }
  });

  it("a read of a corrupt copy is caught and served from another copy; without checksums it is copied on, and the block is later lost", () => {
    const run = (blockChecksums: boolean) => {
      const { h, store, corrupt, failHost, slot } = story(blockChecksums);
      const hosts = store.block(B).hosts;
      corrupt(slot(0), HOUR); // copy 0: corrupt
      failHost(hosts[1], 2 * HOUR); // copy 1 gone: the re-replication reads copy 0 first
      h.sim.run({ until: DAY });
      const mid: Record<string, number> = { ...store.metrics(h.sim.now), good: store.block(B).good };
      failHost(store.block(B).hosts.find((x, i) => x >= 0 && store.block(B).states[i] === GOOD)!, DAY + HOUR);
      h.sim.run({ until: 2 * DAY });
      expect(store.audit()).toEqual([]);
      return { mid, end: store.metrics(h.sim.now) };
    };
    const on = run(true);
    expect(on.mid["storage.corruptionFoundByRead"]).toBe(1);
    expect(on.mid["storage.silentCorruptReads"]).toBe(0);
    expect(on.mid.good).toBe(3);
    expect(on.end["storage.lostBlocks"]).toBe(0);
    const off = run(false);
    expect(off.mid["storage.corruptionFoundByRead"]).toBe(0);
    expect(off.mid["storage.silentCorruptReads"]).toBe(1);
    expect(off.mid.good).toBe(1); // three copies on the books, one good
    expect(off.end["storage.lostBlocks"]).toBe(1);
  });

  it("rs(4,2): a reconstruction that reads a corrupt fragment catches it and rebuilds both; without checksums it rebuilds garbage", () => {
    for (const blockChecksums of [true, false]) {
      const { h, store, corrupt, failHost, slot } = story(blockChecksums, { redundancy: "rs(4,2)" });
      corrupt(slot(0), HOUR);
      failHost(store.block(B).hosts[5], 2 * HOUR);
      h.sim.run({ until: DAY });
      const m = store.metrics(h.sim.now);
      expect(m["storage.corruptionFoundByRead"]).toBe(blockChecksums ? 1 : 0);
      expect(m["storage.silentCorruptReads"]).toBe(blockChecksums ? 0 : 1);
      expect(store.block(B).good).toBe(blockChecksums ? 6 : 4);
      expect(store.audit()).toEqual([]);
    }
  });
});
