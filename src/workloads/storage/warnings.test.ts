// Power warnings and the block store (./warnings.ts): bus bar dc1/row03/busbar-a (hosts
// 40..49) fails at 20h for 6h after a 30-minute warning, scheduled as a scenario would
// (`- { at: 20h, busbar: dc1/row03/busbar-a, repair: 6h, warning: 30m }`). With
// onPowerWarning: migrate the store copies the blocks off the warned hosts before the trip,
// so no block is unavailable when it comes; without it the blocks with both copies under the
// bus bar are.
import { describe, expect, it } from "vitest";
import { WARNING } from "../../faults/power.js";
import { HOUR, MINUTE } from "../../faults/testing.js";
import { timelineInjector } from "../../faults/timeline/injector.js";
import type { OnPowerWarning } from "../../recovery/training.js";
import { EMPTY } from "./blocks.js";
import { type StoreSettings } from "./store.js";
import { storeHarness } from "./testing.js";
import { LEAVING_GRACE_SEC } from "./warnings.js";

// 100 hosts: 5 rows x 4 racks x 5 hosts, 2 bus bars per row (10 bus bars of 10 hosts), 4 disks per host.
const FLEET = { rows: 5, racksPerRow: 4, hostsPerRack: 5, power: { busbarsPerRow: 2 } };
const BUSBAR = "dc1/row03/busbar-a";
const WARNED = (h: number) => h >= 40 && h < 50;
const BLOCK_BYTES = 128 * 2 ** 20;
const TRIP = 20 * HOUR;

/** Two copies of 20,000 blocks of 128 MiB; the bus bar incident, with a warning unless `warning` is 0. */
function story(settings: Partial<StoreSettings>, warning = 30 * MINUTE) {
  const s = storeHarness(FLEET, { blocks: 20_000, blockBytes: BLOCK_BYTES }, { replication: 2, placement: "random", ...settings }, 11);
  s.h.start(
    timelineInjector([{ atSec: TRIP, kind: "busbar", target: BUSBAR, params: { repair: 6 * HOUR, warning }, origin: { path: ["faults", 0] } }]),
    "faults.timeline",
  );
  return s;
}

/** Per block: how many of its copies sit under the warned bus bar, and how many elsewhere. */
function layout(store: ReturnType<typeof story>["store"], blocks: number) {
  const under: number[] = [];
  const outside: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const v = store.block(b);
    const on = v.hosts.filter((h, k) => v.states[k] !== EMPTY && WARNED(h)).length;
    under.push(on);
    outside.push(v.hosts.filter((_, k) => v.states[k] !== EMPTY).length - on);
  }
  return { under, outside };
}

describe("onPowerWarning: migrate (HDFS-style decommissioning on a power warning)", () => {
  it("copies the warned hosts' blocks away before the trip: none unavailable at it, against ~1% without", () => {
    const unavailableAtTrip = (onPowerWarning?: OnPowerWarning) => {
      const { h, store, records } = story(onPowerWarning ? { onPowerWarning } : {});
      h.sim.run({ until: TRIP - 1 });
      const before = layout(store, 20_000);
      const atRisk = before.under.filter((n) => n > 0).length;
      const bothUnder = before.under.filter((n) => n === 2).length;
      expect(store.audit()).toEqual([]);
      h.sim.run({ until: TRIP + 1 });
      const at = store.snapshot().unavailableBlocks;
      expect(store.audit()).toEqual([]);
      h.sim.run({ until: TRIP + 8 * HOUR }); // power back at 26h
      expect(store.audit()).toEqual([]);
      const m = store.metrics(h.sim.now);
      return { at, atRisk, bothUnder, m, records: records.filter((r) => r.fields.action === "power-migrate") };
    };
    const plain = unavailableAtTrip();
    const migrate = unavailableAtTrip("migrate");
    // Without the key: the blocks with both copies under the bus bar, ~C(10,2)/C(100,2) of them.
    expect(plain.bothUnder).toBeGreaterThan(100);
    expect(plain.at).toBe(plain.bothUnder);
    expect(plain.m["storage.powerMigrations"]).toBe(0);
    expect(plain.records).toEqual([]);
    // With migrate: every block with a copy under the bus bar got one new copy outside it
    // (a block with both copies there has one free slot of 2R - 1 = 3), in time.
    expect(migrate.at).toBe(0);
    expect(migrate.m["storage.unavailableBlocksMax"]).toBe(0);
    expect(migrate.m["storage.powerMigrations"]).toBe(migrate.atRisk);
    expect(migrate.records).toHaveLength(1);
    expect(migrate.records[0].fields).toMatchObject({ hosts: 10, blocks: migrate.atRisk, target: BUSBAR, failsAt: TRIP });
    expect(migrate.records[0].at).toBe(TRIP - 30 * MINUTE);
    // Power back: the copies on the warned hosts count again and the excess is trimmed.
    expect(migrate.m["storage.excessDeleted"]).toBe(migrate.atRisk);
    expect(migrate.m["storage.lostBlocks"]).toBe(0);
    expect(migrate.m["storage.underReplicatedBlockHours"]).toBeLessThan(plain.m["storage.underReplicatedBlockHours"]);
  });

  it("until the trip the warned copies serve reads but do not count: new copies land outside the warning", () => {
    const { h, store } = story({ onPowerWarning: "migrate" });
    h.sim.run({ until: TRIP - 1 });
    const { under, outside } = layout(store, 20_000);
    for (let b = 0; b < 20_000; b++) {
      const v = store.block(b);
      expect(v.goodUp).toBe(under[b] + outside[b]); // every copy still readable
      expect(v.live).toBe(outside[b]); // only those outside count
      // Two copies outside, except a block with both under the bus bar (one free slot).
      expect({ b, outside: outside[b] }).toEqual({ b, outside: under[b] === 2 ? 1 : 2 });
    }
  });

  it("with too little bandwidth to move everything, blocks with no copy outside the warning go first", () => {
    // 1 MB/s per host x 100 hosts: a 128 MiB copy every 1.34 s, ~1,340 in the 30 minutes,
    // fewer than the ~3,800 blocks with a copy under the bus bar.
    const { h, store } = story({ onPowerWarning: "migrate", reReplication: 1e6 });
    h.sim.run({ until: TRIP + 1 });
    const m = store.metrics(h.sim.now);
    expect(m["storage.powerMigrations"]).toBe(Math.floor((30 * MINUTE) / (BLOCK_BYTES / 1e8)));
    expect(store.snapshot().unavailableBlocks).toBe(0);
    expect(store.audit()).toEqual([]);
  });

  it("a warning whose trip never comes: an hour on, the warned hosts count again and the extra copies are trimmed", () => {
    const { h, store } = story({ onPowerWarning: "migrate" }, 0);
    const ref = h.fleet.resolve(BUSBAR)!;
    h.sim.at(10 * HOUR, () => h.trace.emit(WARNING, ref, { untilSec: 10 * HOUR + 600, detail: { cause: "test", failsAt: 10 * HOUR + 600 } }));
    h.sim.run({ until: 10 * HOUR + 600 + LEAVING_GRACE_SEC - 1 });
    const made = store.metrics(h.sim.now)["storage.powerMigrations"];
    expect(made).toBeGreaterThan(3000);
    expect(store.metrics(h.sim.now)["storage.excessDeleted"]).toBe(0);
    h.sim.run({ until: 10 * HOUR + 600 + LEAVING_GRACE_SEC });
    expect(store.metrics(h.sim.now)["storage.excessDeleted"]).toBe(made);
    for (let b = 0; b < 20_000; b += 97) expect(store.block(b).live).toBe(2);
    expect(store.audit()).toEqual([]);
  });

  it("power-aware placement: the new copies keep distinct bus bars, never under the warned one", () => {
    const { h, store } = story({ onPowerWarning: "migrate", placement: "power-aware" });
    h.sim.run({ until: TRIP - 1 });
    expect(store.audit()).toEqual([]); // no two copies of a block under one bus bar, leaving ones included
    const { under, outside } = layout(store, 20_000);
    expect(under.filter((n) => n > 1)).toEqual([]);
    expect(outside.every((n) => n === 2)).toBe(true); // a new copy for each warned one
    h.sim.run({ until: TRIP + 1 });
    expect(store.snapshot().unavailableBlocks).toBe(0);
    expect(store.snapshot().underReplicatedBlocks).toBe(0);
  });

  it("without migrate the warning changes nothing: no key, ignore or checkpoint, with or without a warning, the same metrics", () => {
    const run = (settings: Partial<StoreSettings>, warning?: number) => {
      const { h, store } = story(settings, warning);
      h.sim.run({ until: 2 * TRIP });
      return store.metrics(h.sim.now);
    };
    const base = run({}, 0);
    expect(base["storage.unavailableBlocksMax"]).toBeGreaterThan(100);
    expect(run({})).toEqual(base);
    expect(run({ onPowerWarning: "ignore" })).toEqual(base);
    expect(run({ onPowerWarning: "checkpoint" })).toEqual(base);
  });
});
