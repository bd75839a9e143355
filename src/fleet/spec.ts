// The validated, typed scenario: what src/scenario/load.ts produces from a YAML file
// once every unit has been parsed and every default filled in. All times are seconds of
// simulated time, all sizes bytes, all angles degrees (azimuth: 0 = north, 90 = east),
// all fractions in [0, 1]. Later layers read only these types, never the raw YAML.

export type EccMode = "none" | "parity" | "secded" | "chipkill";

export interface HostSpec {
  /** DIMMs per host. */
  dimms: number;
  /** Capacity of one DIMM in bytes. */
  dimmBytes: number;
  /** Memory protection of every DIMM of the host. */
  ecc: EccMode;
  /** Data disks per host. */
  disks: number;
  /** Capacity of one disk in bytes. */
  diskBytes: number;
  /** Accelerators (GPUs/TPUs) per host. */
  accelerators: number;
}

/** How the racks of a row are fed by its bus bars. */
export type BusbarAssignment = "contiguous" | "interleaved";

export interface PowerSpec {
  /** Bus bars per row; each feeds a share of the row's racks. */
  busbarsPerRow: number;
  /**
   * Most bus bars one PDU feeds: the datacenter's bus bars, in order (row01 a, b, ...,
   * row02 a, ...), are split into consecutive near-equal groups of at most this many, one
   * per PDU. "auto": as many as keep a PDU at or under PDU_HOSTS_AUTO hosts (./power.ts).
   */
  busbarsPerPdu: number | "auto";
  /**
   * contiguous: bus bar a feeds the first racks of the row, b the next, ...;
   * interleaved: rack i of a row is fed by bus bar i mod busbarsPerRow.
   */
  assign: BusbarAssignment;
}

export interface DatacenterSpec {
  name: string;
  /** Altitude in metres above sea level (drives the neutron flux for cosmic faults). */
  altitudeM: number;
  rows: number;
  racksPerRow: number;
  hostsPerRack: number;
  /**
   * Facing of each rack's front, as an azimuth in degrees.
   * "alternate": odd rows (row01, row03, ...) face `aisleAzimuthDeg`, even rows face the
   * opposite way, as in a hot-aisle/cold-aisle layout. A number: every rack faces that way.
   */
  facing: "alternate" | number;
  /** Base azimuth for "alternate" facing (default 90, east). */
  aisleAzimuthDeg: number;
  power: PowerSpec;
  /** The host model of this datacenter (the fleet-wide `host`, overridden per datacenter). */
  host: HostSpec;
}

/** A link between two datacenters, used by multi-datacenter training and network faults. */
export interface LinkSpec {
  a: string;
  b: string;
  latencySec: number;
  bandwidthBitsPerSec: number;
}

export interface FleetSpec {
  datacenters: DatacenterSpec[];
  links: LinkSpec[];
}

/** Hosts of a fleet spec, without building the fleet. */
export function hostCountOf(spec: FleetSpec): number {
  let n = 0;
  for (const dc of spec.datacenters) n += dc.rows * dc.racksPerRow * dc.hostsPerRack;
  return n;
}

/** Each datacenter's hosts, [start, end), in fleet order (hosts are numbered densely across datacenters). */
export function dcHostRanges(spec: FleetSpec): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let at = 0;
  for (const dc of spec.datacenters) {
    const n = dc.rows * dc.racksPerRow * dc.hostsPerRack;
    out.push({ start: at, end: at + n });
    at += n;
  }
  return out;
}
