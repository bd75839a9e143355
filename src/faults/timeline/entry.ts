// Incident timelines: faults that happen at a stated time on a stated target, to replay a
// real incident or to script a test ("bus bar a of row 7 fails at 30h for 8h").
//
// In a scenario, one entry per fault: `at`, exactly one fault-kind key whose value is the
// target id, and optional parameters of that kind (each model's `incident.params`, with
// their defaults):
//
//   faults:
//     - at: 30h
//       busbar: dc1/row07/busbar-a
//       repair: 8h
//     - { at: 3h, straggler: dc1/row01/rack02/host03, slowdown: 10x, duration: 1h }
//     - { at: 20h, pdu: dc1/pdu03, warning: 10m }    # power.warning at 19h50m (./warning.ts)
//     - timeline: incidents/2024-07-19.jsonl
//
// A `timeline:` entry names a file, relative to the scenario file's folder, in one of two
// formats (chosen by the extension). Blank lines and lines starting with `#` are skipped
// in both; errors name the file and its line.
//
//   .jsonl  one JSON object per line, with `at` (a duration text like "30h", or seconds as
//           a number), `kind`, `target`, and the parameters of that kind as further keys:
//             {"at":"30h","kind":"busbar","target":"dc1/row07/busbar-a","repair":"8h"}
//   .csv    a header line `at,kind,target` followed by any parameter names, then one row
//           per fault; an empty cell leaves that parameter at its default. Cells are plain
//           text split on commas (a cell may be "double-quoted" to hold a comma; "" is a
//           quote); a cell that reads as a number or true/false is taken as one:
//             at,kind,target,repair
//             30h,busbar,dc1/row07/busbar-a,8h
//
// Validation happens in two steps: the entry's shape, time, kind and parameters while the
// scenario is parsed (`scheduledEntry` here, `timelineFile` in ./file.ts), and the targets
// once the fleet exists (`checkTimelineTargets` in ./targets.ts, a check the faults
// section declares): an unknown
// id is an error naming the closest real one, and so is an id of the wrong kind (a rack
// id for a bus bar fault). A time past the scenario's duration is allowed (`--duration`
// may reach it); such faults simply do not happen in shorter runs.
//
// The injector (./injector.ts) fires each entry at its exact time through its model's
// `incident.fire`, in time order, entries at the same time in the order they were written.
import { isMap, isScalar, type Pair, YAMLMap } from "yaml";
import { didYouMean, type PathPart, quote } from "../../base/issues.js";
import { BAD, type Bad, type Ctx, describeNode, duration, object, type Shape, string, type Validator } from "../../base/schema.js";
import type { FaultModel } from "../injector.js";
import { FAULT_MODELS } from "../registry.js";

/** One fault to fire at a stated time on a stated target. */
export interface ScheduledFault {
  atSec: number;
  /** The fault model's key, e.g. "busbar". */
  kind: string;
  /** The target's id, e.g. "dc1/row07/busbar-a" (checked against the fleet by the loader). */
  target: string;
  /** The model's incident parameters, validated, with defaults filled in. */
  params: Record<string, unknown>;
  /** Where it was written: the `faults:` entry's path, and file and line for timeline files. */
  origin: { path: PathPart[]; file?: string; line?: number };
}

export function schedulableKinds(): string[] {
  return Object.values(FAULT_MODELS)
    .filter((m) => m.incident)
    .map((m) => m.kind);
}

export function modelOf(kind: string): FaultModel<unknown> | undefined {
  return Object.hasOwn(FAULT_MODELS, kind) ? FAULT_MODELS[kind] : undefined;
}

const targetText = string({ what: "a target id like dc1/row07/busbar-a" });

/** `- at: 30h, busbar: dc1/row07/busbar-a, repair: 8h` */
export const scheduledEntry: Validator<ScheduledFault> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const kinds = schedulableKinds();
  if (!isMap(node)) {
    return ctx.report("invalid_type", path, node ?? raw, `expected a scheduled fault: a map with at, a fault kind and its target, found ${describeNode(node)}`);
  }
  let atNode: unknown;
  const kindPairs: Pair[] = [];
  const paramPairs: Pair[] = [];
  for (const pair of node.items as Pair[]) {
    const keyNode = ctx.resolve(pair.key, path, ctx.doc);
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === "at") atNode = pair.value ?? null;
    else if (key !== undefined && modelOf(key)) kindPairs.push(pair);
    else paramPairs.push(pair);
  }
  if (kindPairs.length === 0) {
    const typo = paramPairs.map((p) => keyOf(p)).find((k) => k !== undefined && didYouMean(k, kinds));
    if (typo !== undefined) {
      const pair = paramPairs.find((p) => keyOf(p) === typo)!;
      return ctx.report("unknown_key", [...path, typo], pair.key, `unknown fault kind "${typo}"`, `did you mean "${didYouMean(typo, kinds)}"?`);
    }
    return ctx.report(
      "missing_key",
      path,
      node,
      "a scheduled fault needs a fault kind and its target, e.g. busbar: dc1/row07/busbar-a",
      `kinds that can be scheduled: ${kinds.join(", ")}`,
    );
  }
  if (kindPairs.length > 1) {
    const names = kindPairs.map(keyOf).join(" and ");
    return ctx.report(
      "invalid_value",
      [...path, keyOf(kindPairs[1])!],
      kindPairs[1].key,
      `one scheduled fault names one fault kind; found ${names}`,
      "write one `- at:` entry per fault",
    );
  }
  const kind = keyOf(kindPairs[0])!;
  const model = modelOf(kind)!;
  if (!model.incident) {
    return ctx.report(
      "invalid_value",
      [...path, kind],
      kindPairs[0].key,
      `"${kind}" faults cannot be scheduled on a target`,
      `kinds that can be scheduled: ${kinds.join(", ")}`,
    );
  }
  const atSec = duration()(atNode, [...path, "at"], ctx);
  const target = targetText(kindPairs[0].value ?? null, [...path, kind], ctx);
  const params = incidentParams(kind, model.incident.params, paramPairs, node, path, ctx);
  if (atSec === BAD || target === BAD || params === BAD) return BAD;
  return { atSec, kind, target, params, origin: { path: [...path] } };
};

export function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Validates the parameter keys of a scheduled fault against its model's `incident.params`. */
function incidentParams(kind: string, shape: Shape, pairs: Pair[], node: YAMLMap, path: PathPart[], ctx: Ctx): Record<string, unknown> | Bad {
  const names = Object.keys(shape);
  const known = new YAMLMap();
  known.range = node.range;
  let ok = true;
  for (const pair of pairs) {
    const key = keyOf(pair);
    if (key !== undefined && Object.hasOwn(shape, key)) {
      known.items.push(pair);
      continue;
    }
    ok = false;
    const guess = key === undefined ? undefined : didYouMean(key, names);
    const hint = guess ? `did you mean "${guess}"?` : names.length ? `${kind} takes ${names.join(", ")}` : `${kind} takes no parameters`;
    ctx.report("unknown_key", [...path, key ?? "?"], pair.key, key === undefined ? "expected a plain key" : `unknown key ${quote(key)}`, hint);
  }
  const v = object(shape)(known, path, ctx);
  return ok && v !== BAD ? (v as Record<string, unknown>) : BAD;
}
