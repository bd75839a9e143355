// The `storage:` workload: a replicated or erasure-coded block store (./store.ts, ./erasure.ts), its entry (./schema.ts),
// the policy keys it reads (src/recovery/replication.ts, the shared placement, and
// onPowerWarning: src/recovery/training.ts, carried out in ./warnings.ts), its metrics, the
// fault effects it reacts to, and the hosts it runs on.
import type { WorkloadDef } from "../workload.js";
import { checkStorage } from "./check.js";
import { STORAGE_METRICS } from "./metrics.js";
import { storageSchema, type StorageSpec } from "./schema.js";
import { ReplicatedStore, STORE_CONSUMES } from "./store.js";

export const storageWorkload: WorkloadDef<StorageSpec> = {
  kind: "storage",
  summary:
    "a replicated or erasure-coded block store: placement, re-replication and reconstruction, scrubbing, CRC-checked copies, no-reboot after power loss, migration on power warnings",
  schema: storageSchema,
  policyKeys: ["replication", "redundancy", "reReplication", "reReplicateAfter", "scrub", "blockChecksums", "placement", "onPowerWarning"],
  metrics: STORAGE_METRICS,
  consumes: STORE_CONSUMES,
  checks: [checkStorage],
  exclusive: false,
  describe: (spec) => `store ${spec.name}`,
  hosts: (spec, hostCount) => ({ start: spec.firstHost, end: spec.hosts === undefined ? hostCount : spec.firstHost + spec.hosts }),
  create: (env, spec, policy) => new ReplicatedStore(env, spec, policy),
};
