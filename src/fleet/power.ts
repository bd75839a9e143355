// The power tree of each datacenter: its utility feed -> PDUs -> bus bars -> racks.
// Every row has `busbarsPerRow` bus bars (busways over the row), each feeding a share of
// the row's racks; every PDU feeds a run of consecutive bus bars of its datacenter (row01
// a, b, ..., row02 a, ...), so losing a PDU drops several rows' worth of racks at once and
// losing a bus bar a share of one row. Ids: `dc1/pdu03` (numbered within the datacenter),
// `dc1/row07/busbar-a` (see ./fleet.ts).
//
// Where the shape comes from.
//   Order: PDUs take the protected main power and break it into the smaller feeds that
//     reach the racks (branch circuits, or overhead busways): Rasmussen, "A Scalable,
//     Reconfigurable, and Efficient Data Center Power Distribution Architecture",
//     APC / Schneider Electric White Paper 129, which puts PDUs at "typically 50 kW to
//     500 kW" and branch circuits at 1.5-15 kW.
//   Size: Dean, "Designs, Lessons and Advice from Building Large Distributed Systems",
//     LADIS 2009 keynote, "typical first year for a new cluster": "~1 PDU failure
//     (~500-1000 machines suddenly disappear, ~6 hours to come back)". By default
//     (`busbarsPerPdu: auto`) a PDU feeds as many whole bus bars as keep it at or under
//     PDU_HOSTS_AUTO = 1,000 hosts (Dean's upper figure: where in his range is our choice),
//     and the datacenter's bus bars are split into the fewest near-equal groups that
//     allows. So no PDU feeds more than 1,000 hosts; on the usual layouts each feeds
//     500-1,000 (the showcase's 800, DESIGN.md's 800); the split is by whole bus bars, so
//     some layouts leave a PDU under 500 (never under 400 while a bus bar feeds at most
//     250 hosts), and a datacenter under 1,000 hosts has one PDU for all of it.
//     `busbarsPerPdu: N` sets the group size instead.
//   Bus bars per row (2), how racks map to them (contiguous) and the PDU grouping rule are
//     our own choices.
// contiguous: a row's racks split into consecutive, near-equal groups (the first groups
// get the extra rack); interleaved: rack i of a row on bus bar i mod busbars.
import type { BusbarAssignment, PowerSpec } from "./spec.js";

/** Most hosts one PDU feeds under `busbarsPerPdu: auto` (Dean 2009's 500-1,000 machines, upper end: our choice). */
export const PDU_HOSTS_AUTO = 1000;

/** Start of group `g` when `n` items are split into `groups` consecutive near-equal groups. */
export function groupStart(n: number, groups: number, g: number): number {
  const q = Math.floor(n / groups);
  const r = n % groups;
  return g * q + Math.min(g, r);
}

/** What the PDU grouping reads of a datacenter. */
export interface PowerShape {
  rows: number;
  racksPerRow: number;
  hostsPerRack: number;
  power: PowerSpec;
}

/** Most bus bars one PDU of this datacenter feeds (`busbarsPerPdu`, with auto resolved). */
export function busbarsPerPduOf(dc: PowerShape): number {
  const k = dc.power.busbarsPerPdu;
  if (k !== "auto") return k;
  // The largest bus bar: the racks of a row split as evenly as the assignment allows.
  const largest = Math.ceil(dc.racksPerRow / dc.power.busbarsPerRow) * dc.hostsPerRack;
  return Math.max(1, Math.floor(PDU_HOSTS_AUTO / Math.max(1, largest)));
}

/** PDUs of a datacenter, from its spec alone. */
export function pduCountOf(dc: PowerShape): number {
  return Math.ceil((dc.rows * dc.power.busbarsPerRow) / busbarsPerPduOf(dc));
}

/** Output arrays the wiring fills (all preallocated by the caller). */
export interface PowerArrays {
  rackBusbar: Int32Array;
  rackPdu: Int32Array;
  busbarPdu: Int32Array;
  /** Bus bars of PDU p are pduFirstBusbar[p] .. pduFirstBusbar[p+1]. */
  pduFirstBusbar: Int32Array;
  /** CSR: racks of bus bar b are busbarRacks[busbarRackStart[b] .. busbarRackStart[b+1]). */
  busbarRackStart: Int32Array;
  busbarRacks: Int32Array;
  /** CSR: racks of PDU p, ascending, are pduRacks[pduRackStart[p] .. pduRackStart[p+1]). */
  pduRackStart: Int32Array;
  pduRacks: Int32Array;
}

/**
 * Wires the racks [firstRack, firstRack + racks) of one row to the bus bars
 * [firstBusbar, firstBusbar + busbars). Racks are appended to the bus bars' CSR lists in
 * ascending order from `write`; returns the next write position.
 */
export function wireRow(
  out: PowerArrays,
  write: number,
  firstRack: number,
  racks: number,
  firstBusbar: number,
  busbars: number,
  assign: BusbarAssignment,
): number {
  const interleaved = assign === "interleaved";
  for (let j = 0; j < busbars; j++) {
    const b = firstBusbar + j;
    out.busbarRackStart[b] = write;
    const from = interleaved ? j : groupStart(racks, busbars, j);
    const to = interleaved ? racks : groupStart(racks, busbars, j + 1);
    const step = interleaved ? busbars : 1;
    for (let k = from; k < to; k += step) {
      out.busbarRacks[write++] = firstRack + k;
      out.rackBusbar[firstRack + k] = b;
    }
  }
  return write;
}

/**
 * Groups a datacenter's bus bars [firstBusbar, firstBusbar + busbars) into `pdus` PDUs
 * numbered from firstPdu, consecutive near-equal runs, and sets each of its racks' PDU.
 * Call after its rows are wired.
 */
export function wirePdus(out: PowerArrays, firstBusbar: number, busbars: number, firstPdu: number, pdus: number): void {
  for (let q = 0; q < pdus; q++) {
    const p = firstPdu + q;
    out.pduFirstBusbar[p] = firstBusbar + groupStart(busbars, pdus, q);
    const end = firstBusbar + groupStart(busbars, pdus, q + 1);
    for (let b = out.pduFirstBusbar[p]; b < end; b++) {
      out.busbarPdu[b] = p;
      for (let i = out.busbarRackStart[b]; i < out.busbarRackStart[b + 1]; i++) out.rackPdu[out.busbarRacks[i]] = p;
    }
  }
}

/** Fills the PDUs' CSR rack lists, each ascending, from rackPdu (a counting sort). */
export function listPduRacks(out: PowerArrays, pdus: number): void {
  const counts = new Int32Array(pdus + 1);
  for (let k = 0; k < out.rackPdu.length; k++) counts[out.rackPdu[k] + 1]++;
  for (let p = 0; p < pdus; p++) counts[p + 1] += counts[p];
  out.pduRackStart.set(counts);
  for (let k = 0; k < out.rackPdu.length; k++) out.pduRacks[counts[out.rackPdu[k]]++] = k;
}
