// Checksummed checkpoints through a whole scenario: a block of a job host's disk is
// garbled silently (a `diskCorruption` incident, src/faults/disk-corruption.ts) where the
// shard of its newest checkpoint lies, then a host of the job crashes. With the policy's
// checkpointChecksum on, the restore finds the shard's CRC-32 wrong and falls back to the
// checkpoint before (src/workloads/training/shards.ts); off, it restores the garbled one
// as good, and that is a silent corruption that reached the job (silentCorruptions).
import { describe, expect, it } from "vitest";
import { MemoryJournal } from "../src/journal/memory.js";
import { runScenario } from "../src/run/session.js";
import { loadScenarioText } from "../src/scenario/load.js";

// The job's 8 hosts are rack 1 and rack 2; checkpoints every 20 min of running with 90 s
// stalls end at 21m30s, 43m, 1h4m30s... in ring slots 0, 1, 2 of 16 sectors (64 KiB) each.
// Sector 21 of host04's first disk is in slot 1: the 43m checkpoint's shard 3.
const SCENARIO = `
name: checkpoint-crc
seed: 1
duration: 3h
fleet:
  host: { disks: 2 }
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 3, hostsPerRack: 4 }
workloads:
  - training: { name: pretrain, hosts: 8, stepTime: 4s, checkpointWrite: 90s, restart: 5m, checkpointShard: 64KiB }
faults:
  - { at: 50m, diskCorruption: dc1/row01/rack01/host04, sector: 21, seed: 7 }
  - { at: 1h, host: dc1/row01/rack02/host02, repair: 6h }
policies:
  crc: { checkpoint: 20m, checkpointChecksum: on }
  nocrc: { checkpoint: 20m }
`;

describe("checksummed checkpoints in a scenario", () => {
  it("with checkpointChecksum on the garbled checkpoint is caught and the job restores the one before; off, it is a silent corruption", async () => {
    const r = loadScenarioText(SCENARIO, "checkpoint-crc.yaml");
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const journal = new MemoryJournal();
    const outcome = await runScenario(r.value, { seed: 1, durationSec: r.value.durationSec, journal, fleetVersion: "test" });
    expect(outcome.status).toBe("complete");
    const records = journal.lines.map((l) => JSON.parse(l) as Record<string, unknown> & { t: string; at: number });
    const restarts = (p: string) =>
      records.filter((x) => x.t === "recovery" && x.policy === p).map(({ action, restoredFrom, corrupted }) => ({ action, restoredFrom, corrupted }));
    expect(restarts("crc")).toEqual([
      { action: "skip-checkpoint", restoredFrom: 1290, corrupted: 2580 },
      { action: "restart", restoredFrom: 1290, corrupted: undefined },
    ]);
    expect(restarts("nocrc")).toEqual([{ action: "restart", restoredFrom: 2580, corrupted: undefined }]);
    const { crc, nocrc } = outcome.metrics;
    expect(crc["faults.disk.corrupt"]).toBe(1);
    expect(crc["training.corruptCheckpointsCaught"]).toBe(1);
    expect(crc["training.lost.corruptCheckpointHours"] * 3600).toBeCloseTo(1200, 6);
    expect(crc.silentCorruptions).toBe(0);
    expect(nocrc["training.corruptCheckpointsRestored"]).toBe(1);
    expect(nocrc.silentCorruptions).toBe(1);
  });
});
