// The serving workloads' check against the whole scenario, registered with the loader (it
// runs once every section parsed, so its errors carry line and column): each service's
// hosts exist, services have distinct names (their metrics are named by them), and no two
// services, nor a service and a training job, share hosts.
//
// A file of its own because it imports the loader: ./schema.ts is imported by the
// loader's sections and must not import it back.
import { buildFleet } from "../../fleet/build.js";
import { registerCrossCheck, type Scenario } from "../../scenario/load.js";
import { type Ctx, nodeAt } from "../../base/schema.js";
import { servingHostRange, type ServingSpec } from "./schema.js";

export function checkServing(scenario: Scenario, root: unknown, ctx: Ctx): void {
  const services = scenario.workloads.map((w, i) => ({ w, i })).filter((x) => x.w.kind === "serving");
  if (services.length === 0) return;
  let hostCount: number;
  try {
    hostCount = buildFleet(scenario.fleet).hostCount;
  } catch {
    return; // the fleet's own checks report it
  }
  const seen = new Map<string, number>();
  const taken: { start: number; end: number; what: string }[] = [];
  for (const w of scenario.workloads) {
    if (w.kind === "training")
      taken.push({
        start: w.spec.firstHost,
        end: w.spec.firstHost + w.spec.hosts,
        what: `training job ${w.spec.name} (hosts ${w.spec.firstHost}..${w.spec.firstHost + w.spec.hosts - 1})`,
      });
  }
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
      continue;
    }
    const clash = taken.find((t) => r.start < t.end && t.start < r.end);
    if (clash) {
      ctx.report(
        "invalid_value",
        [...path, "firstHost"],
        at("firstHost"),
        `service ${spec.name} (hosts ${r.start}..${r.end - 1}) shares hosts with ${clash.what}`,
        "move firstHost past the other workload's hosts",
      );
      continue;
    }
    taken.push({ ...r, what: `service ${spec.name} (hosts ${r.start}..${r.end - 1})` });
  }
}

registerCrossCheck(checkServing);
