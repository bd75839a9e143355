// The `serving:` workload: a sharded, replicated fan-out service sampled in windows
// (./service.ts, ./window.ts), its entry (./schema.ts), the policy keys it reads
// (src/recovery/hedging.ts and the shared placement), its metrics, the fault effects it
// reacts to, and the hosts it runs on.
import type { WorkloadDef } from "../workload.js";
import { checkServing } from "./check.js";
import { servingHostRange, servingSchema, type ServingSpec } from "./schema.js";
import { SERVING_CONSUMES, SERVING_METRICS, ServingService, servingRole } from "./service.js";

export const servingWorkload: WorkloadDef<ServingSpec> = {
  kind: "serving",
  summary: "a sharded fan-out service: hedged, tied and retried requests, failover, end-to-end CRC",
  schema: servingSchema,
  policyKeys: ["hedge", "tied", "retries", "retryBudget", "leafTimeout", "endToEndCrc", "healthCheck", "balance", "placement", "onPowerWarning"],
  metrics: SERVING_METRICS,
  consumes: SERVING_CONSUMES,
  checks: [checkServing],
  exclusive: true,
  describe: (spec) => `service ${spec.name}`,
  hosts: (spec) => servingHostRange(spec),
  create: (env, spec, policy, all) => new ServingService(env, spec, policy, servingRole(all, spec.name)),
};
