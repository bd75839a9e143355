// The targets of scheduled faults, once the fleet exists: every id names something in the
// fleet, of a kind its fault can hit (a bus bar fault on a bus bar id); a near miss or an
// id of the wrong kind gets the closest right id as a hint. The target as written is
// quoted to at most 60 characters (a line of a file never floods a log); the hint is an id
// of the fleet, given whole. A parameter that picks one part of a host (a disk, an
// accelerator, a DIMM) must name a part the host has.
import { type IssueCode, quote } from "../../base/issues.js";
import { type Ctx, nodeAt } from "../../base/schema.js";
import { buildFleet } from "../../fleet/build.js";
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetKind, FleetRef } from "../../fleet/ref.js";
import type { FleetSpec, HostSpec } from "../../fleet/spec.js";
import type { FaultSpec } from "../injector.js";
import { WORD_DATA_BITS, WORD_TOTAL_BITS } from "../memory.js";
import { modelOf, type ScheduledFault } from "./entry.js";

/** The `faults:` entries' scheduled faults, in the order they were written. */
export function scheduledFaults(scenario: { faults: readonly FaultSpec[] }): ScheduledFault[] {
  return scenario.faults.filter((f) => f.kind === "scheduled").flatMap((f) => f.settings as ScheduledFault[]);
}

const KIND_NAMES: Record<FleetKind, string> = {
  dc: "datacenter",
  row: "row",
  rack: "rack",
  host: "host",
  busbar: "bus bar",
  pdu: "PDU",
  utility: "utility feed",
  link: "link",
};

/** An element of kind `want` related to `ref`: the one holding or feeding it, else one inside it. */
function relatedOfKind(fleet: Fleet, ref: FleetRef, want: FleetKind): FleetRef | undefined {
  let first = -1;
  fleet.forEachHostRange(ref, (s) => {
    if (first < 0) first = s;
  });
  if (first < 0) return undefined;
  switch (want) {
    case "host":
      return { kind: "host", index: first };
    case "rack":
      return { kind: "rack", index: fleet.rackOfHost(first) };
    case "row":
      return { kind: "row", index: fleet.rowOfHost(first) };
    case "busbar":
      return { kind: "busbar", index: fleet.busbarOfHost(first) };
    case "pdu":
      return { kind: "pdu", index: fleet.pduOfHost(first) };
    case "dc":
      return { kind: "dc", index: fleet.dcOfHost(first) };
    case "utility":
      return { kind: "utility", index: fleet.dcOfHost(first) };
    case "link":
      return undefined;
  }
}

/** Why `e`'s target does not fit the fleet, or undefined when it does. */
export function targetProblem(fleet: Fleet, e: ScheduledFault): { code: IssueCode; message: string; hint?: string } | undefined {
  const targets = modelOf(e.kind)?.incident?.targets ?? [];
  const ref = fleet.resolve(e.target);
  if (!ref) {
    const closest = fleet.closestId(e.target);
    return { code: "unknown_target", message: `no ${quote(e.target)} in the fleet`, hint: closest !== e.target ? `did you mean "${closest}"?` : undefined };
  }
  if (!targets.includes(ref.kind)) {
    const wanted = targets.map((k) => `a ${KIND_NAMES[k]}`).join(" or ");
    const near = targets.map((k) => relatedOfKind(fleet, ref, k)).find((r) => r !== undefined);
    return {
      code: "invalid_value",
      message: `a ${e.kind} fault hits ${wanted}, but ${quote(e.target)} is a ${KIND_NAMES[ref.kind]}`,
      hint: near ? `did you mean "${fleet.idOf(near)}"?` : undefined,
    };
  }
  return undefined;
}

/**
 * Incident parameters that pick one part of a host, with how many the host has. The
 * models check the bound only when the fault fires (src/faults/disk.ts), too late for a
 * scenario or a log, so the loader and `fleet import` check it here first; a model that
 * gains such a parameter belongs here too.
 */
const PART_INDEX: Record<string, { param: string; count: (h: HostSpec, params: Record<string, unknown>) => number; what: string }[]> = {
  disk: [{ param: "index", count: (h) => h.disks, what: "disks" }],
  accelerator: [{ param: "index", count: (h) => h.accelerators, what: "accelerators" }],
  dram: [{ param: "dimm", count: (h) => h.dimms, what: "DIMMs" }],
  cosmic: [
    { param: "word", count: (h) => Math.floor((h.dimms * h.dimmBytes * 8) / WORD_DATA_BITS), what: "memory words" },
    { param: "bit", count: (_, p) => WORD_TOTAL_BITS - ((p.bits as number) - 1), what: "first positions for that many adjacent bits in a 72-bit word" },
  ],
};

/** Why a `kind` fault's validated `params` pick a part its target `ref` does not have, naming the parameter; undefined when they fit. */
export function partProblem(fleet: Fleet, kind: string, ref: FleetRef, params: Record<string, unknown>): { param: string; message: string } | undefined {
  const parts = Object.hasOwn(PART_INDEX, kind) ? PART_INDEX[kind] : undefined;
  if (!parts || ref.kind !== "host") return undefined;
  for (const part of parts) {
    const i = params[part.param];
    const n = part.count(fleet.hostSpec(ref.index), params);
    if (typeof i !== "number" || i < n) continue;
    const has = n === 0 ? `no ${part.what}` : `${n} ${part.what} (${part.param} counts from 0 to ${n - 1})`;
    return { param: part.param, message: `${part.param} is ${i}, but ${fleet.idOf(ref)} has ${has}` };
  }
  return undefined;
}

/**
 * Cross-check (declared by the faults section, ./schema.ts): every scheduled target exists
 * in the fleet and is of a kind its fault can hit, and a part it picks exists. Builds the
 * fleet only when there are scheduled faults.
 */
export function checkTimelineTargets(scenario: { fleet: FleetSpec; faults: readonly FaultSpec[] }, root: unknown, ctx: Ctx): void {
  const entries = scheduledFaults(scenario);
  if (entries.length === 0) return;
  const fleet = buildFleet(scenario.fleet);
  for (const e of entries) {
    const target = targetProblem(fleet, e);
    const part = target ? undefined : partProblem(fleet, e.kind, fleet.resolve(e.target)!, e.params);
    const problem = target ?? (part && { code: "invalid_value" as const, message: `${e.kind} fault: ${part.message}`, hint: undefined });
    if (!problem) continue;
    if (e.origin.file !== undefined) {
      const path = [...e.origin.path, "timeline"];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), `${e.origin.file}:${e.origin.line}: ${problem.message}`, problem.hint);
    } else {
      const path = [...e.origin.path, part?.param ?? e.kind];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), problem.message, problem.hint);
    }
  }
}
