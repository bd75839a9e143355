// Editing a scenario's text for a replay: replace one top-level section (`policies:` for a
// counterfactual, `faults:` for an imported incident) and keep everything else as it was.
// The result is new scenario text, validated afterwards by the ordinary loader, so an
// edited scenario is held to exactly the rules of a hand-written one.
import { isMap, parseDocument } from "yaml";

/** The scenario text with its top-level `key` set to `value` (added at the end if absent). */
export function withSection(text: string, key: "policies" | "faults", value: unknown, comment?: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`the scenario text is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (!isMap(doc.contents)) throw new Error("the scenario text is not a map");
  const node = doc.createNode(value);
  if (comment) node.commentBefore = comment;
  doc.set(key, node);
  return doc.toString({ lineWidth: 0 });
}

/** One policy's settings as written in the scenario (units still text), or undefined. */
export function policyAsWritten(text: string, name: string): unknown {
  const doc = parseDocument(text);
  const policies = doc.get("policies", true);
  if (!isMap(policies) || !policies.has(name)) return undefined;
  return (doc.toJS() as { policies: Record<string, unknown> }).policies[name];
}
