// Test helper: FleetSpec objects with sensible defaults, so a test states only what it
// is about. Defaults: one datacenter "dc1" at altitude 0, 2 rows x 4 racks x 4 hosts,
// alternate facing around 90 deg, 2 bus bars per row (contiguous), PDUs sized auto (one
// for a fleet this small: ./power.ts), hosts with 16 x 32 GiB SECDED DIMMs, 4 x 8 TB
// disks and 8 accelerators; no links.
import type { DatacenterSpec, FleetSpec, HostSpec, LinkSpec, PowerSpec } from "./spec.js";

export type DatacenterOverrides = Partial<Omit<DatacenterSpec, "power" | "host">> & {
  power?: Partial<PowerSpec>;
  host?: Partial<HostSpec>;
};

/** Top-level fields apply to every datacenter; `datacenters` lists per-datacenter overrides. */
export type FleetSpecOverrides = DatacenterOverrides & {
  datacenters?: DatacenterOverrides[];
  links?: LinkSpec[];
};

export const GiB = 2 ** 30;
export const TB = 1e12;

export function datacenterSpec(o: DatacenterOverrides = {}): DatacenterSpec {
  return {
    name: o.name ?? "dc1",
    altitudeM: o.altitudeM ?? 0,
    rows: o.rows ?? 2,
    racksPerRow: o.racksPerRow ?? 4,
    hostsPerRack: o.hostsPerRack ?? 4,
    facing: o.facing ?? "alternate",
    aisleAzimuthDeg: o.aisleAzimuthDeg ?? 90,
    power: { busbarsPerRow: 2, busbarsPerPdu: "auto", assign: "contiguous", ...o.power },
    host: { dimms: 16, dimmBytes: 32 * GiB, ecc: "secded", disks: 4, diskBytes: 8 * TB, accelerators: 8, ...o.host },
  };
}

export function fleetSpec(overrides: FleetSpecOverrides = {}): FleetSpec {
  const { datacenters, links, ...base } = overrides;
  const dcs = datacenters ?? [{}];
  return {
    datacenters: dcs.map((d, i) =>
      datacenterSpec({
        ...base,
        ...d,
        name: d.name ?? (dcs.length > 1 ? `dc${i + 1}` : base.name),
        power: { ...base.power, ...d.power },
        host: { ...base.host, ...d.host },
      }),
    ),
    links: links ?? [],
  };
}
