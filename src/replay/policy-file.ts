// A counterfactual policy from a file, for `fleet replay JOURNAL --policy FILE`. The file
// holds either one policy's settings (named after the file: strict.yaml -> "strict")
//
//   checkpoint: 30m
//   detect: [gradientChecksum]
//
// or a `policies:` map of several, exactly as in a scenario:
//
//   policies:
//     strict: { checkpoint: 30m, detect: [gradientChecksum] }
//
// Either way it is checked with the scenario's own policy schema (src/recovery/policy.ts),
// so an error reads as it would in a scenario: file:line:column, the path, a hint. The
// same safety rules as scenario files: a regular file (src/base/user-file.ts), YAML core
// schema, no tags, one document, bounded size, nesting (src/base/yaml.ts) and aliases.
import { basename, extname } from "node:path";
import { isCollection, isMap, isScalar, LineCounter, visit, type Pair } from "yaml";
import { policy, policySection } from "../recovery/policy.js";
import type { Issue } from "../base/issues.js";
import { BAD, Ctx } from "../base/schema.js";
import { readUserText } from "../base/user-file.js";
import { parseYamlDocuments, tooDeepIssue } from "../base/yaml.js";
import { MAX_ALIASES } from "../scenario/load.js";
import { plainValue } from "./plain.js";

/** Largest policy file accepted, in bytes. */
export const MAX_POLICY_BYTES = 1 << 20;

export type PolicyFileResult =
  | {
      ok: true;
      /** Policy name -> settings as written (plain YAML values, units still text), in file order. */
      policies: Record<string, unknown>;
      /** "single": the file held one policy's settings; "map": a `policies:` map. */
      form: "single" | "map";
    }
  | { ok: false; issues: Issue[] };

const fail = (message: string, hint?: string, line?: number, column?: number): PolicyFileResult => ({
  ok: false,
  issues: [{ code: "invalid_value", path: [], message, ...(hint ? { hint } : {}), ...(line !== undefined ? { line, column } : {}) }],
});

/** The name a one-policy file gives its policy: its base name, made a valid policy name. */
export function policyNameOf(path: string): string {
  const name = basename(path, extname(path)).replace(/[^A-Za-z0-9_-]/g, "-");
  return name || "counterfactual";
}

export function loadPolicyFile(path: string): PolicyFileResult {
  const read = readUserText(path, MAX_POLICY_BYTES, "a policy file");
  return read.ok ? parsePolicyText(read.text, policyNameOf(path)) : fail(read.error.message);
}

/** Checks a policy file's text; `name` names a one-policy file's policy. */
export function parsePolicyText(text: string, name: string): PolicyFileResult {
  const lineCounter = new LineCounter();
  const parsed = parseYamlDocuments(text, lineCounter);
  const where = (offset: number) => lineCounter.linePos(offset);
  if (!parsed.ok) return { ok: false, issues: [tooDeepIssue(lineCounter, parsed.tooDeepAt, "a policy needs a few levels; is this a policy file?")] };
  const docs = parsed.docs;
  if (docs.length === 0) return fail("the file is empty", "a policy file holds one policy's settings, or policies: { name: {...} }", 1, 1);
  if (docs.length > 1) {
    const p = where(docs[1].range[0]);
    return fail("a policy file holds one YAML document; found a second one", "remove the `---` separator", p.line, p.col);
  }
  const doc = docs[0];
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const p = where(err.pos[0]);
    issues.push({
      code: "yaml_syntax",
      path: [],
      line: p.line,
      column: p.col,
      message: `not valid YAML: ${err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
    });
  }
  visit(doc, (_key, node) => {
    if ((isScalar(node) || isCollection(node)) && node.tag && node.range) {
      const p = where(node.range[0]);
      issues.push({
        code: "yaml_tag",
        path: [],
        line: p.line,
        column: p.col,
        message: `YAML tag ${node.tag.replace("tag:yaml.org,2002:", "!!")} is not allowed`,
        hint: "policy files use plain YAML: no tags",
      });
    }
  });
  if (issues.length) return { ok: false, issues };
  const root = doc.contents;
  if (!isMap(root)) {
    const p = root?.range ? where(root.range[0]) : { line: 1, col: 1 };
    return fail("expected a map: one policy's settings (checkpoint: 30m, ...) or policies: { name: {...} }", undefined, p.line, p.col);
  }

  const ctx = new Ctx(lineCounter, MAX_ALIASES);
  ctx.doc = doc;
  const keys = (root.items as Pair[]).map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
  if (keys.includes("policies")) {
    const other = (root.items as Pair[]).find((p) => !isScalar(p.key) || String(p.key.value) !== "policies");
    if (other) {
      const key = isScalar(other.key) ? String(other.key.value) : "?";
      ctx.report(
        "unknown_key",
        [key],
        other.key,
        `unknown key "${key}" beside policies`,
        "a policy file holds either one policy's settings or only policies: { name: {...} }",
      );
      return { ok: false, issues: ctx.issues };
    }
    const pair = (root.items as Pair[])[0];
    const v = policySection(pair.value ?? null, ["policies"], ctx);
    if (v === BAD || ctx.issues.length) return { ok: false, issues: ctx.issues };
    const plain = plainValue(doc);
    if (!plain.ok) return fail(plain.message, ALIAS_HINT);
    return { ok: true, policies: (plain.value as { policies: Record<string, unknown> }).policies, form: "map" };
  }
  const v = policy(root, [], ctx);
  if (v === BAD || ctx.issues.length) return { ok: false, issues: ctx.issues };
  const plain = plainValue(doc);
  if (!plain.ok) return fail(plain.message, ALIAS_HINT);
  return { ok: true, policies: { [name]: plain.value }, form: "single" };
}

const ALIAS_HINT = `a policy file may expand at most ${MAX_ALIASES} aliases`;
