// Reading a small YAML file under the same safety rules as scenario files
// (src/scenario/load.ts): valid UTF-8, a bounded size, the YAML core schema only, no tags
// (nothing constructs objects), one document, a bounded number of aliases. Issues carry
// line and column.
import { readFileSync, statSync } from "node:fs";
import { type Document, isCollection, isScalar, LineCounter, parseAllDocuments, visit } from "yaml";
import type { Issue, Result } from "../base/issues.js";

/** Largest mapping file accepted, in bytes. */
export const MAX_YAML_BYTES = 1 << 20;

export interface YamlFile {
  doc: Document;
  lineCounter: LineCounter;
}

const problem = (message: string, hint?: string, line?: number, column?: number): Result<YamlFile> => ({
  ok: false,
  issues: [{ code: "invalid_value", path: [], message, ...(hint ? { hint } : {}), ...(line !== undefined ? { line, column } : {}) }],
});

/** `what` names the kind of file for messages ("a log mapping"). */
export function readYamlFile(path: string, what: string): Result<YamlFile> {
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return problem("is a folder, not a file");
    if (st.size > MAX_YAML_BYTES) return problem(`the file is ${st.size} bytes; ${what} may be at most ${MAX_YAML_BYTES} bytes`);
    text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code ? `cannot read the file (${code})` : "not UTF-8 text");
  }
  return parseYamlText(text, what);
}

export function parseYamlText(text: string, what: string): Result<YamlFile> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { schema: "core", customTags: [], lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (!Array.isArray(docs) || docs.length === 0) return problem("the file is empty", `expected ${what}`, 1, 1);
  if (docs.length > 1) {
    const p = at(docs[1].range[0]);
    return problem(`${what} is one YAML document; found a second one`, "remove the `---` separator", p.line, p.col);
  }
  const doc = docs[0];
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const p = at(err.pos[0]);
    const message = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    issues.push({ code: "yaml_syntax", path: [], line: p.line, column: p.col, message: `not valid YAML: ${message}` });
  }
  visit(doc, (_key, node) => {
    if ((isScalar(node) || isCollection(node)) && node.tag && node.range) {
      const p = at(node.range[0]);
      const tag = node.tag.replace("tag:yaml.org,2002:", "!!");
      issues.push({ code: "yaml_tag", path: [], line: p.line, column: p.col, message: `YAML tag ${tag} is not allowed`, hint: "plain YAML: no tags" });
    }
  });
  if (issues.length) return { ok: false, issues };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return problem("the file is empty", `expected ${what}`, 1, 1);
  return { ok: true, value: { doc, lineCounter } };
}
