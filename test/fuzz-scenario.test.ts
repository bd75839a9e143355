// Scenario fuzzing: valid scenarios mutated at random (wrong types, missing and extra
// keys, huge, negative and non-finite numbers, empty lists, bad units, unknown ids, deep
// nesting, alias bombs, tags, junk bytes, invalid UTF-8, truncation) must never crash or
// hang the loader: each comes back valid, or as issues that say where (line and column,
// or a path) and what, printed in at most MAX_SHOWN_ISSUES lines and a count. The CLI on
// the same files: `validate` exits 0 or 2, and every mutant it accepts also runs, `chaos
// --duration 2h`, which exits 0, 1 or 2 (a limit), never 3, never with a stack trace.
// Chaos runs are capped at 20,000 hosts and 100,000 events (the sources run at most 5,207
// in 2h) so that no mutant runs long: a mutant can ask for billions of events, and events
// that stop advancing simulated time run a thousand times slower than others.
//
// `npm test` runs a short pass (150 cases per property); `npm run fuzz` sets FUZZ_RUNS for
// a long one and prints the counts, the slowest case and the peak memory.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadScenarioFile, loadScenarioText } from "../src/scenario/load.js";
import { formatIssues, type Issue, MAX_SHOWN_ISSUES } from "../src/base/issues.js";
import { fleet, tempDir } from "./helpers.js";
import { expectClean, FuzzTally } from "./fuzz.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
/** The loader's properties take about a millisecond a case, several on a loaded machine. */
const LOADER_TIMEOUT_MS = Math.max(60_000, RUNS * 20);

const SOURCES = ["scenarios/cosmic.yaml", "scenarios/llm-training.yaml", "scenarios/ecc-compare.yaml", "test/fixtures/small.yaml", "test/fixtures/replay.yaml"];
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
  expect(text).not.toMatch(/Maximum call stack/);
  expect(text.split("\n").length).toBeLessThanOrEqual(MAX_SHOWN_ISSUES + 2);
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

/**
 * A value near `old` that keeps its type and unit, so the scenario often stays valid and
 * runs: a number scaled or set to 0 or 1, a quantity's number scaled ("4h" -> "40h",
 * "2%" -> "0%"), a boolean flipped, a list item dropped or repeated, a map's key dropped.
 */
function nearby(old: unknown, how: number): unknown {
  const factor = [0, 1, 0.1, 10, 1000, 0.5][how % 6];
  if (typeof old === "number") return Number.isInteger(old) ? Math.round(old * factor) : old * factor;
  if (typeof old === "boolean") return !old;
  if (typeof old === "string") {
    const m = /^(\d+(?:\.\d+)?)(.*)$/.exec(old);
    return m ? `${Number(m[1]) * factor}${m[2]}` : old;
  }
  if (Array.isArray(old)) {
    if (old.length === 0) return old;
    const i = how % old.length;
    return how % 2 ? [...old.slice(0, i), ...old.slice(i + 1)] : [...old, old[i]];
  }
  if (old && typeof old === "object") {
    const keys = Object.keys(old);
    if (keys.length === 0) return old;
    const copy = { ...(old as Record<string, unknown>) };
    delete copy[keys[how % keys.length]];
    return copy;
  }
  return old;
}

/** Mutations that keep the file's shape: many stay valid, and those run through `chaos`. */
const nearbyMutation = fc
  .record({ source: fc.nat(trees.length - 1), edits: fc.array(fc.record({ pick: fc.nat(), how: fc.nat() }), { minLength: 1, maxLength: 4 }) })
  .map(({ source, edits }) => {
    let tree = trees[source];
    for (const { pick, how } of edits) {
      const ps = paths(tree).slice(1);
      const path = ps[pick % ps.length];
      let old: unknown = tree;
      for (const p of path) old = (old as Record<string | number, unknown>)[p];
      tree = setAt(tree, path, nearby(old, how), "set");
    }
    return stringify(tree);
  });

// ---- mutations of the text ------------------------------------------------------------

const textMutation = fc
  .record({
    source: fc.nat(texts.length - 1),
    at: fc.nat(),
    kind: fc.constantFrom("truncate", "insert", "flip", "tag", "alias-bomb", "alias-overrun", "deep", "indent", "dup-key", "second-doc"),
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
      case "alias-overrun":
        return `x: &x { host: {} }\n${t.replace(/^faults:\n/m, `faults:\n${"  - *x\n".repeat(1000 + (at % 200))}`)}`;
      case "deep": {
        const depth = 100 + (at % 2000);
        return `${t.slice(0, i)}${"[{".repeat(depth >> 1)}${t.slice(i)}`;
      }
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

  it(
    "mutated trees: valid, or issues that say where and what",
    () => {
      fc.assert(
        fc.property(treeMutation, (text) => loadChecked(text)),
        { numRuns: RUNS, seed: SEED },
      );
    },
    LOADER_TIMEOUT_MS,
  );

  it(
    "mutated values nearby: valid, or issues that say where and what",
    () => {
      fc.assert(
        fc.property(nearbyMutation, (text) => loadChecked(text)),
        { numRuns: RUNS, seed: SEED + 4 },
      );
    },
    LOADER_TIMEOUT_MS,
  );

  it(
    "mutated text: valid, or issues that say where and what",
    () => {
      fc.assert(
        fc.property(textMutation, (text) => loadChecked(text)),
        { numRuns: RUNS, seed: SEED + 1 },
      );
    },
    LOADER_TIMEOUT_MS,
  );

  it(
    "random bytes and invalid UTF-8 in a file: an error at a place, never a crash",
    () => {
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
    },
    LOADER_TIMEOUT_MS,
  );

  it(
    "the CLI on mutated files: validate exits 0 or 2; what it accepts, chaos --duration 2h runs, exit 0, 1 or 2",
    async () => {
      const file = join(tempDir("fleet-fuzz-cli-"), "case.yaml");
      const tally = new FuzzTally("mutated scenario files");
      const chaosCase = fc.tuple(fc.oneof(treeMutation, textMutation, nearbyMutation), fc.constantFrom("text", "json"));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(chaosCase, ([text, reporter]) =>
          tally.time(
            `case ${++n}, --reporter ${reporter}`,
            async () => {
              writeFileSync(file, text);
              const validate = ["validate", file];
              const v = await fleet(validate);
              expectClean(validate, v, [0, 2]);
              tally.exit("validate", v.code);
              if (v.code === 2) expect(v.err).toContain(file);
              if (v.code !== 0) return;
              const chaos = ["chaos", file, "--duration", "2h", "--no-journal", "--max-hosts", "20000", "--max-events", "100000", "--reporter", reporter];
              const c = await fleet(chaos);
              expectClean(chaos, c, [0, 1, 2]);
              tally.exit("chaos", c.code);
              if (reporter === "json" && c.out) JSON.parse(c.out);
            },
            file,
          ),
        ),
        { numRuns: RUNS, seed: SEED + 3 },
      );
      console.log(tally.summary());
    },
    RUNS * 5_000,
  );
});
