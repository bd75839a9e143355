// `fleet explain --redis`: the leave-one-out runs (each with its own scenario text, or an
// incident excluded from the trace) go to a fleet worker through a real redis-server as
// plain JSON, and the explanation is the same as the serial one, row for row.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startRedisWorker } from "../src/distributed/redis-worker.js";
import { fleet, tempDir } from "./helpers.js";
import { describeRedis, useRedis } from "./redis-server.js";

// A bus bar at random (two incidents in 30 days, each excluded alone at level 2) and a host.
const SCENARIO = `name: explain-redis
seed: 4
duration: 30d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 2, hostsPerRack: 8, power: { busbarsPerRow: 1 } }
workloads:
  - training: { name: job, hosts: 24, stepTime: 10s, checkpointWrite: 60s, restart: 5m }
faults:
  - busbar: { mtbf: 20d, repair: 12h }
  - host: { mtbf: 2y }
policies:
  plain: { checkpoint: 1h }
slo:
  training.goodput: ">= 0.99"
`;

describeRedis("fleet explain on Redis workers", () => {
  const server = useRedis();

  it("gives the serial explanation, incidents excluded on the worker included", async () => {
    const file = join(tempDir("fleet-explain-redis-"), "s.yaml");
    writeFileSync(file, SCENARIO);
    const serial = await fleet(["explain", file, "--serial", "--reporter", "json"]);
    expect(serial.code).toBe(0);
    const rows = (out: string) => (JSON.parse(out) as { explanations: { rows: { id: string; cost: number }[] }[] }).explanations.flatMap((e) => e.rows);
    // The bus bar model's incidents are level-2 parts: the worker must exclude them.
    expect(rows(serial.out).some((r) => r.id.startsWith("faults[0]/power.busbar@"))).toBe(true);
    const worker = await startRedisWorker(server.url, { queue: "explain" });
    try {
      const viaRedis = await fleet(["explain", file, "--redis", server.url, "--queue", "explain", "--reporter", "json"]);
      expect(viaRedis.code).toBe(0);
      expect(rows(viaRedis.out)).toEqual(rows(serial.out));
    } finally {
      await worker.close();
    }
  });
});
