// The training workload's check against the whole scenario (declared in ./workload.ts):
// each job's hosts, with the backup workers and spares of every policy, fit in the fleet. Without it a job
// that outgrows the fleet would be refused only when a run builds it. And no policy asks for
// backup workers with asynchronous training.
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
      const recovery = new TrainingRecovery(policy);
      const spares = recovery.spares(spec.hosts);
      const backups = recovery.backups(spec.hosts);
      const end = spec.firstHost + spec.hosts + backups + spares;
      if (end <= hostCount) continue;
      const under = name === undefined ? "" : ` under policy ${name}`;
      const extra = (backups > 0 ? ` + ${backups} backup workers` : "") + (spares > 0 ? ` + ${spares} spares` : "");
      const what = `${spec.hosts}${extra}${under}`;
      ctx.report(
        "invalid_value",
        [...path, "hosts"],
        nodeAt(root, [...path, "hosts"], ctx),
        `training job ${spec.name} needs hosts ${spec.firstHost}..${end - 1} (${what}) but the fleet has ${hostCount} hosts`,
        "lower firstHost, hosts or the policy's backupWorkers or spares, or grow the fleet",
      );
      return;
    }
  });
}

/**
 * Backup workers answer stragglers in synchronous training (take the first N of N+b
 * gradients); asynchronous training has no step to wait for, so a policy asking for both
 * is refused at its backupWorkers.
 */
export function checkAsyncTraining(scenario: WorkloadScenario, root: unknown, ctx: Ctx): void {
  for (const [name, policy] of Object.entries(scenario.policies)) {
    if (policy.trainingMode !== "async" || policy.backupWorkers === "off") continue;
    const path = ["policies", name, "backupWorkers"];
    ctx.report(
      "invalid_value",
      path,
      nodeAt(root, path, ctx),
      `policy ${name} asks for backupWorkers with trainingMode async: backup workers take the first N gradients of a synchronous step, and async training waits for none`,
      "remove backupWorkers from this policy, or set trainingMode: sync",
    );
  }
}
