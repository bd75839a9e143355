// What a journal record does to the fleet map. One table, read off the records the run
// writes (src/faults/trace.ts, src/checksums/detect.ts, src/workloads/training.ts):
//
//   fault with `repair` (trace.down: bus bar, PDU, utility, rack, host crash)
//                                        -> its hosts are down until `until`
//   fault of a kind whose effect (src/faults/kind.ts) is errors, a disk down or slow, or
//   a rack losing packets (cosmic.upset(s), dram.error, disk.*, rack.wonky)
//                                        -> errors on its rack (corrected or recoverable)
//   fault of a kind whose effect is a corrupted result (mercurial.corrupt)
//                                        -> silent corruption on its host's rack
//   detection outcome "silent"           -> silent corruption (the code missed it)
//   detection outcome "detected" + repair -> a machine check: the host is down for `repair`
//   detection, any other with a host     -> errors (corrected, or a latent sector found)
//   recovery action "drain" naming hosts (`host` or `targets`) -> draining
//   fault of a kind declared `correlated` (src/faults/kind.ts), not an aggregated count:
//     with a target (bus bar, PDU, utility, rack, overheating) -> its footprint: its racks
//                                        are marked "hit" until `until` (+ the fold's window)
//     a burst (`direction`, `width`, `edge`) -> the racks facing it, as the burst's own
//                                        `racks` count does (within width/2 + edge), until `until`
//
// Left out: stragglers, defective cores before they corrupt anything, link faults (a link
// has no racks), kinds whose effect is none (bursts show through the upsets they cause,
// rack by rack, and their footprint; a DRAM fault through its errors; a power warning is
// in the feed); drains
// that only give a count of hosts (the training job's today) cannot be placed on the map.
import type { FleetRef } from "../fleet/ref.js";
import type { FaultEffect } from "../faults/kind.js";
import { FAULT_KINDS } from "../faults/registry.js";

export type Effect =
  | { kind: "down"; ref: FleetRef; untilSec: number }
  | { kind: "errors"; ref: FleetRef }
  | { kind: "corrupt"; ref: FleetRef }
  | { kind: "draining"; ref: FleetRef }
  /** A correlated incident on a part of the fleet, ending at `untilSec` (Infinity: never). */
  | { kind: "footprint"; ref: FleetRef; untilSec: number }
  /** A directional burst: the racks facing within `halfWidthDeg` of `directionDeg`, until `untilSec`. */
  | { kind: "burst"; directionDeg: number; halfWidthDeg: number; untilSec: number };

/** What a fault record of a kind with this effect marks on the map (besides downs). */
export function mapMark(e: FaultEffect): "errors" | "corrupt" | undefined {
  if (e.class === "errors") return "errors";
  if (e.class === "corrupt" && e.on === "result") return "corrupt";
  if ((e.class === "down" || e.class === "slow") && e.on === "disk") return "errors";
  if (e.class === "link" && e.on === "rack-loss") return "errors";
  return undefined;
}

export type Resolve = (id: string) => FleetRef | undefined;

/** The map effects of one record; [] when it changes nothing on the map. */
export function effectsOf(t: string, at: number, f: Record<string, unknown>, resolve: Resolve): Effect[] {
  if (t === "fault") {
    const decl = FAULT_KINDS.get(String(f.kind));
    const incident = decl?.correlated === true && f.aggregated !== true;
    const ref = typeof f.target === "string" ? resolve(f.target) : undefined;
    const end = typeof f.until === "number" ? f.until : f.until === null ? Infinity : undefined;
    if (!ref) {
      if (incident && typeof f.direction === "number" && typeof f.width === "number") {
        const halfWidthDeg = f.width / 2 + (typeof f.edge === "number" ? f.edge : 0);
        return [{ kind: "burst", directionDeg: f.direction, halfWidthDeg, untilSec: end ?? at }];
      }
      return [];
    }
    const out: Effect[] = [];
    if (typeof f.repair === "number") out.push({ kind: "down", ref, untilSec: end ?? at + f.repair });
    else {
      const mark = decl && mapMark(decl.effect);
      if (mark) out.push({ kind: mark, ref });
    }
    if (incident) out.push({ kind: "footprint", ref, untilSec: end ?? (typeof f.repair === "number" ? at + f.repair : at) });
    return out;
  }
  if (t === "detection") {
    const ref = typeof f.host === "string" ? resolve(f.host) : undefined;
    if (!ref) return [];
    if (f.outcome === "silent") return [{ kind: "corrupt", ref }];
    if (f.outcome === "detected" && typeof f.repair === "number") return [{ kind: "down", ref, untilSec: at + f.repair }];
    return [{ kind: "errors", ref }];
  }
  if (t === "recovery" && f.action === "drain") {
    const ids = Array.isArray(f.targets) ? f.targets : typeof f.host === "string" ? [f.host] : [];
    const out: Effect[] = [];
    for (const id of ids) {
      const ref = typeof id === "string" ? resolve(id) : undefined;
      if (ref) out.push({ kind: "draining", ref });
    }
    return out;
  }
  return [];
}
