// The replicated store at a million blocks: laying out 1M blocks x 3 copies (power-aware,
// 1,024 hosts) and its memory, and re-replication throughput: copies made per wall second
// through six bus-bar outages of 6 hours on that store (each takes down a sixth of the
// hosts; their copies are made again elsewhere after 10m30s, and deleted as excess when
// the hosts come back). Every figure includes the whole lane (fault layer, memory
// detector), as a `fleet chaos` run pays it.
import { Lane } from "../src/run/lane.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { median, nowSec, type BenchOptions, type Figure } from "./lib.js";

const SCENARIO = (blocks: number) => `name: bench-storage
duration: 14d
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 16, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
workloads:
  - storage: { name: store, blocks: ${blocks} }
faults:
  - { at: 1d, busbar: dc1/row01/busbar-a, repair: 6h }
  - { at: 3d, busbar: dc1/row02/busbar-b, repair: 6h }
  - { at: 5d, busbar: dc1/row03/busbar-a, repair: 6h }
  - { at: 7d, busbar: dc1/row04/busbar-b, repair: 6h }
  - { at: 9d, busbar: dc1/row01/busbar-b, repair: 6h }
  - { at: 11d, busbar: dc1/row02/busbar-a, repair: 6h }
policies:
  powerAware: { replication: 3, placement: power-aware }
`;

export async function benchStorage(opts: BenchOptions): Promise<Figure[]> {
  const blocks = opts.quick ? 250_000 : 1_000_000;
  const r = loadScenarioText(SCENARIO(blocks), "bench/storage.yaml");
  if (!r.ok) throw new Error(`bench scenario refused: ${JSON.stringify(r.issues)}`);
  const reps = opts.quick ? 1 : 3;
  const builds: number[] = [];
  const rates: number[] = [];
  let copies = 0;
  let heapMB = 0;
  for (let i = 0; i < reps; i++) {
    const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const t0 = nowSec();
    const lane = new Lane(r.value, "powerAware", 1 + i, r.value.durationSec, false);
    const t1 = nowSec();
    builds.push(t1 - t0);
    heapMB = (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0) / 1e6;
    lane.advance(r.value.durationSec, Infinity);
    const wall = nowSec() - t1;
    const m = lane.metrics(r.value.durationSec);
    copies = m["storage.reReplicatedBytes"] / (128 * 2 ** 20);
    rates.push(copies / wall);
  }
  return [
    {
      name: `storage.layout${opts.quick ? "250k" : "1M"}x3.sec`,
      value: median(builds),
      unit: "s",
      extra: { blocks, copies: blocks * 3, hosts: 1024, laneMemoryMB: Math.round(heapMB) },
    },
    {
      name: "storage.reReplication.copiesPerSec",
      value: median(rates),
      unit: "copies/s",
      extra: { blocks, copiesPerRun: copies, outages: 6, reps, runs: rates.map(Math.round) },
    },
  ];
}
