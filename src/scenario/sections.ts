// The scenario's sections beyond the fleet: each layer (faults, workloads, policies, SLOs)
// owns the schema of its own section; this file gathers them for the loader, so adding a
// layer never touches the loader itself.
import { faultEntry } from "../faults/schema.js";
import type { FaultSpec } from "../faults/injector.js";
import { list, opt } from "./schema.js";

export const scenarioSections = {
  faults: opt(list(faultEntry, { what: "faults" }), [], "fault models and scheduled incidents (none)"),
};

export interface ScenarioSections {
  faults: FaultSpec[];
}
