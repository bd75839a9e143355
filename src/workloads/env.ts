// What a workload model is given in a lane: the lane's simulator, fleet and fault trace,
// its own PRNG stream, and where its journal records go. Every workload (training,
// serving, storage) is built from this and the policy the lane runs, and reports its
// metrics by name (`serving.p999`, `storage.lostBytes`), registered in src/slo/metrics.ts
// so SLOs can name them.
import type { Fleet } from "../fleet/fleet.js";
import type { FaultTrace } from "../faults/trace.js";
import type { EventFields } from "../journal/index.js";
import type { Rng } from "../sim/rng.js";
import type { Sim } from "../sim/sim.js";

export type WorkloadRecordType = "recovery" | "milestone";

export interface WorkloadEnv {
  sim: Sim;
  fleet: Fleet;
  /** Listen with trace.addListener(this): faults and repairs as they happen. */
  trace: FaultTrace;
  /** The workload's own stream, `workloads.<name>`: identical in every lane. */
  rng: Rng;
  /** The run's seed, for counter-based draws that must not depend on policy. */
  seed: number;
  /** The simulated horizon in seconds. */
  horizonSec: number;
  /** Writes a journal record (the lane adds the policy name). */
  record(t: WorkloadRecordType, at: number, fields: EventFields): void;
}

/** What the lane needs from a workload model. */
export interface Workload {
  readonly name: string;
  /** Final metrics at `nowSec`, by registered metric name. */
  metrics(nowSec: number): Record<string, number>;
  /** A few live values for snapshots and the dashboard (JSON-safe numbers). */
  snapshot?(nowSec: number): Record<string, number>;
}
