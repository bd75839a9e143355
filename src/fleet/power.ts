// The power tree below each datacenter's utility feed: every row has `busbarsPerRow`
// bus bars, every bus bar `pdusPerBusbar` PDUs, every rack hangs off one PDU. Losing a
// bus bar drops all its racks at once, which is what power-aware placement must survive.
// contiguous: a row's racks split into consecutive, near-equal groups (the first groups
// get the extra rack); interleaved: rack i of a row on bus bar i mod busbars, and the
// racks of a bus bar dealt to its PDUs the same way.
import type { BusbarAssignment } from "./spec.js";

/** Start of group `g` when `n` items are split into `groups` consecutive near-equal groups. */
export function groupStart(n: number, groups: number, g: number): number {
  const q = Math.floor(n / groups);
  const r = n % groups;
  return g * q + Math.min(g, r);
}

/** Output arrays the assignment fills (all preallocated by the caller). */
export interface PowerArrays {
  rackBusbar: Int32Array;
  rackPdu: Int32Array;
  /** CSR: racks of bus bar b are busbarRacks[busbarRackStart[b] .. busbarRackStart[b+1]). */
  busbarRackStart: Int32Array;
  busbarRacks: Int32Array;
  /** CSR: racks of PDU p are pduRacks[pduRackStart[p] .. pduRackStart[p+1]). */
  pduRackStart: Int32Array;
  pduRacks: Int32Array;
}

/** Cursor into the CSR lists, carried from one row to the next. */
export interface PowerCursor {
  busbarWrite: number;
  pduWrite: number;
}

/**
 * Wires the racks [firstRack, firstRack + racks) of one row to the bus bars
 * [firstBusbar, firstBusbar + busbars), each with `pdus` PDUs numbered from
 * firstPdu + j * pdus. Racks are appended to the CSR lists in ascending order.
 */
export function wireRow(
  out: PowerArrays,
  cur: PowerCursor,
  firstRack: number,
  racks: number,
  firstBusbar: number,
  busbars: number,
  firstPdu: number,
  pdus: number,
  assign: BusbarAssignment,
): void {
  const interleaved = assign === "interleaved";
  for (let j = 0; j < busbars; j++) {
    const b = firstBusbar + j;
    const listStart = cur.busbarWrite;
    out.busbarRackStart[b] = listStart;
    if (interleaved) {
      for (let k = j; k < racks; k += busbars) out.busbarRacks[cur.busbarWrite++] = firstRack + k;
    } else {
      const end = groupStart(racks, busbars, j + 1);
      for (let k = groupStart(racks, busbars, j); k < end; k++) out.busbarRacks[cur.busbarWrite++] = firstRack + k;
    }
    const m = cur.busbarWrite - listStart;
    for (let q = 0; q < pdus; q++) {
      const p = firstPdu + j * pdus + q;
      out.pduRackStart[p] = cur.pduWrite;
      const from = interleaved ? q : groupStart(m, pdus, q);
      const to = interleaved ? m : groupStart(m, pdus, q + 1);
      const step = interleaved ? pdus : 1;
      for (let t = from; t < to; t += step) {
        const rack = out.busbarRacks[listStart + t];
        out.pduRacks[cur.pduWrite++] = rack;
        out.rackBusbar[rack] = b;
        out.rackPdu[rack] = p;
      }
    }
  }
}
