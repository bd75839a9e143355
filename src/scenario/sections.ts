// The scenario's sections beyond the fleet: each layer declares the schema of its own
// section and the checks that need the whole scenario (faults in src/faults/schema.ts,
// each workload in its WorkloadDef, policies in src/recovery/policy.ts, SLOs in
// src/slo/slo.ts); this file composes them for the loader, so adding a fault model or a
// workload never touches the loader.
import { list, map, opt, variant, type CrossCheck } from "../base/schema.js";
import type { FaultSpec } from "../faults/injector.js";
import { FAULT_CHECKS, faultEntry } from "../faults/schema.js";
import type { FleetSpec } from "../fleet/spec.js";
import type { Policy } from "../recovery/policy.js";
import { policySection } from "../recovery/policy.js";
import { SLO_CHECKS, sloSection, type Slo } from "../slo/slo.js";
import { WORKLOAD_CHECKS, WORKLOADS } from "../workloads/registry.js";
import type { WorkloadSpec } from "../workloads/workload.js";

/** A `workloads:` entry: `- training: {...}`, `- serving: {...}`, ...: one key naming its kind. */
const workloadEntry = map(
  variant<{ name: string }>(Object.fromEntries(WORKLOADS.map((d) => [d.kind, d.schema])), "workload"),
  (v) => ({ kind: v.kind, spec: v.value }) as WorkloadSpec,
);

export const scenarioSections = {
  workloads: opt(list(workloadEntry, { what: "workloads" }), [], "the jobs the fleet runs (none)"),
  faults: opt(list(faultEntry, { what: "faults" }), [], "fault models and scheduled incidents (none)"),
  policies: opt(policySection, {}, "named recovery policies, each run against the same fault trace (none: one default lane)"),
  slo: opt(sloSection, [], 'service-level objectives: metric -> comparison, e.g. training.goodput: ">= 0.92" (none)'),
};

export interface ScenarioSections {
  workloads: WorkloadSpec[];
  faults: FaultSpec[];
  policies: Record<string, Policy>;
  slo: Slo[];
}

/** What the sections' checks read: the fleet and the sections. */
export type SectionsWithFleet = ScenarioSections & { fleet: FleetSpec };

/** Every check that needs more than one section, in the order they run. */
export const SECTION_CHECKS: readonly CrossCheck<SectionsWithFleet>[] = [...FAULT_CHECKS, ...WORKLOAD_CHECKS, ...SLO_CHECKS];
