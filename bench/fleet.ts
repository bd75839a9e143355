// Fleet topology benchmark: how long buildFleet takes at 10k, 100k and 1M hosts, and how
// many bytes of typed arrays (topology + per-host state) one host costs. Shapes use
// 16 hosts per rack, the worst case for per-rack overhead; 1M = 4 datacenters x 625 rows
// x 25 racks x 16 hosts.
import { buildFleet } from "../src/fleet/build.js";
import type { FleetSpec } from "../src/fleet/spec.js";
import { machine, median, timeRuns, type BenchOptions, type Figure } from "./lib.js";

function spec(dcs: number, rows: number, racksPerRow: number, hostsPerRack: number): FleetSpec {
  return {
    datacenters: Array.from({ length: dcs }, (_, i) => ({
      name: `dc${i + 1}`,
      altitudeM: 0,
      rows,
      racksPerRow,
      hostsPerRack,
      facing: "alternate" as const,
      aisleAzimuthDeg: 90,
      power: { busbarsPerRow: 2, busbarsPerPdu: "auto" as const, assign: "contiguous" as const },
      host: { dimms: 16, dimmBytes: 32 * 2 ** 30, ecc: "secded" as const, disks: 4, diskBytes: 8e12, accelerators: 8 },
    })),
    links: [],
  };
}

const SIZES: { label: string; spec: FleetSpec; hosts: number }[] = [
  { label: "10k", spec: spec(1, 25, 25, 16), hosts: 10_000 },
  { label: "100k", spec: spec(1, 250, 25, 16), hosts: 100_000 },
  { label: "1M", spec: spec(4, 625, 25, 16), hosts: 1_000_000 },
];

export async function benchFleet(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 3 : 5;
  const figures: Figure[] = [];
  const bytesPerHost: Record<string, number> = {};
  for (const size of SIZES) {
    buildFleet(size.spec); // warm-up: JIT and first allocation out of the timings
    let hosts = 0;
    const runs = timeRuns(reps, () => {
      const f = buildFleet(size.spec);
      hosts = f.hostCount;
      bytesPerHost[size.label] = f.bytesPerHost();
    });
    if (hosts !== size.hosts) throw new Error(`bench shape ${size.label} built ${hosts} hosts`);
    figures.push({
      name: `fleet.build.${size.label}.sec`,
      value: median(runs),
      unit: "s",
      ...(size.label === "1M" ? { target: { op: "<=" as const, value: 1 } } : {}),
      extra: { hosts, reps, runs, machine: machine() },
    });
  }
  for (const size of SIZES) {
    figures.push({
      name: `fleet.bytesPerHost.${size.label}`,
      value: bytesPerHost[size.label],
      unit: "B/host",
      target: { op: "<=", value: 64 },
      extra: { hosts: size.hosts },
    });
  }
  return figures;
}
