// The `policies:` section: named bundles of recovery settings. Every policy of a scenario
// runs in its own lane against the same fault trace. A policy holds every workload's keys
// (training in ./training.ts, storage in ./replication.ts, serving in ./hedging.ts) and
// the shared `placement` (./placement.ts), and the hardware what-ifs a lane may try
// (./hardware.ts: `ecc`); a key a workload does not read is unused by it.
// What each setting does, and its source, is in the file that declares it.
import { dict, type Infer, object, type Validator } from "../base/schema.js";
import { hardwarePolicyFields } from "./hardware.js";
import { servingPolicyFields } from "./hedging.js";
import { placementField } from "./placement.js";
import { storagePolicyFields } from "./replication.js";
import { defaultsOf, trainingPolicyFields } from "./training.js";

/** Every key a policy may hold. */
export const policyFields = {
  ...trainingPolicyFields,
  ...storagePolicyFields,
  ...servingPolicyFields,
  ...hardwarePolicyFields,
  placement: placementField,
};

export type Policy = Infer<typeof policyFields>;

export const policy: Validator<Policy> = object(policyFields, "a policy");

/** The `policies:` section: policy name -> settings. */
export const policySection: Validator<Record<string, Policy>> = dict(policy, { what: "policy names to settings", namePattern: /^[A-Za-z0-9_-]+$/, min: 1 });

/** The policy a lane runs when the scenario names none: every key at its default. */
export function defaultPolicy(): Policy {
  return defaultsOf(policyFields);
}
