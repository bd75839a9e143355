// The training workload's check against the whole scenario (declared in ./workload.ts):
// each job's hosts, with the spares of every policy, fit in the fleet. Without it a job
// that outgrows the fleet would be refused only when a run builds it.
import { type Ctx, nodeAt } from "../../base/schema.js";
import { hostCountOf } from "../../fleet/spec.js";
import { defaultPolicy } from "../../recovery/policy.js";
import { TrainingRecovery } from "../../recovery/training.js";
import type { WorkloadScenario } from "../workload.js";
import type { TrainingSpec } from "./schema.js";

export function checkTraining(scenario: WorkloadScenario, root: unknown, ctx: Ctx): void {
  const hostCount = hostCountOf(scenario.fleet);
  const policies = Object.keys(scenario.policies).length ? Object.entries(scenario.policies) : [[undefined, defaultPolicy()] as const];
  scenario.workloads.forEach((w, i) => {
    if (w.kind !== "training") return;
    const spec = w.spec as TrainingSpec;
    const path = ["workloads", i, "training"];
    for (const [name, policy] of policies) {
      const spares = new TrainingRecovery(policy).spares(spec.hosts);
      const end = spec.firstHost + spec.hosts + spares;
      if (end <= hostCount) continue;
      const under = name === undefined ? "" : ` under policy ${name}`;
      const what = spares > 0 ? `${spec.hosts} + ${spares} spares${under}` : `${spec.hosts}${under}`;
      ctx.report(
        "invalid_value",
        [...path, "hosts"],
        nodeAt(root, [...path, "hosts"], ctx),
        `training job ${spec.name} needs hosts ${spec.firstHost}..${end - 1} (${what}) but the fleet has ${hostCount} hosts`,
        "lower firstHost, hosts or the policy's spares, or grow the fleet",
      );
      return;
    }
  });
}
