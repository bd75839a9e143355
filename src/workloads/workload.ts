// What a workload is: one declaration per kind (training, serving, storage) with
// everything the rest of fleet needs to know about it, like a fault model's. The lane
// builds every workload the same way from its declaration (src/run/lane.ts has no case
// for any kind); the scenario loader composes their schemas and checks; the metric
// catalog, the fault layer's detail hosts and the docs read the rest.
//
//   kind        the key in a scenario's `workloads:` list
//   schema      the entry's validator (its spec, with documented defaults)
//   policyKeys  the policy keys it reads (declared in src/recovery, which decides)
//   metrics     what it reports: name, unit, meaning, how instances merge
//   consumes    the fault effects it reacts to (src/faults/kind.ts)
//   checks      checks against the whole scenario (its hosts exist, they fit, ...)
//   hosts       the hosts it runs on; an `exclusive` workload shares them with no other
//               exclusive one (./registry.ts checks)
//   detailHosts the hosts whose straggler episodes are simulated one by one, from the
//               scenario alone (never from a policy's decisions, so the fault trace does
//               not depend on one): its hosts and room for spares; only for workloads that
//               react to slow hosts
//   create      builds it in a lane, from the lane's env, its spec and the lane's policy
import type { MetricDef } from "../base/metric.js";
import type { CrossCheck, Validator } from "../base/schema.js";
import type { Fleet } from "../fleet/fleet.js";
import type { EffectKey } from "../faults/kind.js";
import type { FaultTrace } from "../faults/trace.js";
import type { EventFields } from "../journal/index.js";
import type { HostRange } from "../recovery/placement.js";
import type { Policy } from "../recovery/policy.js";
import type { Rng } from "../sim/rng.js";
import type { Sim } from "../sim/sim.js";

export type WorkloadRecordType = "recovery" | "milestone";

export interface WorkloadEnv {
  sim: Sim;
  fleet: Fleet;
  /** Listen with trace.addListener(this): faults and repairs as they happen. */
  trace: FaultTrace;
  /** The workload's own stream, `workloads.<name>`: identical in every lane. Values that must not depend on draws come from sim.streams.hash(name). */
  rng: Rng;
  /** The simulated horizon in seconds. */
  horizonSec: number;
  /** Writes a journal record (the lane adds the policy name). */
  record(t: WorkloadRecordType, at: number, fields: EventFields): void;
  /** Hosts the other exclusive workloads of the scenario run on: not for this one to take. */
  reserved?: readonly HostRange[];
  /**
   * True when the lane calls `memoryCorrupted` for every silent memory escape as it
   * happens (the detection layer's); a workload then need not scan host flags for them.
   */
  notifiesSilentCorruption?: boolean;
  /**
   * The rate, per second, at which the scenario's fault models take down at least one host
   * of `hosts`, from their configured rates (Injector.hostLossRatePerSec); absent when no
   * fault layer is attached. A training job's Young/Daly interval starts from it.
   */
  hostLossRatePerSec?(hosts: HostRange): number;
}

/** What the lane needs from a workload in a run. */
export interface Workload {
  readonly name: string;
  /** Final metrics at `nowSec`, by declared metric name. */
  metrics(nowSec: number): Record<string, number>;
  /** A few live values for snapshots and the dashboard (JSON-safe numbers). */
  snapshot?(nowSec: number): Record<string, number>;
  /**
   * The detection layer just handed `host` `count` silently corrupted memory words. Returns
   * whether they landed in this workload's data (its state, a shard it serves): the lane
   * counts those in silentCorruptions, the rest in silentCorruptions.idle.
   */
  memoryCorrupted?(host: number, count: number): boolean;
}

/** One entry of a scenario's `workloads:` list, once validated. */
export interface WorkloadSpec {
  kind: string;
  /** The validated settings of that kind (each has a name). */
  spec: { name: string };
}

/** The size of the fleet, as host ranges read it. */
export interface FleetShape {
  hostCount: number;
  /** Each datacenter's hosts, in order. */
  dcs: readonly HostRange[];
}

/** The parts of a scenario a workload's checks and host ranges read. */
export interface WorkloadScenario {
  fleet: import("../fleet/spec.js").FleetSpec;
  workloads: WorkloadSpec[];
  policies: Record<string, Policy>;
}

export interface WorkloadDef<S extends { name: string } = { name: string }> {
  readonly kind: string;
  /** One line for `fleet --help`, `fleet metrics` and docs. */
  readonly summary: string;
  readonly schema: Validator<S>;
  /** The policy keys it reads, by name (declared in src/recovery). */
  readonly policyKeys: readonly string[];
  readonly metrics: readonly MetricDef[];
  readonly consumes: readonly EffectKey[];
  readonly checks: readonly CrossCheck<WorkloadScenario>[];
  readonly exclusive: boolean;
  /** "training job pretrain", "service search": how messages name it. */
  describe(spec: S): string;
  /** The hosts it runs on, [start, end) (not clipped to the fleet). */
  hosts(spec: S, hostCount: number): HostRange;
  /** Hosts whose straggler episodes it needs one by one (default: its hosts). */
  detailHosts?(spec: S, policies: readonly Policy[], fleet: FleetShape): HostRange[];
  /** Builds it in a lane; `all` is every workload of the scenario (for roles among several). */
  create(env: WorkloadEnv, spec: S, policy: Policy, all: readonly WorkloadSpec[]): Workload;
}

/** A declaration with its spec type erased, as registries hold them. */
export type AnyWorkloadDef = WorkloadDef<{ name: string }>;

/** Erases a declaration's spec type (the registry checks kinds against specs). */
export function erase<S extends { name: string }>(def: WorkloadDef<S>): AnyWorkloadDef {
  return def as unknown as AnyWorkloadDef;
}
