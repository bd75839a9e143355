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

/**
 * What id parsing and did-you-mean search read of a fleet (src/fleet/resolve.ts,
 * src/fleet/closest.ts): the Fleet class implements it. An interface of its own so that
 * those files and the Fleet class do not import each other.
 */
export interface FleetIdIndex {
  readonly spec: import("./spec.js").FleetSpec;
  readonly dcFirstRow: Int32Array;
  readonly rowFirstRack: Int32Array;
  readonly rackFirstHost: Int32Array;
  readonly rowFirstBusbar: Int32Array;
  readonly dcFirstPdu: Int32Array;
  readonly links: readonly FleetLink[];
  readonly linkCount: number;
  dcSpec(dc: number): import("./spec.js").DatacenterSpec;
  dcIndex(name: string): number;
  linkIndex(id: string): number;
  idFormat(dc: number): import("./ids.js").DcIdFormat;
  dcId(dc: number): string;
  utilityId(dc: number): string;
  rowId(row: number): string;
  rackId(rack: number): string;
  hostId(host: number): string;
  busbarId(busbar: number): string;
  pduId(pdu: number): string;
  resolve(id: string): FleetRef | undefined;
}
