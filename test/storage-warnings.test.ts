// A store told of a bus bar's trip 30 minutes ahead (`warning: 30m` on a scheduled
// incident), through `fleet chaos`: with onPowerWarning: migrate the store copies the blocks
// off the warned hosts before the trip (src/workloads/storage/warnings.ts), so none is
// unavailable when it comes; the same policy without the key leaves the blocks with both
// copies under the bus bar (about 1 in 9 with random placement over three bus bars)
// unavailable for the 6-hour outage.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

const SCENARIO = `name: storage-warned
seed: 3
duration: 2d
fleet:
  host: { disks: 4, diskTB: 8 }
  datacenters:
    - name: dc1
      rows: 3
      racksPerRow: 4
      hostsPerRack: 8
      power: { busbarsPerRow: 1 }
workloads:
  - storage: { name: hdfs, blocks: 20000, blockSize: 128MiB, noRebootAfterPowerLoss: 0 }
faults:
  - { at: 1d, busbar: dc1/row02/busbar-a, repair: 6h, warning: 30m }
policies:
  plain: { replication: 2, placement: random }
  migrate: { replication: 2, placement: random, onPowerWarning: migrate }
`;

describe("a warned bus bar trip under a two-copy store", () => {
  it("onPowerWarning: migrate leaves no block unavailable at the trip; without it ~1/9 of the blocks are", async () => {
    const file = join(tempDir(), "storage-warned.yaml");
    writeFileSync(file, SCENARIO);
    const r = await fleet(["chaos", file, "--no-journal", "--reporter", "json"]);
    expect(r.err).toMatch(/^seed=3 /);
    expect(r.code).toBe(0);
    const { plain, migrate } = JSON.parse(r.out).metrics as Record<string, Record<string, number>>;
    // Both copies among the 32 hosts of one bus bar of 96: C(32,2)/C(96,2) ~ 10.9% of 20,000.
    expect(plain["storage.unavailableBlocksMax"]).toBeGreaterThan(1800);
    expect(plain["storage.unavailableBlocksMax"]).toBeLessThan(2600);
    expect(plain["storage.powerMigrations"]).toBe(0);
    expect(migrate["storage.unavailableBlocksMax"]).toBe(0);
    expect(migrate["storage.unavailableBlockHours"]).toBe(0);
    // Every block with a copy under the bus bar, 1 - (64/96)(63/95) ~ 56% of them, got one.
    expect(migrate["storage.powerMigrations"]).toBeGreaterThan(10_500);
    expect(migrate["storage.powerMigrations"]).toBeLessThan(11_800);
    expect(migrate["storage.lostBlocks"]).toBe(0);
    expect(migrate["storage.availability"]).toBe(1);
    expect(plain["storage.availability"]).toBeLessThan(1);
  });
});
