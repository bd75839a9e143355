// YAML text to documents with the options every fleet file is read with: the core schema
// only, no custom tags, unique keys, strict. Nesting is bounded before the documents are
// built: the yaml library builds nested lists and maps by recursion, and a few hundred
// levels of `[[[[...` exhaust the stack (one "Maximum call stack size exceeded" error, and
// one more for every open bracket). The parser's syntax tree is built without recursion,
// so its depth is measured first, and a file nested deeper than MAX_YAML_DEPTH gets one
// error at the place it passes that depth.
import { Composer, type CST, type Document, type LineCounter, Parser } from "yaml";
import type { Issue } from "./issues.js";

/** Lists and maps inside each other, at most (a scenario needs fewer than ten). */
export const MAX_YAML_DEPTH = 100;

export type ParsedYaml = { ok: true; docs: Document.Parsed[] } | { ok: false; tooDeepAt: number };

/** The documents of `text`, or the offset where its nesting passes MAX_YAML_DEPTH. */
export function parseYamlDocuments(text: string, lineCounter: LineCounter): ParsedYaml {
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  for (const token of tokens) {
    const at = tooDeep(token);
    if (at !== undefined) return { ok: false, tooDeepAt: at };
  }
  const composer = new Composer({ schema: "core", customTags: [], uniqueKeys: true, strict: true, prettyErrors: false });
  return { ok: true, docs: Array.from(composer.compose(tokens)) };
}

/** The offset of the first collection nested deeper than MAX_YAML_DEPTH in `root`, if any. */
function tooDeep(root: CST.Token): number | undefined {
  const stack: [CST.Token, number][] = [[root, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [token, depth] = top;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > MAX_YAML_DEPTH) return token.offset;
      for (const item of token.items) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The one issue of a file nested too deep, at the line and column where it passes the depth. */
export function tooDeepIssue(lineCounter: LineCounter, offset: number, hint: string): Issue {
  const p = lineCounter.linePos(offset);
  return { code: "yaml_syntax", path: [], line: p.line, column: p.col, message: `lists and maps nested more than ${MAX_YAML_DEPTH} levels deep`, hint };
}
