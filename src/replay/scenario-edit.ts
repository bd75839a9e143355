// Editing a scenario's text for a replay: replace one top-level section (`policies:` for a
// counterfactual, `faults:` for an imported incident) and keep everything else as it was.
// The result is new scenario text, validated afterwards by the ordinary loader, so an
// edited scenario is held to exactly the rules of a hand-written one.
//
// An alias elsewhere in the text may point at an anchor inside the replaced section
// (`repair: &r 6h` under faults, `checkpoint: *r` under policies): it is replaced by the
// value it stood for before the section goes, so the edited text means what it meant.
import { type Document, isAlias, isMap, isNode, parseDocument, visit, type Node } from "yaml";
import { plainValue } from "./plain.js";

/** The scenario text with its top-level `key` set to `value` (added at the end if absent). */
export function withSection(text: string, key: "policies" | "faults", value: unknown, comment?: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`the scenario text is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (!isMap(doc.contents)) throw new Error("the scenario text is not a map");
  const section = doc.contents.get(key, true);
  if (isNode(section)) expandAliasesInto(doc, section);
  const node = doc.createNode(value);
  if (comment) node.commentBefore = comment;
  doc.set(key, node);
  return doc.toString({ lineWidth: 0 });
}

/** Replaces every alias outside `section` whose anchor lies inside it by the value it stands for. */
function expandAliasesInto(doc: Document, section: Node): void {
  // An alias refers to the last anchor of its name before it, in document order: the order visit() goes.
  const anchors = new Map<string, { node: Node; inside: boolean }>();
  visit(doc, {
    Node(_key, node, path) {
      const inside = node === section || path.includes(section);
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (inside || !target?.inside) return undefined;
        const plain = plainValue(doc, target.node);
        if (!plain.ok) throw new Error(`alias *${node.source}: ${plain.message}`);
        return doc.createNode(plain.value);
      }
      if (node.anchor) anchors.set(node.anchor, { node, inside });
      return undefined;
    },
  });
}

/** One policy's settings as written in the scenario (units still text), or undefined. */
export function policyAsWritten(text: string, name: string): unknown {
  const doc = parseDocument(text);
  const plain = plainValue(doc);
  if (!plain.ok) throw new Error(`the scenario's policies: ${plain.message}`);
  const policies = (plain.value as { policies?: unknown } | null)?.policies;
  if (policies === null || typeof policies !== "object" || !Object.hasOwn(policies, name)) return undefined;
  return (policies as Record<string, unknown>)[name];
}

/** The scenario's text without the `faults:` entries at `drop` (all of them when "all"). */
export function withoutFaults(text: string, drop: readonly number[] | "all"): string {
  const doc = parseDocument(text);
  if (drop === "all") doc.setIn(["faults"], doc.createNode([]));
  else for (const i of [...drop].sort((a, b) => b - a)) doc.deleteIn(["faults", i]);
  return String(doc);
}
