// What a journal record does to the fleet map. One table, read off the records the run
// writes (src/faults/trace.ts, src/checksums/detect.ts, src/workloads/training.ts):
//
//   fault with `repair` (trace.down: bus bar, PDU, utility, rack, host crash)
//                                        -> its hosts are down until `until`
//   fault cosmic.upset, dram.*, disk.*, rack.wonky, power.warning
//                                        -> errors on its rack (corrected or recoverable)
//   fault mercurial.corrupt              -> silent corruption on its host's rack
//   detection outcome "silent"           -> silent corruption (the code missed it)
//   detection outcome "detected" + repair -> a machine check: the host is down for `repair`
//   detection, any other with a host     -> errors (corrected, or a latent sector found)
//   recovery action "drain" naming hosts (`host` or `targets`) -> draining
//
// Left out: stragglers, defective cores before they corrupt anything, link faults and
// bursts themselves (a burst shows through the upsets it causes, rack by rack); drains
// that only give a count of hosts (the training job's today) cannot be placed on the map.
import type { FleetRef } from "../fleet/ref.js";

export type Effect =
  | { kind: "down"; ref: FleetRef; untilSec: number }
  | { kind: "errors"; ref: FleetRef }
  | { kind: "corrupt"; ref: FleetRef }
  | { kind: "draining"; ref: FleetRef };

const ERROR_KINDS = new Set(["cosmic.upset", "cosmic.upsets", "dram.fault", "dram.error", "disk.fail", "disk.lse", "disk.slow", "rack.wonky", "power.warning"]);
const CORRUPT_KINDS = new Set(["mercurial.corrupt"]);

export type Resolve = (id: string) => FleetRef | undefined;

/** The map effects of one record; [] when it changes nothing on the map. */
export function effectsOf(t: string, at: number, f: Record<string, unknown>, resolve: Resolve): Effect[] {
  if (t === "fault") {
    const ref = typeof f.target === "string" ? resolve(f.target) : undefined;
    if (!ref) return [];
    if (typeof f.repair === "number") {
      const untilSec = typeof f.until === "number" ? f.until : f.until === null ? Infinity : at + f.repair;
      return [{ kind: "down", ref, untilSec }];
    }
    const kind = String(f.kind);
    if (CORRUPT_KINDS.has(kind)) return [{ kind: "corrupt", ref }];
    if (ERROR_KINDS.has(kind)) return [{ kind: "errors", ref }];
    return [];
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
