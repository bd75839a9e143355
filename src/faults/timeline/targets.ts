// The targets of scheduled faults, once the fleet exists: every id names something in the
// fleet, of a kind its fault can hit (a bus bar fault on a bus bar id); a near miss or an
// id of the wrong kind gets the closest right id as a hint.
import type { IssueCode } from "../../base/issues.js";
import { type Ctx, nodeAt } from "../../base/schema.js";
import { buildFleet } from "../../fleet/build.js";
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetKind, FleetRef } from "../../fleet/ref.js";
import type { FleetSpec } from "../../fleet/spec.js";
import type { FaultSpec } from "../injector.js";
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
    return { code: "unknown_target", message: `no "${e.target}" in the fleet`, hint: closest !== e.target ? `did you mean "${closest}"?` : undefined };
  }
  if (!targets.includes(ref.kind)) {
    const wanted = targets.map((k) => `a ${KIND_NAMES[k]}`).join(" or ");
    const near = targets.map((k) => relatedOfKind(fleet, ref, k)).find((r) => r !== undefined);
    return {
      code: "invalid_value",
      message: `a ${e.kind} fault hits ${wanted}, but "${e.target}" is a ${KIND_NAMES[ref.kind]}`,
      hint: near ? `did you mean "${fleet.idOf(near)}"?` : undefined,
    };
  }
  return undefined;
}

/**
 * Cross-check (declared by the faults section, ./schema.ts): every scheduled target exists
 * in the fleet and is of a kind its fault can hit. Builds the fleet only when there are
 * scheduled faults.
 */
export function checkTimelineTargets(scenario: { fleet: FleetSpec; faults: readonly FaultSpec[] }, root: unknown, ctx: Ctx): void {
  const entries = scheduledFaults(scenario);
  if (entries.length === 0) return;
  const fleet = buildFleet(scenario.fleet);
  for (const e of entries) {
    const problem = targetProblem(fleet, e);
    if (!problem) continue;
    if (e.origin.file !== undefined) {
      const path = [...e.origin.path, "timeline"];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), `${e.origin.file}:${e.origin.line}: ${problem.message}`, problem.hint);
    } else {
      const path = [...e.origin.path, e.kind];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), problem.message, problem.hint);
    }
  }
}
