// The fault layer on its own: build the fleet, start every injector of the scenario's
// `faults:` section on its own stream; the caller runs the simulation. `fleet faults` uses
// it as is; a full run (`fleet chaos`) builds on the same pieces and adds detection,
// workloads and policies (src/run/lane.ts). Which hosts get per-host straggler detail is
// the caller's to say (`watched`: the workloads' hosts, src/workloads/registry.ts).
// A counterfactual run names correlated incidents to leave out (`exclude`, ./exclude.ts).
import { buildFleet } from "../fleet/build.js";
import type { Fleet } from "../fleet/fleet.js";
import type { JournalSink } from "../journal/index.js";
import type { FleetSpec } from "../fleet/spec.js";
import { IncidentExclusions, type IncidentKey } from "./exclude.js";
import type { FaultSpec } from "./injector.js";
import { Sim } from "../sim/sim.js";
import type { Injector, MemoryOdds } from "./injector.js";
import { FAULT_KINDS, FAULT_MODELS } from "./registry.js";
import type { ScheduledFault } from "./timeline/entry.js";
import { timelineInjector } from "./timeline/injector.js";
import { type FaultListener, FaultTrace } from "./trace.js";

export interface FaultLayer {
  sim: Sim;
  fleet: Fleet;
  trace: FaultTrace;
  injectors: Injector[];
}

/** Creates the injectors of a scenario, in `faults:` order, each on its own stream. */
export function createInjectors(scenario: { faults: readonly FaultSpec[] }): { injector: Injector; stream: string }[] {
  const out: { injector: Injector; stream: string }[] = [];
  const used = new Map<string, number>();
  const scheduled: ScheduledFault[] = [];
  for (const f of scenario.faults) {
    if (f.kind === "scheduled") {
      scheduled.push(...(f.settings as ScheduledFault[]));
      continue;
    }
    const model = FAULT_MODELS[f.kind];
    const n = (used.get(f.kind) ?? 0) + 1;
    used.set(f.kind, n);
    out.push({ injector: model.create(f.settings), stream: n === 1 ? `faults.${f.kind}` : `faults.${f.kind}#${n}` });
  }
  if (scheduled.length) out.push({ injector: timelineInjector(scheduled), stream: "faults.timeline" });
  return out;
}

/** Builds the fleet and simulator and starts every injector; the caller runs the sim. */
export interface FaultLayerOptions {
  seed: number;
  horizonSec: number;
  journal?: JournalSink;
  /** A fleet already built from the spec (else one is built). */
  fleet?: Fleet;
  /** Host ranges whose straggler episodes are simulated one by one (FaultEnv.watched). */
  watched?: { start: number; end: number }[];
  /** Correlated incidents that do not happen in this run, nor anything they set off (./exclude.ts); Error on a bad key. */
  exclude?: readonly IncidentKey[];
  /** Hears every fault from the first (injectors may emit as they start). */
  listener?: FaultListener;
}

export function startFaultLayer(scenario: { fleet: FleetSpec; faults: readonly FaultSpec[] }, opts: FaultLayerOptions): FaultLayer {
  const sim = new Sim({ seed: opts.seed });
  const fleet = opts.fleet ?? buildFleet(scenario.fleet);
  const exclusions = opts.exclude?.length ? new IncidentExclusions(opts.exclude, fleet, FAULT_KINDS) : undefined;
  const trace = new FaultTrace(sim, fleet, opts.journal, exclusions);
  if (opts.listener) trace.addListener(opts.listener);
  const injectors: Injector[] = [];
  const watched = opts.watched ?? [];
  for (const { injector, stream } of createInjectors(scenario)) {
    injector.start({ sim, fleet, trace, horizonSec: opts.horizonSec, rng: sim.streams.get(stream), watched });
    injectors.push(injector);
  }
  return { sim, fleet, trace, injectors };
}

/**
 * The rate, per second, at which the layer's injectors take down at least one of `hosts`,
 * summed over injectors from their configured rates (the long-run rate: a scheduled
 * incident or a scheduled burst is not a rate and is left out). Machine checks from memory
 * errors are in it only when `memory` gives the detection layer's odds (src/run/lane.ts):
 * without a detection layer no memory error takes a host down.
 */
export function hostLossRatePerSec(
  layer: { fleet: Fleet; injectors: readonly Injector[] },
  hosts: { start: number; end: number },
  memory?: MemoryOdds,
): number {
  let rate = 0;
  for (const inj of layer.injectors) rate += inj.hostLossRatePerSec?.(layer.fleet, hosts, memory) ?? 0;
  return rate;
}
