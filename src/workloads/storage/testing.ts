// Test helper: a replicated store on a small fleet in one line, so a test reads like a
// story:
//
//   const { h, store } = storeHarness({ rows: 5, racksPerRow: 5, hostsPerRack: 4 }, { blocks: 10000 }, { replication: 3, placement: "power-aware" });
//   h.fire(busbarModel, "dc1/row01/busbar-a", { repair: 6 * HOUR }, 1 * HOUR);
//   h.sim.run({ until: 12 * HOUR });
//   expect(store.metrics(h.sim.now)["storage.lostBlocks"]).toBe(0);
//
// Faults are fired through the fault harness (src/faults/testing.ts); `failHost` loses
// every disk of a host at once, `damage` puts a latent sector error under a copy and
// `corrupt` a silent disk corruption (disk.corrupt).
// Unlike a scenario, the harness's store uses 1 MiB blocks and every host comes back from
// a power loss (noRebootFraction 0) unless the test says otherwise.
// Tests only: nothing in src/ outside tests imports it.
import { DISK_FAIL, DISK_LSE } from "../../faults/disk.js";
import { DISK_CORRUPT } from "../../faults/disk-corruption.js";
import { faultHarness, type FaultHarness } from "../../faults/testing.js";
import { SECTOR_BYTES } from "../../faults/disk.js";
import type { FleetSpecOverrides } from "../../fleet/testing.js";
import { defaultsOf } from "../../recovery/training.js";
import { storagePolicyFields } from "../../recovery/replication.js";
import type { EventFields } from "../../journal/index.js";
import type { StorageSpec } from "./schema.js";
import { ReplicatedStore, type StoreSettings } from "./store.js";

export interface StoreRecord {
  t: "recovery" | "milestone";
  at: number;
  fields: EventFields;
}

export interface StoreHarness {
  h: FaultHarness;
  store: ReplicatedStore;
  records: StoreRecord[];
  /** Every disk of `host` fails at `atSec` (all in one instant). */
  failHost(host: number, atSec: number, replaceSec?: number): void;
  /** A latent sector error under slot `slot`'s copy at `atSec` (where the copy is then). */
  damage(slot: number, atSec: number): void;
  /** A silent corruption (disk.corrupt, garbage `seed`) of slot `slot`'s copy at `atSec`. */
  corrupt(slot: number, atSec: number, seed?: number): void;
}

/** Settings: every storage default, random placement, then `overrides`. */
export function storeSettings(overrides: Partial<StoreSettings> = {}): StoreSettings {
  return { ...defaultsOf(storagePolicyFields), placement: "random", ...overrides };
}

export function storeHarness(
  fleet: FleetSpecOverrides,
  spec: Partial<StorageSpec> & { blocks: number },
  settings: Partial<StoreSettings> = {},
  seed = 1,
  horizonSec = 365 * 86400,
): StoreHarness {
  const h = faultHarness(fleet, seed, { record: false, horizonSec });
  const full: StorageSpec = { name: "store", blockBytes: 2 ** 20, firstHost: 0, noRebootFraction: 0, ...spec };
  const records: StoreRecord[] = [];
  const store = new ReplicatedStore(
    {
      sim: h.sim,
      fleet: h.fleet,
      trace: h.trace,
      rng: h.sim.streams.get(`workloads.${full.name}`),
      horizonSec,
      record: (t, at, fields) => void records.push({ t, at, fields }),
    },
    full,
    storeSettings(settings),
  );
  return {
    h,
    store,
    records,
    failHost(host, atSec, replaceSec = 86400) {
      h.sim.at(atSec, () => {
        for (let d = 0; d < h.fleet.hostSpec(host).disks; d++) {
          h.trace.emit(DISK_FAIL, { kind: "host", index: host }, { untilSec: atSec + replaceSec, detail: { disk: d } });
        }
      });
    },
    damage(slot, atSec) {
      h.sim.at(atSec, () => {
        const t = store.table;
        const host = t.slotHost[slot];
        if (host < 0) return;
        const sector = Math.floor((t.slotPos[slot] * t.blockBytes) / SECTOR_BYTES);
        h.trace.emit(DISK_LSE, { kind: "host", index: host }, { detail: { disk: t.slotDisk[slot], sector } });
      });
    },
    corrupt(slot, atSec, seed = 1) {
      h.sim.at(atSec, () => {
        const t = store.table;
        const host = t.slotHost[slot];
        if (host < 0) return;
        const sector = Math.floor((t.slotPos[slot] * t.blockBytes) / SECTOR_BYTES);
        h.trace.emit(DISK_CORRUPT, { kind: "host", index: host }, { detail: { disk: t.slotDisk[slot], sector, seed } });
      });
    },
  };
}
