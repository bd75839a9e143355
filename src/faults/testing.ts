// Test helper for fault injectors: a fleet, a simulator and a trace in one line, so a
// test reads like a story:
//
//   const h = faultHarness({ rows: 4, racksPerRow: 10, hostsPerRack: 16 }, 7);
//   const inj = h.start(busbarModel.create(parseSettings(busbarModel, "{ mtbf: 3y }")), "faults.busbar", 30 * DAY);
//   h.sim.run({ until: 30 * DAY });
//   expect(h.trace.counts.get("power.busbar")!.events).toBe(...);
//
//   h.fire(busbarModel, "dc1/row02/busbar-a", { repair: 8 * HOUR }, 30 * HOUR);
//
// Every fault the trace sees is kept in `events` (and every repair in `repairs`), unless
// `record: false` (for large fleets). Tests only: nothing in src/ outside tests imports it.
import { parseDocument } from "yaml";
import { buildFleet } from "../fleet/build.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { fleetSpec, type FleetSpecOverrides } from "../fleet/testing.js";
import { BAD, Ctx, type Validator } from "../base/schema.js";
import { Sim } from "../sim/sim.js";
import type { FaultEnv, FaultModel, Injector } from "./injector.js";
import { FaultTrace, type FaultEvent } from "./trace.js";

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;
export const YEAR = 365 * DAY;

export interface FaultHarness {
  sim: Sim;
  fleet: Fleet;
  trace: FaultTrace;
  /** Every fault in order (empty when `record: false`). */
  events: FaultEvent[];
  /** Every repair in order: the ref that came back and when. */
  repairs: { ref: FleetRef; at: number }[];
  /** The FaultEnv an injector started on `stream` would get. */
  env(stream: string, horizonSec?: number): FaultEnv;
  /** Starts `injector` on its own stream (default `faults.<name>`); returns it. */
  start<I extends Injector>(injector: I, stream?: string, horizonSec?: number): I;
  /**
   * Fires `model`'s incident on the target id at `atSec` (default now); params not given
   * take the model's documented defaults.
   */
  fire(model: FaultModel<unknown> | FaultModel<never>, target: string, params?: Record<string, unknown>, atSec?: number): void;
}

export interface HarnessOptions {
  /** Horizon handed to injectors when `start` is not given one (default 1 year). */
  horizonSec?: number;
  /** Keep every fault event in `events` (default true). */
  record?: boolean;
}

/** Builds a fleet from `fleetSpec(overrides)`, a Sim with `seed`, and a FaultTrace over them. */
export function faultHarness(overrides: FleetSpecOverrides = {}, seed = 1, opts: HarnessOptions = {}): FaultHarness {
  const fleet = buildFleet(fleetSpec(overrides));
  const sim = new Sim({ seed });
  const trace = new FaultTrace(sim, fleet);
  const events: FaultEvent[] = [];
  const repairs: { ref: FleetRef; at: number }[] = [];
  if (opts.record !== false) {
    trace.addListener({ onFault: (e) => void events.push(e), onRepair: (ref, at) => void repairs.push({ ref, at }) });
  }
  const defaultHorizon = opts.horizonSec ?? 365 * DAY;
  const env = (stream: string, horizonSec = defaultHorizon): FaultEnv => ({ sim, fleet, trace, horizonSec, rng: sim.streams.get(stream) });
  return {
    sim,
    fleet,
    trace,
    events,
    repairs,
    env,
    start(injector, stream, horizonSec) {
      injector.start(env(stream ?? `faults.${injector.name}`, horizonSec));
      return injector;
    },
    fire(model, target, params = {}, atSec) {
      const incident = model.incident;
      if (!incident) throw new Error(`fault model ${model.kind} has no incident`);
      const ref = fleet.resolve(target);
      if (!ref) throw new Error(`no such target ${target} (closest: ${fleet.closestId(target)})`);
      if (!incident.targets.includes(ref.kind)) throw new Error(`${model.kind} cannot target a ${ref.kind}`);
      const full: Record<string, unknown> = {};
      for (const [k, field] of Object.entries(incident.params)) full[k] = k in params ? params[k] : field.default?.();
      const e = env("faults.timeline");
      const go = () => incident.fire(e, ref, full);
      if (atSec === undefined) go();
      else sim.at(atSec, go);
    },
  };
}

/** Validates a settings map written as YAML flow text against a model's schema (defaults filled); throws on issues. */
export function parseSettings<T>(model: FaultModel<T> | Validator<T>, text: string): T {
  const schema = typeof model === "function" ? model : model.schema;
  const doc = parseDocument(text);
  const ctx = new Ctx(undefined);
  ctx.doc = doc;
  const v = schema(doc.contents, [], ctx);
  if (v === BAD) throw new Error(ctx.issues.map((i) => `${i.path.join(".")}: ${i.message}${i.hint ? ` (${i.hint})` : ""}`).join("\n"));
  return v;
}

/** |observed - expected| < k sqrt(expected): the Poisson tolerance the rate tests use. */
export function withinPoisson(observed: number, expected: number, k = 4): boolean {
  return Math.abs(observed - expected) < k * Math.sqrt(Math.max(expected, 1));
}
