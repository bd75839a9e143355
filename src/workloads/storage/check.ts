// The storage workload's check against the whole scenario (declared in ./workload.ts; the
// loader runs it once every section parsed, so its errors still carry line and column).
// It verifies that there is one storage workload (its metrics are `storage.*`), that its
// hosts exist and have disks, that no policy gives both `replication` and an erasure code
// (`redundancy: rs(k,m)`), that every policy's placement can put its copies in distinct
// failure domains of the range (or its fragments on distinct hosts), and that they fit on
// the disks.
import { buildFleet } from "../../fleet/build.js";
import type { Fleet } from "../../fleet/fleet.js";
import { defaultPolicy, type Policy } from "../../recovery/policy.js";
import type { WorkloadScenario } from "../workload.js";
import { isScalar } from "yaml";
import { type Ctx, nodeAt } from "../../base/schema.js";
import { storeProblem, type StorageSpec } from "./schema.js";

/** Cross-check: one storage workload, whose range and policies fit the fleet. */
export function checkStorage(scenario: WorkloadScenario, root: unknown, ctx: Ctx): void {
  const stores = scenario.workloads.map((w, i) => ({ w, i })).filter((x) => x.w.kind === "storage");
  if (stores.length === 0) return;
  if (stores.length > 1) {
    const path = ["workloads", stores[1].i, "storage"];
    ctx.report(
      "invalid_value",
      path,
      nodeAt(root, path, ctx),
      "a scenario holds at most one storage workload (its metrics are storage.*)",
      "merge the stores into one",
    );
    return;
  }
  const { w, i } = stores[0];
  const spec = w.spec as StorageSpec;
  let fleet: Fleet;
  try {
    fleet = buildFleet(scenario.fleet);
  } catch {
    return; // the fleet's own checks report it
  }
  const policies: [string | undefined, Pick<Policy, "replication" | "redundancy" | "placement">][] = Object.keys(scenario.policies).length
    ? Object.entries(scenario.policies)
    : [[undefined, defaultPolicy()]];
  for (const [name, p] of policies) {
    const given = name === undefined ? undefined : nodeAt(root, ["policies", name, "replication"], ctx);
    if (p.redundancy !== "replication" && isScalar(given)) {
      ctx.report(
        "invalid_value",
        ["policies", name!, "replication"],
        given,
        `policy ${name} gives both replication: ${p.replication} and redundancy: ${p.redundancy}; a block is either copied or erasure-coded`,
        "remove replication (the code's k + m fragments replace the copies) or redundancy",
      );
      return;
    }
    const problem = storeProblem(fleet, spec, p);
    if (!problem) continue;
    const path = ["workloads", i, "storage"];
    const node = nodeAt(root, [...path, problem.key], ctx);
    const keeps = p.redundancy === "replication" ? `replication ${p.replication}` : `redundancy ${p.redundancy}`;
    const under = name === undefined ? "" : ` under policy ${name} (${keeps}, placement ${p.placement})`;
    ctx.report("invalid_value", [...path, problem.key], node, `storage ${spec.name}${under}: ${problem.message}`, problem.hint);
    return;
  }
}
