// The state of every rack at a simulated time, folded from journal records in time order
// (effects.ts says what each record does). The live dashboard and the replay viewer fold
// the same records the same way, so a replay shows what the run showed.
//
// A rack is down when all its hosts are down, "hosts down" when some are, and it shows
// errors, silent corruption or draining when one of those happened on it within the last
// `recentSec` of simulated time (errors are moments, not intervals). A rack in the
// footprint of a correlated incident (the racks a directional burst faces, the racks a bus
// bar, PDU, utility, rack failure or overheating took down) is marked "hit" from the
// incident's start until `footprintSec` after its end, so the incident's shape stays on the
// map after it is over; the mark is one state, shown until the window ends (it does not
// change glyph as it ages). When several hold, the worst wins, in the order of CellState
// (down worst, hit the mildest: any other state of the rack shows through it).
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import type { Effect } from "./effects.js";

export const CellState = { healthy: 0, hit: 1, errors: 2, draining: 3, partial: 4, corrupt: 5, down: 6 } as const;
export type CellState = (typeof CellState)[keyof typeof CellState];

/** How long an error keeps its rack coloured: 1/72 of the run, between 10 minutes and a day. */
export function recentWindowSec(durationSec: number): number {
  return Math.min(86_400, Math.max(600, durationSec / 72));
}

/**
 * How long an incident's footprint stays marked after it ends: 1/12 of the run, between
 * 30 minutes and 3 days (at the default speed, which plays a run in about 90 s, about 7 s
 * of wall time; the errors of the recent window last about 1 s).
 */
export function footprintWindowSec(durationSec: number): number {
  return Math.min(3 * 86_400, Math.max(1800, durationSec / 12));
}

export class FleetFold {
  private readonly hostDownUntil: Float64Array;
  /** The latest downUntil of any host of the rack: a rack below `now` has no host down. */
  private readonly rackDownUntil: Float64Array;
  private readonly rackErrorAt: Float64Array;
  private readonly rackCorruptAt: Float64Array;
  private readonly rackDrainAt: Float64Array;
  /** When the rack's latest incident footprint stops being marked (the incident's end + footprintSec). */
  private readonly rackHitUntil: Float64Array;

  constructor(
    readonly fleet: Fleet,
    readonly recentSec: number,
    readonly footprintSec: number,
  ) {
    this.hostDownUntil = new Float64Array(fleet.hostCount);
    this.rackDownUntil = new Float64Array(fleet.rackCount);
    this.rackErrorAt = new Float64Array(fleet.rackCount);
    this.rackCorruptAt = new Float64Array(fleet.rackCount);
    this.rackDrainAt = new Float64Array(fleet.rackCount);
    this.rackHitUntil = new Float64Array(fleet.rackCount);
    this.reset();
  }

  /** Back to a fleet with nothing on it (replay jumps back by folding again from the start). */
  reset(): void {
    this.hostDownUntil.fill(-Infinity);
    this.rackDownUntil.fill(-Infinity);
    this.rackErrorAt.fill(-Infinity);
    this.rackCorruptAt.fill(-Infinity);
    this.rackDrainAt.fill(-Infinity);
    this.rackHitUntil.fill(-Infinity);
  }

  apply(e: Effect, at: number): void {
    const f = this.fleet;
    switch (e.kind) {
      case "down":
        f.forEachHostRange(e.ref, (start, end) => {
          for (let h = start; h < end; h++) {
            if (this.hostDownUntil[h] < e.untilSec) this.hostDownUntil[h] = e.untilSec;
            const k = f.rackOf[h];
            if (this.rackDownUntil[k] < e.untilSec) this.rackDownUntil[k] = e.untilSec;
          }
        });
        return;
      case "errors":
        return this.forEachRack(e.ref, (k) => (this.rackErrorAt[k] = at));
      case "corrupt":
        return this.forEachRack(e.ref, (k) => (this.rackCorruptAt[k] = at));
      case "draining":
        return this.forEachRack(e.ref, (k) => (this.rackDrainAt[k] = at));
      case "footprint":
        return this.forEachRack(e.ref, (k) => this.hit(k, e.untilSec));
      case "burst":
        for (const k of f.racksFacing(e.directionDeg, e.halfWidthDeg)) this.hit(k, e.untilSec);
        return;
    }
  }

  private hit(rack: number, endSec: number): void {
    const until = endSec + this.footprintSec;
    if (this.rackHitUntil[rack] < until) this.rackHitUntil[rack] = until;
  }

  /** Hosts of `rack` down at `now`. */
  hostsDown(rack: number, now: number): number {
    if (!(this.rackDownUntil[rack] > now)) return 0;
    const f = this.fleet;
    let n = 0;
    for (let h = f.rackFirstHost[rack]; h < f.rackFirstHost[rack + 1]; h++) if (this.hostDownUntil[h] > now) n++;
    return n;
  }

  rackState(rack: number, now: number): CellState {
    const down = this.hostsDown(rack, now);
    const f = this.fleet;
    if (down > 0 && down === f.rackFirstHost[rack + 1] - f.rackFirstHost[rack]) return CellState.down;
    const recent = now - this.recentSec;
    if (this.rackCorruptAt[rack] >= recent) return CellState.corrupt;
    if (down > 0) return CellState.partial;
    if (this.rackDrainAt[rack] >= recent) return CellState.draining;
    if (this.rackErrorAt[rack] >= recent) return CellState.errors;
    if (this.rackHitUntil[rack] > now) return CellState.hit;
    return CellState.healthy;
  }

  /** Every rack's state at `now`, by rack index. */
  rackStates(now: number, out: Uint8Array = new Uint8Array(this.fleet.rackCount)): Uint8Array {
    for (let k = 0; k < out.length; k++) out[k] = this.rackState(k, now);
    return out;
  }

  private forEachRack(ref: FleetRef, fn: (rack: number) => void): void {
    const f = this.fleet;
    const range = (r: { start: number; end: number }) => {
      for (let k = r.start; k < r.end; k++) fn(k);
    };
    switch (ref.kind) {
      case "host":
        return fn(f.rackOf[ref.index]);
      case "rack":
        return fn(ref.index);
      case "row":
        return range(f.racksOfRow(ref.index));
      case "dc":
      case "utility":
        return range(f.racksOfDc(ref.index));
      case "busbar":
        return f.racksOfBusbar(ref.index).forEach(fn);
      case "pdu":
        return f.racksOfPdu(ref.index).forEach(fn);
      case "link":
        return;
    }
  }
}
