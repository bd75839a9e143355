// Id -> (kind, index) by parsing, not by a table: the datacenter name is looked up
// among the few datacenters, every number below it is read from the id and checked
// against its range. Only canonical ids resolve (`row07`, not `row7`), so an element
// has exactly one id and resolve(idOf(ref)) round-trips.
import { BUSBAR, HOST, LINK, parseBusbarLetters, parsePadded, PDU, RACK, ROW, UTILITY } from "./ids.js";
import type { FleetIdIndex as Fleet, FleetRef } from "./ref.js";

/** The 0-based index encoded by `seg` = prefix + canonical number in [1, count], else -1. */
export function parseNumbered(seg: string, prefix: string, width: number, count: number): number {
  if (!seg.startsWith(prefix)) return -1;
  const n = parsePadded(seg.slice(prefix.length), width);
  return n >= 1 && n <= count ? n - 1 : -1;
}

/** The 0-based bus bar of `seg` ("busbar-b" -> 1) if below `count`, else -1. */
export function parseBusbar(seg: string, count: number): number {
  if (!seg.startsWith(BUSBAR)) return -1;
  const j = parseBusbarLetters(seg.slice(BUSBAR.length));
  return j >= 0 && j < count ? j : -1;
}

export function resolveId(fleet: Fleet, id: string): FleetRef | undefined {
  const segs = id.split("/");
  if (segs[0] === LINK) {
    const link = fleet.linkIndex(id);
    return link >= 0 ? { kind: "link", index: link } : undefined;
  }
  const dc = fleet.dcIndex(segs[0]);
  if (dc < 0 || segs.length > 4) return undefined;
  if (segs.length === 1) return { kind: "dc", index: dc };
  if (segs[1] === UTILITY) return segs.length === 2 ? { kind: "utility", index: dc } : undefined;

  const spec = fleet.dcSpec(dc);
  const fmt = fleet.idFormat(dc);
  if (segs[1].startsWith(PDU)) {
    const q = parseNumbered(segs[1], PDU, fmt.pdu, fleet.dcFirstPdu[dc + 1] - fleet.dcFirstPdu[dc]);
    return q >= 0 && segs.length === 2 ? { kind: "pdu", index: fleet.dcFirstPdu[dc] + q } : undefined;
  }
  const r = parseNumbered(segs[1], ROW, fmt.row, spec.rows);
  if (r < 0) return undefined;
  const row = fleet.dcFirstRow[dc] + r;
  if (segs.length === 2) return { kind: "row", index: row };

  if (segs[2].startsWith(BUSBAR)) {
    const j = parseBusbar(segs[2], spec.power.busbarsPerRow);
    if (j < 0) return undefined;
    return segs.length === 3 ? { kind: "busbar", index: fleet.rowFirstBusbar[row] + j } : undefined;
  }

  const k = parseNumbered(segs[2], RACK, fmt.rack, spec.racksPerRow);
  if (k < 0) return undefined;
  const rack = fleet.rowFirstRack[row] + k;
  if (segs.length === 3) return { kind: "rack", index: rack };
  const h = parseNumbered(segs[3], HOST, fmt.host, spec.hostsPerRack);
  return h < 0 ? undefined : { kind: "host", index: fleet.rackFirstHost[rack] + h };
}
