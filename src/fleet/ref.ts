// A reference to one element of the fleet: what an id resolves to.

export type FleetKind = "dc" | "row" | "rack" | "host" | "busbar" | "pdu" | "utility" | "link";

/** `index` is the dense index within its kind (a utility's index is its datacenter's). */
export interface FleetRef {
  kind: FleetKind;
  index: number;
}

/** A half-open index range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/** An inter-datacenter link, indices into the fleet's datacenters. */
export interface FleetLink {
  id: string;
  a: number;
  b: number;
  latencySec: number;
  bandwidthBitsPerSec: number;
}

/** Counts for the one-line `fleet validate` summary. */
export interface FleetSummary {
  datacenters: number;
  rows: number;
  racks: number;
  hosts: number;
  busbars: number;
  pdus: number;
  links: number;
}

/** "2 datacenters, 80 rows, 2000 racks, 32000 hosts, 160 bus bars, 320 PDUs, 1 link" */
export function formatSummary(s: FleetSummary): string {
  const n = (x: number, one: string, many = `${one}s`) => `${x} ${x === 1 ? one : many}`;
  return [
    n(s.datacenters, "datacenter"),
    n(s.rows, "row"),
    n(s.racks, "rack"),
    n(s.hosts, "host"),
    n(s.busbars, "bus bar"),
    n(s.pdus, "PDU"),
    n(s.links, "link"),
  ].join(", ");
}
