// Counterfactual traces: the same run with some correlated incidents taken out (`fleet
// explain` measures what one bus bar, one burst, one rack cost by re-running without it).
//
// An incident is named as `FaultTrace.correlated` lists it: its kind, its target's id and
// the simulated second it happened (`at`, matched within 1e-6 s). An excluded incident
// does not happen, and neither does anything it would have set off inside the fault
// layer: its hosts do not go down (nor come back), its warning (`power.warning`, same
// target, `failsAt` = its time) is not emitted, a burst's share of the upsets is dropped.
// Every injector still draws exactly the random numbers it would have drawn, in the same
// order, so every other fault keeps its time, place and detail. FaultTrace consults the
// keys (FaultTrace.excluded); the models that must know more ask it too (power.ts for
// warnings, overheat.ts for a whole overheating, cosmic.ts for a burst's upsets).
//
// Two ways to name an overheating: one of its racks (as `correlated` lists each rack's
// shutdown), or the whole cascade, by its datacenter and start (the `partOf` of those
// entries, and the `failsAt` of its warning), which also takes out the warning.
//
// Left out: excluding faults that are not correlated (one host crash, one upset: drop the
// whole model instead, or schedule the faults you mean), and consequences outside the
// fault layer (a machine check follows an upset only through the detection layer, which
// then never hears of the upset).
import type { Fleet } from "../fleet/fleet.js";
import type { FleetKind, FleetRef } from "../fleet/ref.js";
import type { FaultKindDecl, KindTable } from "./kind.js";

/** One correlated incident: as `FaultTrace.correlated` lists it. Plain data (JSON, structured clone). */
export interface IncidentKey {
  /** The kind's name, e.g. "power.busbar". */
  kind: string;
  /** The target's id as in `correlated[].target` ("fleet" for a burst). */
  target: string;
  /** Simulated seconds. */
  at: number;
}

/** How far apart an incident's time and a key's may be and still match, seconds. */
export const INCIDENT_AT_TOLERANCE_SEC = 1e-6;

/** The target of a fleet-wide incident (a cosmic burst). */
export const FLEET_TARGET = "fleet";

interface Resolved {
  key: IncidentKey;
  /** undefined: fleet-wide. */
  refKind: FleetKind | undefined;
  index: number;
  hit: boolean;
}

/**
 * A set of incident keys resolved against one fleet: matched by kind code, target ref and
 * time, with no id strings built on the way (emit is a hot path).
 */
export class IncidentExclusions {
  private readonly byCode: Resolved[][] = [];

  /** Checks every key (throws Error naming the bad one) and resolves its target. */
  constructor(keys: readonly IncidentKey[], fleet: Fleet, kinds: KindTable) {
    for (const key of keys) {
      const kind = checkIncidentKey(key, kinds);
      let refKind: FleetKind | undefined;
      let index = -1;
      if (key.target !== FLEET_TARGET) {
        const ref = fleet.resolve(key.target);
        if (!ref) throw new Error(`exclude: no such target "${key.target}" for ${key.kind} at ${key.at}s (closest: ${fleet.closestId(key.target)})`);
        refKind = ref.kind;
        index = ref.index;
      }
      (this.byCode[kind.code] ??= []).push({ key, refKind, index, hit: false });
    }
  }

  /** Whether an incident of `kind` on `ref` (undefined: fleet-wide) at `at` is excluded; `mark` counts it as found. */
  matches(kind: FaultKindDecl, ref: FleetRef | undefined, at: number, mark: boolean): boolean {
    const list = this.byCode[kind.code];
    if (list === undefined) return false;
    for (const r of list) {
      if (Math.abs(r.key.at - at) > INCIDENT_AT_TOLERANCE_SEC) continue;
      if (ref === undefined ? r.refKind !== undefined : r.refKind !== ref.kind || r.index !== ref.index) continue;
      if (mark) r.hit = true;
      return true;
    }
    return false;
  }

  /** The keys that have matched no incident so far (a typo, or an incident of another seed). */
  unmatched(): IncidentKey[] {
    return this.byCode.flatMap((list) => (list ?? []).filter((r) => !r.hit).map((r) => r.key));
  }
}

/** Checks `keys` against `fleet` as a run would (throws Error naming the first bad key). */
export function checkIncidentKeys(keys: readonly IncidentKey[], fleet: Fleet, kinds: KindTable): void {
  new IncidentExclusions(keys, fleet, kinds);
}

/**
 * The declaration of a key's kind; throws Error when the key is not plain data, names no
 * kind, or a kind that is not correlated (only correlated incidents can be excluded).
 */
export function checkIncidentKey(key: IncidentKey, kinds: KindTable): FaultKindDecl {
  const where = `exclude ${JSON.stringify(key)}`;
  if (typeof key !== "object" || key === null || typeof key.kind !== "string" || typeof key.target !== "string")
    throw new Error(`${where}: expected { kind, target, at }`);
  if (typeof key.at !== "number" || !Number.isFinite(key.at)) throw new Error(`${where}: at must be a finite number of seconds`);
  const kind = kinds.get(key.kind);
  const correlated = () => [...kinds.namesWhere((k) => k.correlated)].join(", ");
  if (!kind) throw new Error(`${where}: unknown fault kind "${key.kind}" (correlated kinds: ${correlated()})`);
  if (!kind.correlated) throw new Error(`${where}: ${kind.name} is not a correlated kind, so it cannot be excluded (correlated kinds: ${correlated()})`);
  return kind;
}
