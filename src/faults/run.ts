// The fault layer on its own: build the fleet, start every injector of the scenario on
// its own stream, and run the simulation. `fleet faults` uses it as is; a full run
// (`fleet chaos`) builds on the same pieces and adds detection, workloads and policies.
import { buildFleet } from "../fleet/build.js";
import type { Fleet } from "../fleet/fleet.js";
import type { JournalSink } from "../journal/index.js";
import type { Scenario } from "../scenario/load.js";
import { Sim } from "../sim/sim.js";
import type { Injector } from "./injector.js";
import { FAULT_MODELS } from "./registry.js";
import { timelineInjector, type ScheduledFault } from "./timeline.js";
import { FaultTrace } from "./trace.js";
import { servingHostRange } from "../workloads/serving/schema.js";

export interface FaultLayer {
  sim: Sim;
  fleet: Fleet;
  trace: FaultTrace;
  injectors: Injector[];
}

/** Creates the injectors of a scenario, in `faults:` order, each on its own stream. */
export function createInjectors(scenario: Scenario): { injector: Injector; stream: string }[] {
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
export function startFaultLayer(scenario: Scenario, opts: { seed: number; horizonSec: number; journal?: JournalSink; fleet?: Fleet }): FaultLayer {
  const sim = new Sim({ seed: opts.seed });
  const fleet = opts.fleet ?? buildFleet(scenario.fleet);
  const trace = new FaultTrace(sim, fleet, opts.journal);
  const injectors: Injector[] = [];
  const watched = watchedHosts(scenario, fleet.hostCount);
  for (const { injector, stream } of createInjectors(scenario)) {
    injector.start({ sim, fleet, trace, horizonSec: opts.horizonSec, rng: sim.streams.get(stream), watched });
    injectors.push(injector);
  }
  return { sim, fleet, trace, injectors };
}

/**
 * The hosts workloads run on, from the scenario alone: each training job's block plus
 * room for the most spares any policy keeps (the same set for every policy, so the fault
 * trace stays independent of policy).
 */
export function watchedHosts(scenario: Scenario, hostCount: number): { start: number; end: number }[] {
  const policies = Object.values(scenario.policies ?? {});
  const maxSpares = Math.max(0, ...policies.map((p) => p.spares));
  const ranges: { start: number; end: number }[] = [];
  for (const w of scenario.workloads ?? []) {
    if (w.kind === "serving") {
      const r = servingHostRange(w.spec);
      ranges.push({ start: r.start, end: Math.min(hostCount, r.end) });
      continue;
    }
    if (w.kind !== "training") continue;
    const s = w.spec;
    ranges.push({ start: s.firstHost, end: Math.min(hostCount, s.firstHost + s.hosts + Math.ceil(s.hosts * maxSpares) + 1) });
  }
  return ranges;
}
