// Reading a small YAML file under the same safety rules as scenario files
// (src/scenario/load.ts): valid UTF-8, a bounded size, the YAML core schema only, no tags
// (nothing constructs objects), one document, bounded nesting (src/base/yaml.ts), a
// bounded number of aliases. Issues carry line and column.
import { type Document, isCollection, isScalar, LineCounter, visit } from "yaml";
import type { Issue, Result } from "../base/issues.js";
import { readUserText } from "../base/user-file.js";
import { parseYamlDocuments, tooDeepIssue } from "../base/yaml.js";

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
  const read = readUserText(path, MAX_YAML_BYTES, what);
  return read.ok ? parseYamlText(read.text, what) : problem(read.error.message);
}

export function parseYamlText(text: string, what: string): Result<YamlFile> {
  const lineCounter = new LineCounter();
  const parsed = parseYamlDocuments(text, lineCounter);
  const at = (offset: number) => lineCounter.linePos(offset);
  if (!parsed.ok) return { ok: false, issues: [tooDeepIssue(lineCounter, parsed.tooDeepAt, `is this ${what}?`)] };
  const docs = parsed.docs;
  if (docs.length === 0) return problem("the file is empty", `expected ${what}`, 1, 1);
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
