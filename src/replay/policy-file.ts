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
// same safety rules as scenario files: YAML core schema, no tags, one document, bounded
// size and aliases.
import { readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { isCollection, isMap, isScalar, LineCounter, parseAllDocuments, visit, type Pair } from "yaml";
import { policy, policySection } from "../recovery/policy.js";
import type { Issue } from "../base/issues.js";
import { BAD, Ctx } from "../base/schema.js";

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
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return fail("is a folder, not a policy file");
    if (st.size > MAX_POLICY_BYTES) return fail(`the file is ${st.size} bytes; a policy file may be at most ${MAX_POLICY_BYTES} bytes`);
    text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code ? `cannot read the file (${code})` : "not UTF-8 text");
  }
  return parsePolicyText(text, policyNameOf(path));
}

/** Checks a policy file's text; `name` names a one-policy file's policy. */
export function parsePolicyText(text: string, name: string): PolicyFileResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { schema: "core", customTags: [], lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const where = (offset: number) => lineCounter.linePos(offset);
  if (!Array.isArray(docs) || docs.length === 0)
    return fail("the file is empty", "a policy file holds one policy's settings, or policies: { name: {...} }", 1, 1);
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

  const ctx = new Ctx(lineCounter);
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
    return { ok: true, policies: (doc.toJS() as { policies: Record<string, unknown> }).policies, form: "map" };
  }
  const v = policy(root, [], ctx);
  if (v === BAD || ctx.issues.length) return { ok: false, issues: ctx.issues };
  return { ok: true, policies: { [name]: doc.toJS() as unknown }, form: "single" };
}
