// What every fault injector is. An injector turns its model (rates, bursts, schedules)
// into faults on the trace, drawing only from its own named PRNG stream, so the fault
// trace is a function of the scenario and seed alone (never of a policy).
//
// Scale rule: never loop over every host on every tick. Draw next-event times for the
// whole population (a superposition of Poisson processes is one Poisson process), or
// draw counts per domain and window, and touch only the hosts that are hit.
import type { Fleet } from "../fleet/fleet.js";
import type { Rng } from "../sim/rng.js";
import type { Sim } from "../sim/sim.js";
import type { Validator } from "../base/schema.js";
import type { FleetKind, FleetRef } from "../fleet/ref.js";
import type { EccMode } from "../fleet/spec.js";
import type { Shape } from "../base/schema.js";
import type { FaultKindDecl } from "./kind.js";
import type { FaultEvent, FaultTrace } from "./trace.js";

export interface FaultEnv {
  sim: Sim;
  fleet: Fleet;
  trace: FaultTrace;
  /** The simulated horizon in seconds: injectors need not schedule past it. */
  horizonSec: number;
  /** This injector's own stream (`faults.<kind>`, or `faults.<kind>#2` for a second entry). */
  rng: Rng;
  /**
   * Host ranges [start, end) a workload runs on (its hosts and every policy's spares):
   * decided by the scenario alone, never by a policy. An injector may simulate floods of
   * per-host detail only there and count the rest (see straggler.ts). Empty: no workload.
   */
  watched?: readonly { start: number; end: number }[];
}

export interface Injector {
  /** `cosmic`, `busbar`, ...; the stream is `faults.<name>`. */
  readonly name: string;
  /** Schedules the injector's first events; called once before the run starts. */
  start(env: FaultEnv): void;
  /**
   * Expected number of events of each kind over [0, horizonSec] on this fleet, from the
   * configured rates: `fleet faults` prints it beside the observed count.
   */
  expected?(fleet: Fleet, horizonSec: number): Partial<Record<string, number>>;
  /**
   * Variance of each kind's count over runs, for kinds whose count is not Poisson (events
   * that come in clusters: a burst's upsets, a fault's errors, a chosen host's steps);
   * `fleet faults` draws its band from it. A kind left out is Poisson (variance = mean).
   */
  variance?(fleet: Fleet, horizonSec: number): Partial<Record<string, number>>;
  /**
   * The rate, per second, at which this injector's faults take down at least one host of
   * `hosts`, from its configured rates (a training job's expected interruptions on them,
   * for Young's and Daly's intervals): the long-run rate, so a scheduled time is not in it.
   * Memory errors take a host down only through the detection layer (a machine check), so
   * the memory models (cosmic.ts, dram.ts) need `memory` and give 0 without it, as a fault
   * layer run without detection does. Absent when it takes no hosts down.
   */
  hostLossRatePerSec?(fleet: Fleet, hosts: { start: number; end: number }, memory?: MemoryOdds): number;
}

/**
 * What the detection layer in force makes of a memory error, for the memory models'
 * host-loss rates. The fault layer only places bits (memory.ts); whether they end in a
 * machine check is decided above it, by the real codes (src/checksums), so whoever runs a
 * detection layer passes its odds down (src/run/lane.ts: dependency inversion, imports
 * still go down only).
 */
export interface MemoryOdds {
  /** The code of every host (a lane's `ecc` what-if); absent: each host's own (HostSpec.ecc). */
  readonly ecc?: EccMode;
  /** Seconds a machine check keeps its host down: errors arriving then are never read. */
  readonly rebootSec: number;
  /**
   * The probability that reading a word with no latent error, with positions `bits` of its
   * 72-bit codeword flipped (memory.ts layout), is a detected-uncorrectable error under
   * `ecc` (a machine check that reboots the host), over the words it may be (chipkill:
   * either half of a pair).
   */
  machineCheck(ecc: EccMode, bits: readonly number[]): number;
}

/** A fault model as the scenario sees it: the schema of its settings and a factory. */
export interface FaultModel<S> {
  /** The key in the scenario's `faults:` list, e.g. `cosmic`. */
  kind: string;
  /** One line for `fleet --help` and docs. */
  summary: string;
  /** The fault kinds this model produces, declared in its file (./kind.ts). */
  kinds: readonly FaultKindDecl[];
  schema: Validator<S>;
  create(spec: S): Injector;
  /**
   * How one scheduled fault of this kind is applied, for incident timelines
   * (`- at: 30h, busbar: dc1/row07/busbar-a, repair: 8h`). Absent if the kind cannot be
   * scheduled on a target.
   */
  incident?: Incident;
}

export interface Incident {
  /** What the target id may name, e.g. ["busbar"] or ["host", "rack"]. */
  targets: FleetKind[];
  /** The extra keys a scheduled entry may carry (repair, factor, ...), with defaults. */
  params: Shape;
  /** The kind one scheduled entry produces (e.g. rack.wonky when it gives `wonky`, else rack.fail). */
  kindOf(params: Record<string, unknown>): FaultKindDecl;
  /** Applies the fault now (env.sim.now) to `ref` with validated params. */
  fire(env: FaultEnv, ref: FleetRef, params: Record<string, unknown>): void;
  /**
   * Trace event `e` (one of this model's kinds) written back as a scheduled entry that
   * makes the same fault (`fleet shrink` turns a run's trace into a timeline): its target
   * and params, validated values with every parameter that shapes the fault given. "none":
   * the event needs no entry of its own (a marker such as a burst's start, or what another
   * entry sets off: a DRAM fault's errors, a bus bar's warning). undefined: it cannot be
   * written as an entry (a summary of many events, a kind the incident does not make).
   */
  asScheduled?(e: FaultEvent, ctx: AsScheduledContext): ScheduledForm | "none" | undefined;
}

/** A fault as a scheduled entry gives it: `- at: ..., <kind>: <target>, <params>`. */
export interface ScheduledForm {
  target: string;
  params: Record<string, unknown>;
}

export interface AsScheduledContext {
  fleet: Fleet;
  /** The run's end: a fault that lasts for good is written as lasting until then. */
  horizonSec: number;
  /** When the `power.warning` of a power loss on `target` due at `failsAtSec` came (undefined: none). */
  warnedAt(target: string, failsAtSec: number): number | undefined;
}

/**
 * How long fault `e` lasts, seconds, as an entry's `repair` or `duration` gives it; a
 * fault for good lasts until the run's end.
 */
export function episodeSec(e: FaultEvent, ctx: AsScheduledContext): number {
  return (Number.isFinite(e.untilSec) ? e.untilSec : Math.max(ctx.horizonSec, e.at + 1)) - e.at;
}

/** A `faults:` entry once validated. */
export interface FaultSpec {
  kind: string;
  /** The validated settings of that kind. */
  settings: unknown;
  /** Position in the `faults:` list (for messages and stream names). */
  index: number;
}
