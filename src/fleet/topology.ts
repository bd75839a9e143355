// The frozen shape of a fleet as dense, contiguous indices and CSR offset arrays:
// datacenters -> rows -> racks -> hosts, and utility -> PDUs -> bus bars -> racks.
// A datacenter's rows, a row's racks, a rack's hosts are each one index range;
// `xFirstY[i] .. xFirstY[i+1]` is the range of Ys under X number i.

export interface Topology {
  dcFirstRow: Int32Array; // dcs + 1
  dcFirstRack: Int32Array; // dcs + 1
  dcFirstHost: Int32Array; // dcs + 1
  rowFirstRack: Int32Array; // rows + 1
  rackFirstHost: Int32Array; // racks + 1
  rowDc: Int32Array; // rows
  rackRow: Int32Array; // racks
  rackDc: Int32Array; // racks
  /** Azimuth the rack's front faces, degrees in [0, 360). */
  rackFacingDeg: Float64Array; // racks
  rackBusbar: Int32Array; // racks
  rackPdu: Int32Array; // racks
  rowFirstBusbar: Int32Array; // rows + 1
  busbarRow: Int32Array; // busbars
  /** A datacenter's PDUs are dcFirstPdu[d] .. dcFirstPdu[d+1]. */
  dcFirstPdu: Int32Array; // dcs + 1
  /** A PDU's bus bars are pduFirstBusbar[p] .. pduFirstBusbar[p+1] (consecutive). */
  pduFirstBusbar: Int32Array; // pdus + 1
  busbarPdu: Int32Array; // busbars
  busbarRackStart: Int32Array; // busbars + 1
  busbarRacks: Int32Array; // racks (a permutation)
  pduRackStart: Int32Array; // pdus + 1
  pduRacks: Int32Array; // racks (a permutation)
  /** The rack of each host (topology, not state: never changes). */
  rackOf: Int32Array; // hosts
}
