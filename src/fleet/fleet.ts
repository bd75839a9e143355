// The Fleet: topology queries over dense indices, readable ids made on demand, and the
// per-host mutable state arrays. Built by buildFleet (build.ts); everything here is
// O(1) or proportional to the answer, never to the fleet, except racksFacing and the
// summary counts. Ids: `dc1`, `dc1/utility`, `dc1/row07`, `dc1/row07/rack12`,
// `dc1/row07/rack12/host03`, `dc1/row07/busbar-a`, `dc1/pdu03` (a PDU feeds bus bars of
// several rows, so it is named within its datacenter: ./power.ts), `link/dc1-dc2`;
// numbers are 1-based and zero-padded to the width of their level.
import type { DatacenterSpec, FleetSpec, HostSpec } from "./spec.js";
import { closestId } from "./closest.js";
import { isWithin } from "./facing.js";
import { busbarLetters, dcIdFormat, padNumber, type DcIdFormat, BUSBAR, HOST, LINK, PDU, RACK, ROW, UTILITY } from "./ids.js";
import type { FleetIdIndex, FleetLink, FleetRef, FleetSummary, IndexRange } from "./ref.js";
import { resolveId } from "./resolve.js";
import { resetHostState, type HostStateArrays } from "./state.js";
import type { Topology } from "./topology.js";

export class Fleet implements Topology, HostStateArrays, FleetIdIndex {
  readonly spec: FleetSpec;

  readonly dcCount: number;
  readonly rowCount: number;
  readonly rackCount: number;
  readonly hostCount: number;
  readonly busbarCount: number;
  readonly pduCount: number;

  // Topology (see topology.ts). Read-only by convention: never write into these.
  readonly dcFirstRow: Int32Array;
  readonly dcFirstRack: Int32Array;
  readonly dcFirstHost: Int32Array;
  readonly rowFirstRack: Int32Array;
  readonly rackFirstHost: Int32Array;
  readonly rowDc: Int32Array;
  readonly rackRow: Int32Array;
  readonly rackDc: Int32Array;
  readonly rackFacingDeg: Float64Array;
  readonly rackBusbar: Int32Array;
  readonly rackPdu: Int32Array;
  readonly rowFirstBusbar: Int32Array;
  readonly busbarRow: Int32Array;
  readonly dcFirstPdu: Int32Array;
  readonly pduFirstBusbar: Int32Array;
  readonly busbarPdu: Int32Array;
  readonly busbarRackStart: Int32Array;
  readonly busbarRacks: Int32Array;
  readonly pduRackStart: Int32Array;
  readonly pduRacks: Int32Array;
  readonly rackOf: Int32Array;

  // Per-host mutable state (see state.ts): write freely.
  readonly state: Uint8Array;
  readonly downUntil: Float64Array;
  readonly correctable: Uint32Array;
  readonly flags: Uint8Array;
  readonly slowdown: Float32Array;
  /**
   * Per rack: the fraction of packets its hosts' traffic loses now (a wonky rack; 0 when
   * none), kept by the fault trace (src/faults/trace.ts) like host slowdowns.
   */
  readonly rackLoss: Float32Array;

  readonly links: readonly FleetLink[];

  private readonly formats: DcIdFormat[];
  private readonly dcByName = new Map<string, number>();
  private readonly linkByKey = new Map<string, number>();
  private readonly allArrays: ArrayBufferView[];

  constructor(spec: FleetSpec, t: Topology, s: HostStateArrays) {
    this.spec = spec;
    this.dcFirstRow = t.dcFirstRow;
    this.dcFirstRack = t.dcFirstRack;
    this.dcFirstHost = t.dcFirstHost;
    this.rowFirstRack = t.rowFirstRack;
    this.rackFirstHost = t.rackFirstHost;
    this.rowDc = t.rowDc;
    this.rackRow = t.rackRow;
    this.rackDc = t.rackDc;
    this.rackFacingDeg = t.rackFacingDeg;
    this.rackBusbar = t.rackBusbar;
    this.rackPdu = t.rackPdu;
    this.rowFirstBusbar = t.rowFirstBusbar;
    this.busbarRow = t.busbarRow;
    this.dcFirstPdu = t.dcFirstPdu;
    this.pduFirstBusbar = t.pduFirstBusbar;
    this.busbarPdu = t.busbarPdu;
    this.busbarRackStart = t.busbarRackStart;
    this.busbarRacks = t.busbarRacks;
    this.pduRackStart = t.pduRackStart;
    this.pduRacks = t.pduRacks;
    this.rackOf = t.rackOf;
    this.state = s.state;
    this.downUntil = s.downUntil;
    this.correctable = s.correctable;
    this.flags = s.flags;
    this.slowdown = s.slowdown;

    this.dcCount = spec.datacenters.length;
    this.rowCount = t.rowDc.length;
    this.rackCount = t.rackRow.length;
    this.hostCount = t.rackOf.length;
    this.busbarCount = t.busbarRow.length;
    this.pduCount = t.pduFirstBusbar.length - 1;
    this.formats = spec.datacenters.map(dcIdFormat);
    spec.datacenters.forEach((dc, i) => this.dcByName.set(dc.name, i));
    this.links = spec.links.map((l, i) => {
      const id = `${LINK}/${l.a}-${l.b}`;
      this.linkByKey.set(id, i);
      return { id, a: this.dcByName.get(l.a)!, b: this.dcByName.get(l.b)!, latencySec: l.latencySec, bandwidthBitsPerSec: l.bandwidthBitsPerSec };
    });
    this.rackLoss = new Float32Array(this.rackCount);
    this.allArrays = [...Object.values(t), ...Object.values(s), this.rackLoss];
  }

  // ---- hierarchy ----------------------------------------------------------------------

  rowsOfDc(dc: number): IndexRange {
    return { start: this.dcFirstRow[dc], end: this.dcFirstRow[dc + 1] };
  }
  racksOfDc(dc: number): IndexRange {
    return { start: this.dcFirstRack[dc], end: this.dcFirstRack[dc + 1] };
  }
  hostsOfDc(dc: number): IndexRange {
    return { start: this.dcFirstHost[dc], end: this.dcFirstHost[dc + 1] };
  }
  racksOfRow(row: number): IndexRange {
    return { start: this.rowFirstRack[row], end: this.rowFirstRack[row + 1] };
  }
  hostsOfRow(row: number): IndexRange {
    return { start: this.rackFirstHost[this.rowFirstRack[row]], end: this.rackFirstHost[this.rowFirstRack[row + 1]] };
  }
  hostsOfRack(rack: number): IndexRange {
    return { start: this.rackFirstHost[rack], end: this.rackFirstHost[rack + 1] };
  }

  rackOfHost(host: number): number {
    return this.rackOf[host];
  }
  rowOfHost(host: number): number {
    return this.rackRow[this.rackOf[host]];
  }
  dcOfHost(host: number): number {
    return this.rackDc[this.rackOf[host]];
  }
  rowOfRack(rack: number): number {
    return this.rackRow[rack];
  }
  dcOfRack(rack: number): number {
    return this.rackDc[rack];
  }
  dcOfRow(row: number): number {
    return this.rowDc[row];
  }
  /** 0-based position of a row within its datacenter (row01 -> 0). */
  rowPositionInDc(row: number): number {
    return row - this.dcFirstRow[this.rowDc[row]];
  }
  /** 0-based position of a rack within its row (rack01 -> 0): the x of a floor map. */
  rackPositionInRow(rack: number): number {
    return rack - this.rowFirstRack[this.rackRow[rack]];
  }
  /** 0-based position of a host within its rack (host01 -> 0). */
  hostPositionInRack(host: number): number {
    return host - this.rackFirstHost[this.rackOf[host]];
  }

  // ---- power ----------------------------------------------------------------------------

  busbarsOfRow(row: number): IndexRange {
    return { start: this.rowFirstBusbar[row], end: this.rowFirstBusbar[row + 1] };
  }
  /** The bus bars under a datacenter's utility feed. */
  busbarsOfDc(dc: number): IndexRange {
    return { start: this.rowFirstBusbar[this.dcFirstRow[dc]], end: this.rowFirstBusbar[this.dcFirstRow[dc + 1]] };
  }
  /** The PDUs under a datacenter's utility feed. */
  pdusOfDc(dc: number): IndexRange {
    return { start: this.dcFirstPdu[dc], end: this.dcFirstPdu[dc + 1] };
  }
  /** The bus bars a PDU feeds (consecutive, possibly over several rows). */
  busbarsOfPdu(pdu: number): IndexRange {
    return { start: this.pduFirstBusbar[pdu], end: this.pduFirstBusbar[pdu + 1] };
  }
  /** Racks fed by a bus bar, ascending (a view: do not write). */
  racksOfBusbar(busbar: number): Int32Array {
    return this.busbarRacks.subarray(this.busbarRackStart[busbar], this.busbarRackStart[busbar + 1]);
  }
  /** Racks fed by a PDU, ascending (a view: do not write). */
  racksOfPdu(pdu: number): Int32Array {
    return this.pduRacks.subarray(this.pduRackStart[pdu], this.pduRackStart[pdu + 1]);
  }
  /** Hosts fed by a bus bar, ascending (a new array; see forEachHostRange to avoid it). */
  hostsOfBusbar(busbar: number): Int32Array {
    return this.hostsOfRacks(this.racksOfBusbar(busbar));
  }
  hostsOfPdu(pdu: number): Int32Array {
    return this.hostsOfRacks(this.racksOfPdu(pdu));
  }
  /** Hosts under a datacenter's utility feed: all of its hosts. */
  hostsOfUtility(dc: number): IndexRange {
    return this.hostsOfDc(dc);
  }
  busbarOfRack(rack: number): number {
    return this.rackBusbar[rack];
  }
  pduOfRack(rack: number): number {
    return this.rackPdu[rack];
  }
  busbarOfHost(host: number): number {
    return this.rackBusbar[this.rackOf[host]];
  }
  pduOfHost(host: number): number {
    return this.rackPdu[this.rackOf[host]];
  }
  rowOfBusbar(busbar: number): number {
    return this.busbarRow[busbar];
  }
  /** The PDU feeding a bus bar. */
  pduOfBusbar(busbar: number): number {
    return this.busbarPdu[busbar];
  }
  /** The first bus bar a PDU feeds (its row stands for the PDU where one row is wanted). */
  busbarOfPdu(pdu: number): number {
    return this.pduFirstBusbar[pdu];
  }
  dcOfPdu(pdu: number): number {
    return this.rowDc[this.busbarRow[this.pduFirstBusbar[pdu]]];
  }

  private hostsOfRacks(racks: Int32Array): Int32Array {
    let n = 0;
    for (let i = 0; i < racks.length; i++) n += this.rackFirstHost[racks[i] + 1] - this.rackFirstHost[racks[i]];
    const out = new Int32Array(n);
    let w = 0;
    for (let i = 0; i < racks.length; i++) {
      for (let h = this.rackFirstHost[racks[i]]; h < this.rackFirstHost[racks[i] + 1]; h++) out[w++] = h;
    }
    return out;
  }

  /**
   * Calls fn(start, end) for each maximal run of consecutive hosts under `ref`, in
   * ascending order, without building a host list. A link has no hosts.
   */
  forEachHostRange(ref: FleetRef, fn: (start: number, end: number) => void): void {
    const { kind, index } = ref;
    let r: IndexRange;
    switch (kind) {
      case "host":
        return fn(index, index + 1);
      case "rack":
        r = this.hostsOfRack(index);
        return fn(r.start, r.end);
      case "row":
        r = this.hostsOfRow(index);
        return fn(r.start, r.end);
      case "dc":
      case "utility":
        r = this.hostsOfDc(index);
        return fn(r.start, r.end);
      case "busbar":
        return this.forEachRackRun(this.racksOfBusbar(index), fn);
      case "pdu":
        return this.forEachRackRun(this.racksOfPdu(index), fn);
      case "link":
        return;
    }
  }

  /** Hosts under `ref` (0 for a link). */
  hostCountOf(ref: FleetRef): number {
    let n = 0;
    this.forEachHostRange(ref, (s, e) => (n += e - s));
    return n;
  }

  private forEachRackRun(racks: Int32Array, fn: (start: number, end: number) => void): void {
    let i = 0;
    while (i < racks.length) {
      let j = i + 1;
      while (j < racks.length && racks[j] === racks[j - 1] + 1) j++;
      fn(this.rackFirstHost[racks[i]], this.rackFirstHost[racks[j - 1] + 1]);
      i = j;
    }
  }

  // ---- facing -------------------------------------------------------------------------

  facingOfRack(rack: number): number {
    return this.rackFacingDeg[rack];
  }
  /** Racks whose front faces within ±halfWidthDeg of directionDeg (circular), ascending. */
  racksFacing(directionDeg: number, halfWidthDeg: number): Int32Array {
    const out = new Int32Array(this.rackCount);
    let n = 0;
    for (let k = 0; k < this.rackCount; k++) {
      if (isWithin(this.rackFacingDeg[k], directionDeg, halfWidthDeg)) out[n++] = k;
    }
    return out.slice(0, n);
  }

  // ---- hardware -----------------------------------------------------------------------

  dcSpec(dc: number): DatacenterSpec {
    return this.spec.datacenters[dc];
  }
  hostSpecOfDc(dc: number): HostSpec {
    return this.spec.datacenters[dc].host;
  }
  hostSpec(host: number): HostSpec {
    return this.spec.datacenters[this.rackDc[this.rackOf[host]]].host;
  }
  altitudeMOfDc(dc: number): number {
    return this.spec.datacenters[dc].altitudeM;
  }
  /** Data bits of DRAM in a host (dimms x dimmBytes x 8; ECC check bits not counted). */
  dramBitsOfHost(host: number): number {
    const h = this.hostSpec(host);
    return h.dimms * h.dimmBytes * 8;
  }
  /** Data bits of DRAM over the whole fleet. */
  totalDramBits(): number {
    let bits = 0;
    for (let d = 0; d < this.dcCount; d++) {
      const h = this.hostSpecOfDc(d);
      bits += (this.dcFirstHost[d + 1] - this.dcFirstHost[d]) * h.dimms * h.dimmBytes * 8;
    }
    return bits;
  }

  // ---- links --------------------------------------------------------------------------

  get linkCount(): number {
    return this.links.length;
  }
  /** The link joining two datacenters (either order), or undefined. */
  linkBetween(dcA: number, dcB: number): FleetLink | undefined {
    return this.links.find((l) => (l.a === dcA && l.b === dcB) || (l.a === dcB && l.b === dcA));
  }

  // ---- ids ----------------------------------------------------------------------------

  /** Index of a datacenter by name, or -1. */
  dcIndex(name: string): number {
    return this.dcByName.get(name) ?? -1;
  }
  /** Index of a link by its id (`link/dc1-dc2`), or -1. */
  linkIndex(id: string): number {
    return this.linkByKey.get(id) ?? -1;
  }
  /** Digit widths of a datacenter's ids. */
  idFormat(dc: number): DcIdFormat {
    return this.formats[dc];
  }

  dcId(dc: number): string {
    return this.spec.datacenters[dc].name;
  }
  utilityId(dc: number): string {
    return `${this.dcId(dc)}/${UTILITY}`;
  }
  rowId(row: number): string {
    const dc = this.rowDc[row];
    return `${this.dcId(dc)}/${ROW}${padNumber(row - this.dcFirstRow[dc] + 1, this.formats[dc].row)}`;
  }
  rackId(rack: number): string {
    const row = this.rackRow[rack];
    return `${this.rowId(row)}/${RACK}${padNumber(rack - this.rowFirstRack[row] + 1, this.formats[this.rackDc[rack]].rack)}`;
  }
  hostId(host: number): string {
    const rack = this.rackOf[host];
    return `${this.rackId(rack)}/${HOST}${padNumber(host - this.rackFirstHost[rack] + 1, this.formats[this.rackDc[rack]].host)}`;
  }
  busbarId(busbar: number): string {
    const row = this.busbarRow[busbar];
    return `${this.rowId(row)}/${BUSBAR}${busbarLetters(busbar - this.rowFirstBusbar[row])}`;
  }
  pduId(pdu: number): string {
    const dc = this.dcOfPdu(pdu);
    return `${this.dcId(dc)}/${PDU}${padNumber(pdu - this.dcFirstPdu[dc] + 1, this.formats[dc].pdu)}`;
  }
  linkId(link: number): string {
    return this.links[link].id;
  }
  idOf(ref: FleetRef): string {
    switch (ref.kind) {
      case "dc":
        return this.dcId(ref.index);
      case "utility":
        return this.utilityId(ref.index);
      case "row":
        return this.rowId(ref.index);
      case "rack":
        return this.rackId(ref.index);
      case "host":
        return this.hostId(ref.index);
      case "busbar":
        return this.busbarId(ref.index);
      case "pdu":
        return this.pduId(ref.index);
      case "link":
        return this.linkId(ref.index);
    }
  }

  /** Parses a canonical id into its kind and index; undefined if it names nothing. */
  resolve(id: string): FleetRef | undefined {
    return resolveId(this, id);
  }
  /** The existing id nearest to `id`, for "did you mean" hints (`id` itself if valid). */
  closestId(id: string): string {
    return closestId(this, id);
  }

  // ---- summary and memory -------------------------------------------------------------

  summary(): FleetSummary {
    return {
      datacenters: this.dcCount,
      rows: this.rowCount,
      racks: this.rackCount,
      hosts: this.hostCount,
      busbars: this.busbarCount,
      pdus: this.pduCount,
      links: this.links.length,
    };
  }

  /** Bytes held by every typed array of the fleet (topology and host state). */
  memoryBytes(): number {
    let n = 0;
    for (const a of this.allArrays) n += a.byteLength;
    return n;
  }
  bytesPerHost(): number {
    return this.memoryBytes() / this.hostCount;
  }

  /** Back to a pristine fleet (all hosts UP, counters zero), topology untouched. */
  resetState(): void {
    resetHostState(this);
    this.rackLoss.fill(0);
  }
}
