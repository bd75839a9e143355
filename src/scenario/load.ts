// Scenario files: YAML text -> a validated, typed Scenario with documented defaults.
//
// Safety first, because scenario files arrive in pull requests: the YAML core schema
// only (no custom tags, nothing constructs objects or runs code; any explicit tag is an
// error), a bounded document size, nesting depth and alias count, valid UTF-8, one
// document per file, and only a regular file is read (src/base/user-file.ts).
// Every problem becomes an Issue with file:line:column, its path and a hint; all of them
// are reported at once.
import { createHash } from "node:crypto";
import { totalmem } from "node:os";
import { dirname } from "node:path";
import { isCollection, isMap, isScalar, LineCounter, visit } from "yaml";
import { fleetSchema } from "../fleet/schema.js";
import type { Issue, Result } from "../base/issues.js";
import { readUserFile } from "../base/user-file.js";
import { parseYamlDocuments, tooDeepIssue } from "../base/yaml.js";
import { BAD, Ctx, duration, maybe, nodeAt, number, object, opt, req, size, string, type Validator } from "../base/schema.js";
import { SECTION_CHECKS, scenarioSections, type ScenarioSections } from "./sections.js";
import { snapshotBudgetProblem } from "./journal-budget.js";
import type { FleetSpec } from "../fleet/spec.js";

/** Safety limits; each can be raised in the scenario (`limits:`) or on the command line. */
export interface Limits {
  /** Hosts in the whole fleet (default 2,000,000). */
  maxHosts: number;
  /** Simulated duration in seconds (default 10 years). */
  maxDurationSec: number;
  /** Events one run may process before it stops with a clear message (default 2e9). */
  maxEvents: number;
  /**
   * Resident memory (RSS) of the process in bytes, checked between steps (default 75% of the
   * machine's memory, so a runaway run stops before the machine starts swapping or the OOM
   * killer takes it, and the journal keeps its footer).
   */
  maxMemoryBytes: number;
  /**
   * Bytes of journal a run may write (default 1 GiB): checked before the run from the
   * snapshots the scenario asks for (./journal-budget.ts), and as the journal is written (a
   * run that reaches it stops with a `failed` footer naming the limit).
   */
  maxJournalBytes: number;
  /** Entries in all the scenario's incident timeline files (default 100,000; src/faults/timeline/file.ts). */
  maxTimelineEntries: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxHosts: 2_000_000,
  maxDurationSec: 10 * 365 * 86400,
  maxEvents: 2e9,
  maxMemoryBytes: Math.floor(0.75 * totalmem()),
  maxJournalBytes: 2 ** 30,
  maxTimelineEntries: 100_000,
};

/** Largest scenario file accepted, in bytes. */
export const MAX_SCENARIO_BYTES = 4 * 2 ** 20;
/** Most alias expansions accepted in one scenario. */
export const MAX_ALIASES = 1000;

export interface Scenario extends ScenarioSections {
  name: string;
  description?: string;
  /** The seed of every PRNG stream; `--seed` overrides it. */
  seed: number;
  durationSec: number;
  fleet: FleetSpec;
  /** Simulated seconds between metric snapshots in the journal. */
  snapshotEverySec: number;
  limits: Limits;
  source: { file: string; text: string; sha256: string };
  /** What loads but is probably not meant (an SLO no policy can change): printed, never fatal. */
  warnings: Issue[];
}

export interface LoadOptions {
  /** Limits from the command line; they override the scenario's `limits:`. */
  limits?: Partial<Limits>;
  /**
   * Files the scenario may name although they lie outside its folder and the working
   * directory: those the user gave on the command line (e.g. `--import incident.jsonl`).
   */
  trustedFiles?: string[];
}

const limitsSchema = object({
  maxHosts: opt(number({ integer: true, min: 1 }), DEFAULT_LIMITS.maxHosts, "hosts in the whole fleet (2,000,000)"),
  maxDuration: opt(duration({ positive: true }), DEFAULT_LIMITS.maxDurationSec, "longest simulated duration (10y)"),
  maxEvents: opt(number({ integer: true, min: 1 }), DEFAULT_LIMITS.maxEvents, "events one run may process (2e9)"),
  maxMemory: opt(size({ positive: true }), DEFAULT_LIMITS.maxMemoryBytes, "resident memory of the run, e.g. 8GiB (75% of the machine's)"),
  maxJournal: opt(size({ positive: true }), DEFAULT_LIMITS.maxJournalBytes, "bytes of journal one run may write, e.g. 4GiB (1GiB)"),
  maxTimelineEntries: opt(number({ integer: true, min: 1 }), DEFAULT_LIMITS.maxTimelineEntries, "entries in all the scenario's timeline files (100,000)"),
});

function topSchema(limits: Limits): Validator<Omit<Scenario, "source" | "limits" | "warnings">> {
  return object({
    name: req(string({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, what: "a name of letters, digits, '.', '-' and '_'" }), "the scenario's name"),
    description: maybe(string()),
    seed: opt(number({ integer: true, min: 0, max: 2 ** 53 - 1 }), 1, "the seed of every random stream (1)"),
    duration: req(duration({ positive: true, max: limits.maxDurationSec, limit: "limits.maxDuration" }), "how long to simulate, e.g. 72h"),
    snapshotEvery: maybe(duration({ positive: true }), "simulated time between metric snapshots (duration / 100)"),
    fleet: req(fleetSchema(limits), "the datacenters, rows, racks and hosts"),
    limits: maybe(limitsSchema),
    ...scenarioSections,
  }) as unknown as Validator<Omit<Scenario, "source" | "limits" | "warnings">>;
}

export function loadScenarioText(text: string, file: string, opts: LoadOptions = {}): Result<Scenario> {
  const issues: Issue[] = [];
  if (text.length > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      issues: [{ code: "too_large", path: [], message: `the file is ${text.length} bytes; a scenario file may be at most ${MAX_SCENARIO_BYTES} bytes` }],
    };
  }
  const lineCounter = new LineCounter();
  const parsed = parseYamlDocuments(text, lineCounter);
  const at = (offset: number) => lineCounter.linePos(offset);
  if (!parsed.ok) return { ok: false, issues: [tooDeepIssue(lineCounter, parsed.tooDeepAt, "a scenario needs a few levels; is this a scenario file?")] };
  const docs = parsed.docs;
  if (docs.length === 0) {
    return {
      ok: false,
      issues: [{ code: "empty", path: [], line: 1, column: 1, message: "the file is empty", hint: "a scenario needs at least name, duration and fleet" }],
    };
  }
  if (docs.length > 1) {
    const p = at(docs[1].range[0]);
    issues.push({
      code: "yaml_syntax",
      path: [],
      line: p.line,
      column: p.col,
      message: "a scenario file holds one YAML document; found a second one",
      hint: "remove the `---` separator",
    });
  }
  const doc = docs[0];
  for (const err of doc.errors) {
    const p = at(err.pos[0]);
    issues.push({ code: "yaml_syntax", path: [], line: p.line, column: p.col, message: `not valid YAML: ${firstLine(err.message)}` });
  }
  for (const warn of doc.warnings) {
    const p = at(warn.pos[0]);
    issues.push({ code: "yaml_tag", path: [], line: p.line, column: p.col, message: firstLine(warn.message), hint: "scenario files use plain YAML: no tags" });
  }
  // Any explicit tag (`!!js/function`, `!!binary`, `!custom`) is refused: nothing constructs.
  // Parsed nodes carry a tag only when the file wrote one explicitly.
  visit(doc, (_key, node) => {
    if ((isScalar(node) || isCollection(node)) && node.tag && node.range) {
      const p = at(node.range[0]);
      issues.push({
        code: "yaml_tag",
        path: [],
        line: p.line,
        column: p.col,
        message: `YAML tag ${node.tag.replace("tag:yaml.org,2002:", "!!")} is not allowed`,
        hint: "scenario files use plain YAML: no tags",
      });
    }
  });
  if (issues.length) return { ok: false, issues };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      ok: false,
      issues: [{ code: "empty", path: [], line: 1, column: 1, message: "the file is empty", hint: "a scenario needs at least name, duration and fleet" }],
    };
  }
  if (!isMap(doc.contents)) {
    const p = doc.contents.range ? at(doc.contents.range[0]) : { line: 1, col: 1 };
    return {
      ok: false,
      issues: [
        {
          code: "invalid_type",
          path: [],
          line: p.line,
          column: p.col,
          message: "expected a map with keys name, duration, fleet, ... at the top of the file",
          hint: "is this a scenario file?",
        },
      ],
    };
  }

  const ctx = new Ctx(lineCounter, MAX_ALIASES);
  ctx.doc = doc;
  ctx.baseDir = dirname(file);
  ctx.trustedFiles = opts.trustedFiles ?? [];
  // Limits first: they bound what the rest of the file may ask for.
  let limits: Limits = { ...DEFAULT_LIMITS };
  const limitsNode = nodeAt(doc.contents, ["limits"], ctx);
  if (limitsNode !== doc.contents && limitsNode !== undefined) {
    const l = limitsSchema(limitsNode, ["limits"], ctx);
    if (l !== BAD)
      limits = {
        maxHosts: l.maxHosts,
        maxDurationSec: l.maxDuration,
        maxEvents: l.maxEvents,
        maxMemoryBytes: l.maxMemory,
        maxJournalBytes: l.maxJournal,
        maxTimelineEntries: l.maxTimelineEntries,
      };
  }
  limits = { ...limits, ...stripUndefined(opts.limits ?? {}) };
  ctx.timelines.maxEntries = limits.maxTimelineEntries;
  const value = topSchema(limits)(doc.contents, [], ctx);
  if (value === BAD || ctx.issues.length) return { ok: false, issues: dedupe(ctx.issues) };
  const v = value as Omit<Scenario, "source" | "limits" | "warnings"> & { duration: number; snapshotEvery?: number; limits?: unknown };
  const scenario: Scenario = {
    ...v,
    durationSec: v.duration,
    snapshotEverySec: v.snapshotEvery ?? v.duration / 100,
    limits,
    source: { file, text, sha256: createHash("sha256").update(text).digest("hex") },
    warnings: [],
  };
  delete (scenario as { duration?: unknown }).duration;
  delete (scenario as { snapshotEvery?: unknown }).snapshotEvery;
  const crossIssues = checkScenario(scenario, doc.contents, ctx);
  if (crossIssues.length) return { ok: false, issues: crossIssues };
  const budget = snapshotBudgetProblem(scenario, scenario.durationSec);
  if (budget) {
    const key = v.snapshotEvery !== undefined ? ["snapshotEvery"] : ["limits", "maxJournal"];
    ctx.report("limit", key, nodeAt(doc.contents, key, ctx), budget.message, budget.hint);
    return { ok: false, issues: ctx.issues };
  }
  scenario.warnings = dedupe(ctx.warnings);
  return { ok: true, value: scenario };
}

/** Cross-section checks (targets, hosts, placement) run once every section parsed. */
function checkScenario(s: Scenario, root: unknown, ctx: Ctx): Issue[] {
  const before = ctx.issues.length;
  for (const check of SECTION_CHECKS) check(s, root, ctx);
  return ctx.issues.slice(before);
}

export function loadScenarioFile(path: string, opts: LoadOptions = {}): Result<Scenario> {
  const read = readUserFile(path, MAX_SCENARIO_BYTES, "a scenario file");
  if (!read.ok) return { ok: false, issues: [{ code: read.error.tooLargeBytes ? "too_large" : "invalid_value", path: [], message: read.error.message }] };
  const bytes = read.bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const { line, column } = positionOfByte(bytes, bad);
    return {
      ok: false,
      issues: [{ code: "yaml_syntax", path: [], line, column, message: `not UTF-8 text (invalid byte at offset ${bad})`, hint: "is this a scenario file?" }],
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = positionOfByte(bytes, nul);
    return {
      ok: false,
      issues: [
        {
          code: "yaml_syntax",
          path: [],
          line,
          column,
          message: `the file holds NUL bytes (the first at offset ${nul}): not a text file`,
          hint: "is this a scenario file?",
        },
      ],
    };
  }
  return loadScenarioText(text, path, opts);
}

function firstInvalidUtf8(bytes: Buffer): number {
  const dec = new TextDecoder("utf-8", { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      dec.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

function firstLine(s: string): string {
  return s.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return sorted.filter((i) => {
    const k = `${i.line}:${i.column}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** 1-based line and column (in bytes) of byte `offset`. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
