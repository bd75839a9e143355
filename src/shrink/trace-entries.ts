// A run's fault trace written as scheduled entries: one `- at: ..., <kind>: <target>,
// <params>` per fault, each made by its model's `incident.asScheduled`
// (src/faults/injector.ts), so `fleet shrink` can take faults away one by one and what
// it tests is an incident timeline fleet runs as it is (src/faults/timeline).
//
// Times and lengths are kept to the last bit (the file writes them as duration text that
// reads back exactly): a fault a second later can change a run.
//
// What does not come back exactly (each model's asScheduled says what it writes):
//   - random draws inside a fault are drawn again on the timeline's stream: a DRAM
//     fault's row, bank and column and its errors, a defective core's corruptions;
//   - a fault that cannot be written as an entry is left out and counted by kind with
//     the reason: summaries of many events (per-rack upset counts, straggler episodes off
//     the workloads' hosts), kinds without a scheduled form (latent sector errors, slow
//     disks, an overheating's cascade, a DRAM fault grown out of another).
// So the entries are checked by running them: `fleet shrink` first runs all of them and
// says so when they no longer breach the SLO.
import { buildFleet } from "../fleet/build.js";
import type { AsScheduledContext, Incident } from "../faults/injector.js";
import { WARNING } from "../faults/power.js";
import { FAULT_MODELS } from "../faults/registry.js";
import type { FaultEvent } from "../faults/trace.js";
import { scenarioFaultLayer } from "../run/fault-layer.js";
import type { Scenario } from "../scenario/load.js";

export interface TraceEntry {
  /** Simulated seconds. */
  atSec: number;
  /** The model's key, as a timeline's `kind` column names it: "straggler", "busbar". */
  kind: string;
  /** The fault kind's name: "straggler", "power.busbar". */
  faultKind: string;
  target: string;
  /** Validated values (seconds, fractions), every parameter that shapes the fault given. */
  params: Record<string, unknown>;
  /** Hosts it touches times the seconds it lasts (at least 1 each): the order shrink tries them in. */
  weight: number;
}

export interface LeftOut {
  faultKind: string;
  count: number;
  why: string;
}

export interface TraceEntries {
  entries: TraceEntry[];
  /** Faults of the trace with no entry, by kind (markers and consequences are not counted). */
  leftOut: LeftOut[];
  /** Faults in the trace, all kinds. */
  faults: number;
}

/** The model whose kinds include each fault kind, by the kind's name. */
function modelsByKind(): Map<string, { key: string; incident?: Incident }> {
  const out = new Map<string, { key: string; incident?: Incident }>();
  for (const m of Object.values(FAULT_MODELS)) for (const k of m.kinds) if (!out.has(k.name)) out.set(k.name, { key: m.kind, incident: m.incident });
  return out;
}

/** The fault trace of `scenario` at `seed` over `durationSec`, as scheduled entries in time order. */
export function traceEntries(scenario: Scenario, seed: number, durationSec: number): TraceEntries {
  const models = modelsByKind();
  const fleet = buildFleet(scenario.fleet);
  const entries: TraceEntry[] = [];
  const left = new Map<string, LeftOut>();
  const heard = new Map<string, number>();
  const warnings = new Map<string, number>();
  const leave = (name: string, count: number, why: string) => {
    const l = left.get(name) ?? { faultKind: name, count: 0, why };
    l.count += count;
    left.set(name, l);
  };
  const ctx: AsScheduledContext = {
    fleet,
    horizonSec: durationSec,
    warnedAt: (target, failsAtSec) => warnings.get(`${target}@${failsAtSec}`),
  };
  const onFault = (e: FaultEvent) => {
    const name = e.kind.name;
    heard.set(name, (heard.get(name) ?? 0) + 1);
    if (name === WARNING.name && e.ref && typeof e.detail.failsAt === "number") warnings.set(`${fleet.idOf(e.ref)}@${e.detail.failsAt}`, e.at);
    const model = models.get(name);
    const form = model?.incident?.asScheduled?.(e, ctx);
    if (form === "none") return;
    if (!model?.incident) return leave(name, 1, "its model has no scheduled form");
    if (form === undefined) return leave(name, 1, e.detail.aggregated === true ? "a summary of many faults" : "no scheduled form");
    const hosts = e.ref ? fleet.hostCountOf(e.ref) : fleet.hostCount;
    const lasts = Math.max(1, (Number.isFinite(e.untilSec) ? e.untilSec : durationSec) - e.at);
    entries.push({
      atSec: e.at,
      kind: model.key,
      faultKind: name,
      target: form.target,
      params: form.params,
      weight: Math.max(1, hosts) * lasts,
    });
  };
  const layer = scenarioFaultLayer(scenario, { seed, horizonSec: durationSec, fleet, listener: { onFault } });
  layer.sim.run({ until: durationSec, maxEvents: scenario.limits.maxEvents });
  let faults = 0;
  for (const [name, c] of layer.trace.counts) {
    faults += c.events;
    // Counted by the trace but never told one by one: the rest of a flood's summary.
    const missing = c.events - (heard.get(name) ?? 0);
    if (missing > 0) leave(name, missing, "a summary of many faults");
  }
  return { entries, leftOut: [...left.values()].sort((a, b) => b.count - a.count || a.faultKind.localeCompare(b.faultKind)), faults };
}
