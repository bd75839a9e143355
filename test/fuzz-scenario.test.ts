// Scenario fuzzing: valid scenarios mutated at random (wrong types, missing and extra
// keys, huge, negative and non-finite numbers, empty lists, bad units, unknown ids, deep
// nesting, alias bombs, tags, junk bytes, invalid UTF-8, truncation) must never crash or
// hang the loader: each comes back valid, or as issues that say where (line and column,
// or a path) and what. The CLI on the same files exits 0 or 2, never with a stack trace.
//
// `npm test` runs a short pass; `npm run fuzz` sets FUZZ_RUNS for a long one.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadScenarioFile, loadScenarioText } from "../src/scenario/load.js";
import { formatIssues, type Issue } from "../src/base/issues.js";
import { fleet, tempDir } from "./helpers.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

const SOURCES = ["scenarios/cosmic.yaml", "scenarios/llm-training.yaml", "scenarios/ecc-compare.yaml", "test/fixtures/small.yaml"];
const texts = SOURCES.map((f) => readFileSync(f, "utf8"));
const trees = texts.map((t) => parse(t) as unknown);

/** Issues that belong to the whole file rather than to a place in it. */
const WHOLE_FILE = new Set(["too_large", "empty"]);

function checkIssues(file: string, issues: Issue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(typeof i.message).toBe("string");
    expect(i.message.length).toBeGreaterThan(0);
    const located = i.line !== undefined || i.path.length > 0 || WHOLE_FILE.has(i.code);
    if (!located) throw new Error(`an issue says neither where nor why: ${JSON.stringify(i)}`);
  }
  const text = formatIssues(file, issues);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
  for (const line of text.split("\n").filter((l) => l && !l.startsWith(" "))) expect(line).toContain(file);
}

function loadChecked(text: string): void {
  let r: ReturnType<typeof loadScenarioText>;
  try {
    r = loadScenarioText(text, "fuzz.yaml");
  } catch (e) {
    throw new Error(`the loader threw on:\n${text.slice(0, 2000)}\n${(e as Error).stack}`);
  }
  if (!r.ok) checkIssues("fuzz.yaml", r.issues);
}

// ---- mutations of the parsed tree -----------------------------------------------------

type Path = (string | number)[];

function paths(node: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(node)) node.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, op: "set" | "delete" | "extra"): unknown {
  if (path.length === 0) return op === "set" ? value : root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (op === "set") node[last] = value;
  else if (op === "delete") {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else if (node[last] && typeof node[last] === "object" && !Array.isArray(node[last])) {
    (node[last] as Record<string, unknown>)[`${String(last)}Typo`] = value;
  }
  return copy;
}

const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, -1e308, 1e308, 2 ** 53 + 1, 0.5, -0.0, 1e-320),
  fc.constantFrom(
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "1e999",
    "-5h",
    "5 parsecs",
    "3y",
    "999999999999d",
    "200%",
    "-2%",
    "0 FIT/Mbit",
    "12 kg",
    "",
    " ",
    "dc9/row99/busbar-z",
    "dc1/row01",
    "young",
    "off",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 60 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { x: v };
    return v;
  }),
);

const treeMutation = fc
  .record({
    source: fc.nat(trees.length - 1),
    pick: fc.nat(),
    op: fc.constantFrom("set", "set", "set", "delete", "extra") as fc.Arbitrary<"set" | "delete" | "extra">,
    value: junkValue,
    more: fc.array(fc.record({ pick: fc.nat(), value: junkValue }), { maxLength: 3 }),
  })
  .map(({ source, pick, op, value, more }) => {
    let tree = trees[source];
    const all = paths(tree);
    tree = setAt(tree, all[pick % all.length], value, op);
    for (const m of more) {
      const ps = paths(tree);
      tree = setAt(tree, ps[m.pick % ps.length], m.value, "set");
    }
    return stringify(tree);
  });

// ---- mutations of the text ------------------------------------------------------------

const textMutation = fc
  .record({
    source: fc.nat(texts.length - 1),
    at: fc.nat(),
    kind: fc.constantFrom("truncate", "insert", "flip", "tag", "alias-bomb", "indent", "dup-key", "second-doc"),
    junk: fc.string({ maxLength: 8 }),
    bit: fc.nat(7),
  })
  .map(({ source, at, kind, junk, bit }) => {
    const t = texts[source];
    const i = at % (t.length + 1);
    switch (kind) {
      case "truncate":
        return t.slice(0, i);
      case "insert":
        return t.slice(0, i) + junk + t.slice(i);
      case "flip": {
        const c = t.charCodeAt(Math.min(i, t.length - 1));
        return t.slice(0, i) + String.fromCharCode(c ^ (1 << bit)) + t.slice(i + 1);
      }
      case "tag":
        return t.replace(/^seed: (\d+)/m, `seed: !!js/function "function () { return $1 }"`);
      case "alias-bomb":
        return `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n${t}`;
      case "indent":
        return t
          .split("\n")
          .map((l, n) => (n === at % 40 ? `   ${l}` : l))
          .join("\n");
      case "dup-key":
        return `${t}\nname: again\n`;
      case "second-doc":
        return `${t}\n---\nname: other\n`;
    }
    return t;
  });

describe(`scenario fuzzing (${RUNS} cases per property, seed ${SEED})`, () => {
  it("the unmutated sources load", () => {
    for (const t of texts) expect(loadScenarioText(t, "x.yaml").ok).toBe(true);
  });

  it("mutated trees: valid, or issues that say where and what", () => {
    fc.assert(
      fc.property(treeMutation, (text) => loadChecked(text)),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("mutated text: valid, or issues that say where and what", () => {
    fc.assert(
      fc.property(textMutation, (text) => loadChecked(text)),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it("random bytes and invalid UTF-8 in a file: an error at a place, never a crash", () => {
    const dir = tempDir("fleet-fuzz-");
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(texts[3].length), (bytes, at) => {
        const head = Buffer.from(texts[3].slice(0, at), "utf8");
        const file = join(dir, "junk.yaml");
        writeFileSync(file, Buffer.concat([head, Buffer.from(bytes)]));
        const r = loadScenarioFile(file);
        if (!r.ok) checkIssues(file, r.issues);
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  it("the CLI exits 0 or 2 on mutated files, with no stack trace", async () => {
    const dir = tempDir("fleet-fuzz-cli-");
    const cases = fc.sample(fc.oneof(treeMutation, textMutation), { numRuns: Math.max(20, Math.floor(RUNS / 5)), seed: SEED + 3 });
    for (const [n, text] of cases.entries()) {
      const file = join(dir, `case-${n}.yaml`);
      writeFileSync(file, text);
      const r = await fleet(["validate", file]);
      if (r.code !== 0 && r.code !== 2) throw new Error(`exit ${r.code} on ${file}:\n${r.err}`);
      expect(r.err).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
      if (r.code === 2) expect(r.err).toContain(file);
    }
  });
});
