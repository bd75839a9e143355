// docs/SCENARIOS.md, the guide to writing scenarios, checked against fleet itself. Its
// examples are marked on their first line (the doc states the convention at its top):
//   # scenario: NAME    a whole scenario: `fleet validate` passes and `fleet chaos
//                       --duration 1h` exits 0 or 1 (never 2, bad input, or 3)
//   # fragment: SECTION a part of one section (faults, workloads, policies, slo, fleet),
//                       put into the guide's own `base` scenario and checked the same way
//   # file: PATH        a file the examples name (an incident timeline), written first
// Every yaml block is marked, every line of every example fits 80 columns, and every
// key the validators accept (as their own "unknown key" errors list them) is named in
// the section of the guide that documents it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { FAULT_MODELS } from "../src/faults/registry.js";
import { policyFields } from "../src/recovery/policy.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { WORKLOADS } from "../src/workloads/registry.js";
import { fleet, tempDir } from "./helpers.js";

const DOC_PATH = "docs/SCENARIOS.md";
const DOC = readFileSync(DOC_PATH, "utf8");
const LINES = DOC.split("\n");

interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  marker?: { kind: "scenario" | "fragment" | "file"; arg: string };
}

function blocks(): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < LINES.length; i++) {
    const open = /^```(\S*)\s*$/.exec(LINES[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < LINES.length && !/^```\s*$/.test(LINES[i]); i++) body.push(LINES[i]);
    const m = /^# (scenario|fragment|file): (\S+)\s*$/.exec(body[0] ?? "");
    out.push({
      line: start + 1,
      lang: open[1],
      text: `${body.join("\n")}\n`,
      marker: m ? { kind: m[1] as "scenario" | "fragment" | "file", arg: m[2] } : undefined,
    });
  }
  return out;
}

const BLOCKS = blocks();
const at = (b: Block) => `${DOC_PATH}:${b.line}`;
const marked = (kind: string) => BLOCKS.filter((b) => b.marker?.kind === kind);

const baseBlock = BLOCKS.find((b) => b.marker?.kind === "scenario" && b.marker.arg === "base");

/** A fragment put into the base scenario: it replaces its section (faults are added). */
function embed(fragment: Block): string {
  const base = parseDocument(baseBlock!.text);
  const section = fragment.marker!.arg;
  const value = parseDocument(fragment.text).toJS();
  const doc = base.toJS() as Record<string, unknown>;
  doc.name = `fragment-${fragment.line}`;
  if (section === "faults") doc.faults = [...((doc.faults as unknown[]) ?? []), ...(value as unknown[])];
  else if (section === "fleet") {
    // Another fleet: only the sections that do not name its hosts.
    for (const k of ["workloads", "faults", "slo"]) delete doc[k];
    doc.fleet = value;
  } else if (section === "workloads") {
    doc.workloads = value;
    delete doc.slo;
  } else doc[section] = value;
  return JSON.stringify(doc, null, 2);
}

/** Writes every `# file:` example and returns the folder the scenarios go in. */
function folderWithFiles(): string {
  const dir = tempDir("fleet-docs-");
  for (const b of marked("file")) {
    const path = join(dir, b.marker!.arg);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, b.text);
  }
  return dir;
}

/** validate, then chaos for an hour: the example is good input, and runs. */
async function expectRuns(dir: string, name: string, text: string): Promise<void> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const v = await fleet(["validate", file], { cwd: dir });
  expect(v.code, `fleet validate: ${v.err}`).toBe(0);
  const r = await fleet(["chaos", file, "--duration", "1h", "--no-journal", "--reporter", "json"], { cwd: dir });
  expect([0, 1], `fleet chaos exit ${r.code}: ${r.err.split("\n").slice(0, 3).join(" | ")}`).toContain(r.code);
}

describe("docs/SCENARIOS.md examples", () => {
  it("marks every yaml block and keeps every example within 80 columns", () => {
    expect(baseBlock, "a `# scenario: base` example").toBeDefined();
    for (const b of BLOCKS) {
      if (b.lang === "yaml") expect(b.marker, `${at(b)}: a yaml block needs a first line # scenario:, # fragment: or # file:`).toBeDefined();
      b.text.split("\n").forEach((line, i) => {
        expect([...line].length, `${DOC_PATH}:${b.line + 1 + i} is wider than 80 columns`).toBeLessThanOrEqual(80);
      });
    }
    for (const f of marked("fragment")) expect(["faults", "workloads", "policies", "slo", "fleet"]).toContain(f.marker!.arg);
  });

  const dir = folderWithFiles();
  for (const b of marked("scenario")) {
    it(`${at(b)} scenario ${b.marker!.arg} validates and runs`, async () => {
      await expectRuns(dir, b.marker!.arg, b.text);
    });
  }
  for (const b of marked("fragment")) {
    it(`${at(b)} fragment of ${b.marker!.arg} validates and runs in the base scenario`, async () => {
      await expectRuns(dir, `fragment-${b.line}`, embed(b));
    });
  }
});

// ---- every key the validators accept is documented ----------------------------------

/** The text of the first section whose heading holds `title`, down to the next heading as high. */
function section(title: string): string {
  // Heading levels by line, 0 for other lines and for every line inside a code block.
  let fenced = false;
  const levels = LINES.map((l) => {
    if (/^```/.test(l)) fenced = !fenced;
    return !fenced && /^#+ /.test(l) ? /^#+/.exec(l)![0].length : 0;
  });
  const start = LINES.findIndex((l, i) => levels[i] > 1 && l.includes(title));
  if (start < 0) return "";
  let end = start + 1;
  while (end < LINES.length && !(levels[end] > 0 && levels[end] <= levels[start])) end++;
  return LINES.slice(start, end).join("\n");
}

const PROBE = "qqqqqqqqqqqq";

/** `{ a: { b: { PROBE: 1 } } }` for path [a, b], over `fill` at the innermost map. */
function probed(path: string[], fill: Record<string, unknown> = {}): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), { ...fill, [PROBE]: 1 });
}

/**
 * The keys a validator accepts, as its error for an unknown key lists them ("expected one
 * of a, b, c"): `value`, holding the probe key, is put at `at` in the base scenario.
 */
function keysIn(at: (string | number)[], value: unknown): string[] {
  const doc = parseDocument(baseBlock!.text);
  if (at.length === 0) doc.set(PROBE, 1);
  else doc.setIn(at, doc.createNode(value));
  const r = loadScenarioText(doc.toString(), "probe.yaml");
  const issue = r.ok ? undefined : r.issues.find((i) => i.code === "unknown_key" && i.path.at(-1) === PROBE);
  const hint = /^expected one of (.*)$/.exec(issue?.hint ?? "");
  if (!hint) throw new Error(`no unknown-key error at ${at.join(".")}: ${JSON.stringify(r.ok ? "loaded" : r.issues)}`);
  return hint[1].split(", ");
}

function expectDocumented(title: string, keys: string[]): void {
  const text = section(title);
  expect(text, `${DOC_PATH} has a section "${title}"`).not.toBe("");
  const missing = [...new Set(keys)].filter((k) => !text.includes(`\`${k}\``) && !text.includes(`\`${k}:`));
  expect(missing, `keys not named in the section "${title}" of ${DOC_PATH}`).toEqual([]);
}

describe("docs/SCENARIOS.md names every key", () => {
  it("of the file, its limits and its fleet", () => {
    expectDocumented("The file's shape", [...keysIn([], undefined), ...keysIn(["limits"], probed([]))]);
    const dc = { name: "dc9", rows: 1, racksPerRow: 1, hostsPerRack: 1 };
    expectDocumented("`fleet:`", [
      ...keysIn(["fleet", "host"], probed([])),
      ...keysIn(["fleet", "datacenters", 0], probed([], dc)),
      ...keysIn(["fleet", "datacenters", 0], { ...dc, power: probed([]) }),
      ...keysIn(["fleet", "links"], [probed([], { between: ["dc1", "dc2"] })]),
    ]);
    expectDocumented("`fleet:`", ["host", "datacenters", "links"]);
  });

  it("of every fault model, its nested settings and its scheduled incidents", () => {
    const nested: Record<string, string[][]> = { cosmic: [["bursts"]], disk: [["bursts"], ["repeat"], ["places"]] };
    for (const [kind, model] of Object.entries(FAULT_MODELS)) {
      const keys = [[], ...(nested[kind] ?? [])].flatMap((sub) => keysIn(["faults"], [probed([kind, ...sub])]));
      expectDocumented(`\`${kind}\``, [...keys, ...Object.keys(model.incident?.params ?? {})]);
    }
  });

  it("of every workload and policy", () => {
    for (const w of WORKLOADS) expectDocumented(`\`${w.kind}\``, keysIn(["workloads"], [probed([w.kind])]));
    for (const sub of ["serviceTime", "sample"]) expectDocumented("`serving`", keysIn(["workloads"], [probed(["serving", sub])]));
    expectDocumented("`policies:`", Object.keys(policyFields));
  });
});
