// Every workload fleet knows, by the key it has in a scenario's `workloads:` list, and
// what is derived from their declarations (./workload.ts): the checks that span
// workloads, and the hosts whose straggler episodes the fault layer simulates one by one.
// Adding a workload: write src/workloads/<name>/workload.ts exporting a WorkloadDef, its
// policy keys in src/recovery (merged in src/recovery/policy.ts), and add it below.
import type { CrossCheck } from "../base/schema.js";
import { dcHostRanges, type FleetSpec, hostCountOf } from "../fleet/spec.js";
import type { HostRange } from "../recovery/placement.js";
import type { Policy } from "../recovery/policy.js";
import { nodeAt } from "../base/schema.js";
import { servingWorkload } from "./serving/workload.js";
import { storageWorkload } from "./storage/workload.js";
import { trainingWorkload } from "./training/workload.js";
import { type AnyWorkloadDef, erase, type WorkloadScenario, type WorkloadSpec } from "./workload.js";

export const WORKLOADS: readonly AnyWorkloadDef[] = [erase(trainingWorkload), erase(storageWorkload), erase(servingWorkload)];

const BY_KIND = new Map(WORKLOADS.map((d) => [d.kind, d]));

/** The declaration of workload kind `kind` (a validated scenario only holds known kinds). */
export function workloadDef(kind: string): AnyWorkloadDef {
  const d = BY_KIND.get(kind);
  if (!d) throw new RangeError(`unknown workload kind ${kind}`);
  return d;
}

/** Exclusive workloads (training jobs, services) share no hosts: each is checked against those before it. */
export const checkExclusiveHosts: CrossCheck<WorkloadScenario> = (scenario, root, ctx) => {
  const hostCount = hostCountOf(scenario.fleet);
  const taken: { range: HostRange; what: string }[] = [];
  const show = (r: HostRange) => `hosts ${r.start}..${r.end - 1}`;
  scenario.workloads.forEach((w, i) => {
    const def = workloadDef(w.kind);
    if (!def.exclusive) return;
    const r = def.hosts(w.spec, hostCount);
    if (r.end > hostCount) return; // its own check says so
    const what = `${def.describe(w.spec)} (${show(r)})`;
    const clash = taken.find((t) => r.start < t.range.end && t.range.start < r.end);
    if (clash) {
      const path = ["workloads", i, w.kind, "firstHost"];
      ctx.report("invalid_value", path, nodeAt(root, path, ctx), `${what} shares hosts with ${clash.what}`, "move firstHost past the other workload's hosts");
      return;
    }
    taken.push({ range: r, what });
  });
};

/** Every check that spans a scenario's workloads: each kind's own, then the shared ones. */
export const WORKLOAD_CHECKS: readonly CrossCheck<WorkloadScenario>[] = [...WORKLOADS.flatMap((d) => d.checks), checkExclusiveHosts];

/**
 * The hosts whose straggler episodes the fault layer simulates one by one: those of the
 * workloads that react to slow hosts, clipped to the fleet. From the scenario alone (every
 * policy's spares included), so the fault trace is the same under every policy.
 */
export function detailHosts(workloads: readonly WorkloadSpec[], policies: Record<string, Policy>, fleet: FleetSpec): HostRange[] {
  const all = Object.values(policies);
  const shape = { hostCount: hostCountOf(fleet), dcs: dcHostRanges(fleet) };
  const out: HostRange[] = [];
  for (const w of workloads) {
    const def = workloadDef(w.kind);
    if (!def.consumes.includes("slow:host")) continue;
    const ranges = def.detailHosts?.(w.spec, all, shape) ?? [def.hosts(w.spec, shape.hostCount)];
    for (const r of ranges) out.push({ start: r.start, end: Math.min(shape.hostCount, r.end) });
  }
  return out;
}

/** The hosts the exclusive workloads other than the `self`-th run on (none for a non-exclusive one). */
export function reservedHosts(workloads: readonly WorkloadSpec[], self: number, hostCount: number): HostRange[] {
  const out: HostRange[] = [];
  workloads.forEach((w, i) => {
    const def = workloadDef(w.kind);
    if (i !== self && def.exclusive) out.push(def.hosts(w.spec, hostCount));
  });
  return out;
}
