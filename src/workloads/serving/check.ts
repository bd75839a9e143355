// The serving workloads' check against the whole scenario (declared in ./workload.ts; the
// loader runs it once every section parsed, so its errors carry line and column): each
// service's hosts exist and services have distinct names (their metrics are named by
// them). That no two services, nor a service and a training job, share hosts is the
// registry's check over every exclusive workload (src/workloads/registry.ts).
import { buildFleet } from "../../fleet/build.js";
import type { WorkloadScenario } from "../workload.js";
import { type Ctx, nodeAt } from "../../base/schema.js";
import { servingHostRange, type ServingSpec } from "./schema.js";

export function checkServing(scenario: WorkloadScenario, root: unknown, ctx: Ctx): void {
  const services = scenario.workloads.map((w, i) => ({ w, i })).filter((x) => x.w.kind === "serving");
  if (services.length === 0) return;
  let hostCount: number;
  try {
    hostCount = buildFleet(scenario.fleet).hostCount;
  } catch {
    return; // the fleet's own checks report it
  }
  const seen = new Map<string, number>();
  for (const { w, i } of services) {
    const spec = w.spec as ServingSpec;
    const path = ["workloads", i, "serving"];
    const at = (key: string) => nodeAt(root, [...path, key], ctx);
    if (seen.has(spec.name)) {
      ctx.report(
        "invalid_value",
        [...path, "name"],
        at("name"),
        `a second serving workload named ${spec.name}`,
        "give each service its own name (its metrics are serving.<name>.*)",
      );
      continue;
    }
    seen.set(spec.name, i);
    const r = servingHostRange(spec);
    if (r.end > hostCount) {
      ctx.report(
        "invalid_value",
        [...path, "firstHost"],
        at("firstHost"),
        `service ${spec.name} needs hosts ${r.start}..${r.end - 1} (${spec.shards} shards x ${spec.replicas} replicas) but the fleet has ${hostCount} hosts`,
        "lower firstHost, shards or replicas, or grow the fleet",
      );
    }
  }
}
