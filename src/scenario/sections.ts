// The scenario's sections beyond the fleet: each layer (faults, workloads, policies, SLOs)
// owns the schema of its own section; this file gathers them for the loader, so adding a
// layer never touches the loader itself.
import { faultEntry } from "../faults/schema.js";
import type { FaultSpec } from "../faults/injector.js";
import { policySection } from "../recovery/policy.js";
import type { Policy } from "../recovery/policy.js";
import { sloSection, type Slo } from "../slo/slo.js";
import { trainingWorkload, type TrainingSpec } from "../workloads/training.js";
import { storageWorkload, type StorageSpec } from "../workloads/storage/schema.js";
import "../workloads/storage/check.js";
import { servingWorkload, type ServingSpec } from "../workloads/serving/schema.js";
import "../workloads/serving/check.js";
import { list, map, opt, variant } from "../base/schema.js";

/** A `workloads:` entry: `- training: {...}`, `- serving: {...}` or `- storage: {...}`. */
export type WorkloadSpec = { kind: "training"; spec: TrainingSpec } | { kind: "storage"; spec: StorageSpec } | { kind: "serving"; spec: ServingSpec };

/** Each workload kind's schema, by its key in a `workloads:` entry. */
const workloadKinds = {
  training: trainingWorkload,
  storage: storageWorkload,
  serving: servingWorkload,
};

const workloadEntry = map(variant<unknown>(workloadKinds, "workload"), (v) => ({ kind: v.kind, spec: v.value }) as WorkloadSpec);

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
