// A log row's target id as the fleet knows it, and its parameters as its fault model
// accepts them.
//
// Ids: fleet numbers are zero-padded to the width of their level (`rack07`, or `rack007`
// in a fleet of 100+ racks: src/fleet/ids.ts), and a log's numbers rarely are. An id that
// does not resolve as written is accepted when the fleet's nearest id differs from it
// only in leading zeros (`rack7` -> `rack07`); anything else is an error naming the nearest
// real id. Results are cached by id (a log names each location many times).
//
// Parameters are checked with the model's own `incident.params` shape, exactly as a
// timeline file's row would be, and a disk, accelerator or DIMM index against the host's
// count of them, as the scenario loader checks a timeline (src/faults/timeline/targets.ts).
import { Document } from "yaml";
import { formatPath } from "../base/issues.js";
import { BAD, Ctx, object } from "../base/schema.js";
import type { ScheduledFault } from "../faults/timeline/entry.js";
import { modelOf } from "../faults/timeline/entry.js";
import { partProblem, targetProblem } from "../faults/timeline/targets.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";

/** Most entries a cache keeps before it starts over (bounded memory for any log). */
const CACHE_MAX = 100_000;

export type Resolved = { id: string; ref: FleetRef } | { error: string; hint?: string };

const unpadded = (id: string) => id.replace(/\d+/g, (d) => String(Number(d)));

export class TargetResolver {
  private readonly ids = new Map<string, Resolved>();
  private readonly params = new Map<string, { params: Record<string, unknown>; given: Record<string, unknown> } | { error: string }>();

  constructor(readonly fleet: Fleet) {}

  /** The fleet element `id` names, for a fault of `kind`. */
  resolve(id: string, kind: string): Resolved {
    const key = `${kind}\0${id}`;
    let r = this.ids.get(key);
    if (r === undefined) {
      r = this.resolveUncached(id, kind);
      if (this.ids.size >= CACHE_MAX) this.ids.clear();
      this.ids.set(key, r);
    }
    return r;
  }

  private resolveUncached(id: string, kind: string): Resolved {
    let canonical = id;
    if (!this.fleet.resolve(id)) {
      const nearest = this.fleet.closestId(id);
      if (unpadded(nearest) === unpadded(id)) canonical = nearest;
    }
    const problem = targetProblem(this.fleet, { kind, target: canonical } as ScheduledFault);
    if (problem) return { error: problem.message, hint: problem.hint };
    return { id: canonical, ref: this.fleet.resolve(canonical)! };
  }

  /**
   * `given` checked against the kind's incident parameters (defaults filled in), and a part
   * index against the host's parts. The same objects (params and given) come back for equal
   * input, so a million records share a few parameter objects.
   */
  checkParams(
    kind: string,
    given: Record<string, unknown>,
    ref: FleetRef,
  ): { params: Record<string, unknown>; given: Record<string, unknown> } | { error: string } {
    const key = `${kind}\0${JSON.stringify(given)}`;
    let r = this.params.get(key);
    if (r === undefined) {
      const v = validate(kind, given);
      r = "error" in v ? v : { params: v.params, given: Object.freeze(given) };
      if (this.params.size >= CACHE_MAX) this.params.clear();
      this.params.set(key, r);
    }
    if ("error" in r) return r;
    const part = partProblem(this.fleet, kind, ref, r.params);
    return part ? { error: `params.${part.message}` } : r;
  }
}

function validate(kind: string, given: Record<string, unknown>): { params: Record<string, unknown> } | { error: string } {
  const shape = modelOf(kind)!.incident!.params;
  const doc = new Document(given);
  const ctx = new Ctx(undefined);
  ctx.doc = doc;
  const v = object(shape)(doc.contents, ["params"], ctx);
  if (v === BAD || ctx.issues.length) {
    const i = ctx.issues[0];
    return { error: `${formatPath(i.path)}: ${i.message}${i.hint ? ` (${i.hint})` : ""}` };
  }
  return { params: Object.freeze(v as Record<string, unknown>) };
}
