// buildFleet: FleetSpec -> Fleet. Lays out datacenters, rows, racks and hosts as dense
// contiguous indices in typed arrays, wires the power tree (./power.ts) and the rack facing.
// Hot path (1M hosts in well under a second): no object and no string per host or
// rack; ids are made later, on demand, from the indices.
import type { FleetSpec } from "./spec.js";
import { rowFacingDeg } from "./facing.js";
import { Fleet } from "./fleet.js";
import { listPduRacks, pduCountOf, wirePdus, wireRow } from "./power.js";
import { allocHostState } from "./state.js";
import type { Topology } from "./topology.js";
import { fleetSpecProblems } from "./validate.js";

export function buildFleet(spec: FleetSpec): Fleet {
  const problems = fleetSpecProblems(spec);
  if (problems.length) throw new RangeError(`invalid fleet: ${problems.join("; ")}`);

  const dcs = spec.datacenters;
  let rows = 0,
    racks = 0,
    hosts = 0,
    busbars = 0,
    pdus = 0;
  for (const dc of dcs) {
    rows += dc.rows;
    racks += dc.rows * dc.racksPerRow;
    hosts += dc.rows * dc.racksPerRow * dc.hostsPerRack;
    busbars += dc.rows * dc.power.busbarsPerRow;
    pdus += pduCountOf(dc);
  }

  const t: Topology = {
    dcFirstRow: new Int32Array(dcs.length + 1),
    dcFirstRack: new Int32Array(dcs.length + 1),
    dcFirstHost: new Int32Array(dcs.length + 1),
    rowFirstRack: new Int32Array(rows + 1),
    rackFirstHost: new Int32Array(racks + 1),
    rowDc: new Int32Array(rows),
    rackRow: new Int32Array(racks),
    rackDc: new Int32Array(racks),
    rackFacingDeg: new Float64Array(racks),
    rackBusbar: new Int32Array(racks),
    rackPdu: new Int32Array(racks),
    rowFirstBusbar: new Int32Array(rows + 1),
    busbarRow: new Int32Array(busbars),
    dcFirstPdu: new Int32Array(dcs.length + 1),
    pduFirstBusbar: new Int32Array(pdus + 1),
    busbarPdu: new Int32Array(busbars),
    busbarRackStart: new Int32Array(busbars + 1),
    busbarRacks: new Int32Array(racks),
    pduRackStart: new Int32Array(pdus + 1),
    pduRacks: new Int32Array(racks),
    rackOf: new Int32Array(hosts),
  };

  let write = 0;
  let row = 0,
    rack = 0,
    host = 0,
    busbar = 0,
    pdu = 0;
  for (let d = 0; d < dcs.length; d++) {
    const dc = dcs[d];
    const { busbarsPerRow, assign } = dc.power;
    const dcFirstBusbar = busbar;
    t.dcFirstRow[d] = row;
    t.dcFirstRack[d] = rack;
    t.dcFirstHost[d] = host;
    t.dcFirstPdu[d] = pdu;
    for (let r = 0; r < dc.rows; r++, row++) {
      const facing = rowFacingDeg(dc, r + 1);
      t.rowDc[row] = d;
      t.rowFirstRack[row] = rack;
      t.rowFirstBusbar[row] = busbar;
      for (let j = 0; j < busbarsPerRow; j++) t.busbarRow[busbar + j] = row;
      write = wireRow(t, write, rack, dc.racksPerRow, busbar, busbarsPerRow, assign);
      busbar += busbarsPerRow;
      for (let k = 0; k < dc.racksPerRow; k++, rack++) {
        t.rackRow[rack] = row;
        t.rackDc[rack] = d;
        t.rackFacingDeg[rack] = facing;
        t.rackFirstHost[rack] = host;
        const end = host + dc.hostsPerRack;
        t.rackOf.fill(rack, host, end);
        host = end;
      }
    }
    t.busbarRackStart[busbar] = write; // closes the datacenter's last bus bar for wirePdus
    const dcPdus = pduCountOf(dc);
    wirePdus(t, dcFirstBusbar, busbar - dcFirstBusbar, pdu, dcPdus);
    pdu += dcPdus;
  }
  t.dcFirstRow[dcs.length] = row;
  t.dcFirstRack[dcs.length] = rack;
  t.dcFirstHost[dcs.length] = host;
  t.rowFirstRack[rows] = rack;
  t.rackFirstHost[racks] = host;
  t.rowFirstBusbar[rows] = busbar;
  t.dcFirstPdu[dcs.length] = pdu;
  t.pduFirstBusbar[pdus] = busbar;
  t.busbarRackStart[busbars] = write;
  listPduRacks(t, pdus);

  return new Fleet(spec, t, allocHostState(hosts));
}
