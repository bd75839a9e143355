// YAML as plain values (maps, lists, strings, numbers) for the replay's edits of scenario
// and policy text. Aliases are expanded within fleet's own alias budget (MAX_ALIASES, the
// scenario loader's), not the yaml library's default of 100, so text the loader accepted
// is not refused here; past the budget the answer is a message, never a throw.
import type { Document, Node } from "yaml";
import { MAX_ALIASES } from "../scenario/load.js";

export type Plain = { ok: true; value: unknown } | { ok: false; message: string };

/** `node` (by default the whole document) as a plain value, its aliases expanded. */
export function plainValue(doc: Document, node: Node | null = doc.contents as Node | null): Plain {
  try {
    return { ok: true, value: node === null ? null : node.toJS(doc, { maxAliasCount: MAX_ALIASES }) };
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const tooMany = /excessive alias count/i.test(e.message);
    return { ok: false, message: tooMany ? `too many alias expansions: at most ${MAX_ALIASES.toLocaleString("en-US")} are allowed` : e.message };
  }
}
