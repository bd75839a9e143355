// The `faults:` section: a list whose entries are either a fault model with its rates
// (`- cosmic: { rate: ... }`), a scheduled incident (`- at: 30h, busbar: dc1/row07/busbar-a`)
// or an incident timeline file (`- timeline: incidents/2024-07-19.jsonl`).
import { isMap, isScalar } from "yaml";
import { BAD, type Validator, variant } from "../base/schema.js";
import type { FaultSpec } from "./injector.js";
import { FAULT_MODELS } from "./registry.js";
import { scheduledEntry } from "./timeline/entry.js";
import { timelineFile } from "./timeline/file.js";
import { checkTimelineTargets } from "./timeline/targets.js";

/** A model entry, `- cosmic: { ... }`, checked against the registry as it is now. */
const models: Validator<{ kind: string; value: unknown; node: unknown }> = (raw, path, ctx) =>
  variant(Object.fromEntries(Object.entries(FAULT_MODELS).map(([k, m]) => [k, m.schema])), "fault")(raw, path, ctx);

function hasKey(node: unknown, key: string): boolean {
  return isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === key);
}

export const faultEntry: Validator<FaultSpec> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const index = typeof path[path.length - 1] === "number" ? (path[path.length - 1] as number) : 0;
  if (hasKey(node, "at")) {
    const v = scheduledEntry(node, path, ctx);
    return v === BAD ? BAD : { kind: "scheduled", settings: [v], index };
  }
  if (hasKey(node, "timeline")) {
    const v = timelineFile(node, path, ctx);
    return v === BAD ? BAD : { kind: "scheduled", settings: v, index };
  }
  const v = models(node, path, ctx);
  return v === BAD ? BAD : { kind: v.kind, settings: v.value, index };
};

/** The faults section's checks against the whole scenario: scheduled targets exist and fit their kind. */
export const FAULT_CHECKS = [checkTimelineTargets] as const;
