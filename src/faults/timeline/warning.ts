// Scheduled faults that come with a warning: `- { at: 20h, busbar: dc1/row02/busbar-a,
// repair: 6h, warning: 10m }` fails the bus bar at 20h and, 10 minutes before (19h50m),
// emits the model's warning on the same target (`power.warning`, the temperature alarm),
// so a policy may act before the trip (onPowerWarning: training, serving and storage). A model
// opts in by giving its incident a `warning` parameter and a `warn` that emits it; the
// timeline injector (./injector.ts) schedules the warning. A warning that would fall
// before the run began is not emitted (the model's own alarms behave the same way).
import type { FleetRef } from "../../fleet/ref.js";
import type { FaultEnv, Incident } from "../injector.js";

/** An incident whose scheduled entries may carry `warning`: `warn` emits the warning of a fault due at `failsAtSec`. */
export interface WarnedIncident extends Incident {
  warn(env: FaultEnv, ref: FleetRef, params: Record<string, unknown>, failsAtSec: number): void;
}

export function isWarned(incident: Incident | undefined): incident is WarnedIncident {
  return incident !== undefined && typeof (incident as Partial<WarnedIncident>).warn === "function";
}

/** How long before the fault a scheduled entry's warning comes, seconds (0: none). */
export function warningLeadSec(incident: Incident | undefined, params: Record<string, unknown>): number {
  const w = params.warning;
  return isWarned(incident) && typeof w === "number" && w > 0 ? w : 0;
}
