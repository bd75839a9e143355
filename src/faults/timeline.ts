// Incident timelines: faults that happen at a stated time on a stated target, to replay a
// real incident or to script a test ("bus bar a of row 7 fails at 30h for 8h").
//
// In a scenario, one entry per fault: `at`, exactly one fault-kind key whose value is the
// target id, and optional parameters of that kind (each model's `incident.params`, with
// their defaults):
//
//   faults:
//     - at: 30h
//       busbar: dc1/row07/busbar-a
//       repair: 8h
//     - { at: 3h, straggler: dc1/row01/rack02/host03, slowdown: 10x, duration: 1h }
//     - timeline: incidents/2024-07-19.jsonl
//
// A `timeline:` entry names a file, relative to the scenario file's folder, in one of two
// formats (chosen by the extension). Blank lines and lines starting with `#` are skipped
// in both; errors name the file and its line.
//
//   .jsonl  one JSON object per line, with `at` (a duration text like "30h", or seconds as
//           a number), `kind`, `target`, and the parameters of that kind as further keys:
//             {"at":"30h","kind":"busbar","target":"dc1/row07/busbar-a","repair":"8h"}
//   .csv    a header line `at,kind,target` followed by any parameter names, then one row
//           per fault; an empty cell leaves that parameter at its default. Cells are plain
//           text split on commas (a cell may be "double-quoted" to hold a comma; "" is a
//           quote); a cell that reads as a number or true/false is taken as one:
//             at,kind,target,repair
//             30h,busbar,dc1/row07/busbar-a,8h
//
// Validation happens in two steps: the entry's shape, time, kind and parameters while the
// scenario is parsed (`scheduledEntry`, `timelineFile`), and the targets once the fleet
// exists (`checkTimelineTargets`, a cross-check registered with the loader): an unknown
// id is an error naming the closest real one, and so is an id of the wrong kind (a rack
// id for a bus bar fault). A time past the scenario's duration is allowed (`--duration`
// may reach it); such faults simply do not happen in shorter runs.
//
// The injector fires each entry at its exact time through its model's `incident.fire`,
// in time order, entries at the same time in the order they were written.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { relative, resolve as resolvePath, isAbsolute } from "node:path";
import { Document, isMap, isScalar, Pair, YAMLMap } from "yaml";
import { buildFleet } from "../fleet/build.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetKind, FleetRef } from "../fleet/ref.js";
import { didYouMean, formatPath, type IssueCode, type PathPart } from "../base/issues.js";
import type { FleetSpec } from "../fleet/spec.js";
import { BAD, type Bad, Ctx, describeNode, duration, nodeAt, object, string, type Shape, type Validator } from "../base/schema.js";
import type { FaultEnv, FaultModel, FaultSpec, Injector } from "./injector.js";
import { FAULT_MODELS } from "./registry.js";

/** One fault to fire at a stated time on a stated target. */
export interface ScheduledFault {
  atSec: number;
  /** The fault model's key, e.g. "busbar". */
  kind: string;
  /** The target's id, e.g. "dc1/row07/busbar-a" (checked against the fleet by the loader). */
  target: string;
  /** The model's incident parameters, validated, with defaults filled in. */
  params: Record<string, unknown>;
  /** Where it was written: the `faults:` entry's path, and file and line for timeline files. */
  origin: { path: PathPart[]; file?: string; line?: number };
}

/** Largest timeline file accepted, in bytes. */
export const MAX_TIMELINE_BYTES = 16 * 2 ** 20;

function schedulableKinds(): string[] {
  return Object.values(FAULT_MODELS)
    .filter((m) => m.incident)
    .map((m) => m.kind);
}

function modelOf(kind: string): FaultModel<unknown> | undefined {
  return Object.hasOwn(FAULT_MODELS, kind) ? FAULT_MODELS[kind] : undefined;
}

const targetText = string({ what: "a target id like dc1/row07/busbar-a" });

/** `- at: 30h, busbar: dc1/row07/busbar-a, repair: 8h` */
export const scheduledEntry: Validator<ScheduledFault> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const kinds = schedulableKinds();
  if (!isMap(node)) {
    return ctx.report("invalid_type", path, node ?? raw, `expected a scheduled fault: a map with at, a fault kind and its target, found ${describeNode(node)}`);
  }
  let atNode: unknown;
  const kindPairs: Pair[] = [];
  const paramPairs: Pair[] = [];
  for (const pair of node.items as Pair[]) {
    const keyNode = ctx.resolve(pair.key, path, ctx.doc);
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === "at") atNode = pair.value ?? null;
    else if (key !== undefined && modelOf(key)) kindPairs.push(pair);
    else paramPairs.push(pair);
  }
  if (kindPairs.length === 0) {
    const typo = paramPairs.map((p) => keyOf(p)).find((k) => k !== undefined && didYouMean(k, kinds));
    if (typo !== undefined) {
      const pair = paramPairs.find((p) => keyOf(p) === typo)!;
      return ctx.report("unknown_key", [...path, typo], pair.key, `unknown fault kind "${typo}"`, `did you mean "${didYouMean(typo, kinds)}"?`);
    }
    return ctx.report(
      "missing_key",
      path,
      node,
      "a scheduled fault needs a fault kind and its target, e.g. busbar: dc1/row07/busbar-a",
      `kinds that can be scheduled: ${kinds.join(", ")}`,
    );
  }
  if (kindPairs.length > 1) {
    const names = kindPairs.map(keyOf).join(" and ");
    return ctx.report(
      "invalid_value",
      [...path, keyOf(kindPairs[1])!],
      kindPairs[1].key,
      `one scheduled fault names one fault kind; found ${names}`,
      "write one `- at:` entry per fault",
    );
  }
  const kind = keyOf(kindPairs[0])!;
  const model = modelOf(kind)!;
  if (!model.incident) {
    return ctx.report(
      "invalid_value",
      [...path, kind],
      kindPairs[0].key,
      `"${kind}" faults cannot be scheduled on a target`,
      `kinds that can be scheduled: ${kinds.join(", ")}`,
    );
  }
  const atSec = duration()(atNode, [...path, "at"], ctx);
  const target = targetText(kindPairs[0].value ?? null, [...path, kind], ctx);
  const params = incidentParams(kind, model.incident.params, paramPairs, node, path, ctx);
  if (atSec === BAD || target === BAD || params === BAD) return BAD;
  return { atSec, kind, target, params, origin: { path: [...path] } };
};

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Validates the parameter keys of a scheduled fault against its model's `incident.params`. */
function incidentParams(kind: string, shape: Shape, pairs: Pair[], node: YAMLMap, path: PathPart[], ctx: Ctx): Record<string, unknown> | Bad {
  const names = Object.keys(shape);
  const known = new YAMLMap();
  known.range = node.range;
  let ok = true;
  for (const pair of pairs) {
    const key = keyOf(pair);
    if (key !== undefined && Object.hasOwn(shape, key)) {
      known.items.push(pair);
      continue;
    }
    ok = false;
    const guess = key === undefined ? undefined : didYouMean(key, names);
    const hint = guess ? `did you mean "${guess}"?` : names.length ? `${kind} takes ${names.join(", ")}` : `${kind} takes no parameters`;
    ctx.report("unknown_key", [...path, key ?? "?"], pair.key, key === undefined ? "expected a plain key" : `unknown key "${key}"`, hint);
  }
  const v = object(shape)(known, path, ctx);
  return ok && v !== BAD ? (v as Record<string, unknown>) : BAD;
}

// ---- timeline files ----------------------------------------------------------------

/** `- timeline: incidents/2024-07-19.jsonl` (or .csv), relative to the scenario's folder. */
export const timelineFile: Validator<ScheduledFault[]> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (!isMap(node)) return ctx.report("invalid_type", path, node ?? raw, `expected timeline: PATH, found ${describeNode(node)}`);
  for (const pair of node.items as Pair[]) {
    const key = keyOf(pair);
    if (key !== "timeline") {
      return ctx.report("unknown_key", [...path, key ?? "?"], pair.key, `unknown key "${key}" beside timeline`, "a timeline entry holds only timeline: PATH");
    }
  }
  const fileNode = node.items[0].value ?? null;
  const filePath = [...path, "timeline"];
  const file = string({ what: "the path of a .jsonl or .csv timeline file" })(fileNode, filePath, ctx);
  if (file === BAD) return BAD;
  const format = file.endsWith(".jsonl") ? "jsonl" : file.endsWith(".csv") ? "csv" : undefined;
  if (!format) return ctx.report("invalid_value", filePath, fileNode, `expected a .jsonl or .csv timeline file, found "${file}"`);
  const full = resolvePath(ctx.baseDir, file);
  // A scenario is untrusted input (it may come from a pull request): it reads files only
  // inside its own folder or the working directory, or ones the user named on the
  // command line. Symbolic links are followed before the check.
  const outside = outsideAllowed(full, ctx);
  if (outside)
    return ctx.report("invalid_value", filePath, fileNode, `the timeline "${file}" is outside the scenario's folder and the working directory`, outside);
  let text: string;
  try {
    const st = statSync(full);
    if (st.isDirectory()) return ctx.report("invalid_value", filePath, fileNode, `the timeline "${file}" is a folder, not a file`);
    if (st.size > MAX_TIMELINE_BYTES)
      return ctx.report("too_large", filePath, fileNode, `the timeline "${file}" is ${st.size} bytes; at most ${MAX_TIMELINE_BYTES} are accepted`);
    text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(full));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code ? `cannot read it (${code})` : "not UTF-8 text";
    return ctx.report(
      "invalid_value",
      filePath,
      fileNode,
      `cannot read the timeline "${file}": ${why}`,
      `looked for ${full} (paths are relative to the scenario's folder)`,
    );
  }
  const rows = format === "jsonl" ? jsonlRows(text) : csvRows(text);
  const out: ScheduledFault[] = [];
  let ok = true;
  for (const row of rows) {
    const fault = "error" in row ? BAD : fileEntry(row, file, filePath, ctx, fileNode);
    if ("error" in row) ctx.report("invalid_value", filePath, fileNode, `${file}:${row.line}: ${row.error}`, row.hint);
    if (fault === BAD) ok = false;
    else out.push(fault);
  }
  return ok ? out : BAD;
};

/** One line of a timeline file, parsed but not yet validated. */
type Row = { line: number; fields: Record<string, unknown> } | { line: number; error: string; hint?: string };

function dataLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    const s = t.trim();
    if (s !== "" && !s.startsWith("#")) out.push({ line: i + 1, text: t });
  });
  return out;
}

function jsonlRows(text: string): Row[] {
  return dataLines(text).map(({ line, text: t }): Row => {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      return {
        line,
        error: `not valid JSON: ${(e as Error).message}`,
        hint: 'each line is one object, e.g. {"at":"30h","kind":"busbar","target":"dc1/row07/busbar-a"}',
      };
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) return { line, error: `expected a JSON object, found ${JSON.stringify(v)}` };
    return { line, fields: v as Record<string, unknown> };
  });
}

/** Splits one CSV line into cells: commas separate, "double quotes" may hold commas and "" quotes. */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = "";
    while (line[i] === " ") i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      while (line[i] === " ") i++;
      if (i < line.length && line[i] !== ",") return undefined;
    } else {
      const end = line.indexOf(",", i);
      cell = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      i = end < 0 ? line.length : end;
    }
    cells.push(cell);
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

function csvCell(cell: string): unknown {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return Number(cell);
  if (cell === "true" || cell === "false") return cell === "true";
  return cell;
}

function csvRows(text: string): Row[] {
  const lines = dataLines(text);
  if (lines.length === 0) return [];
  const [head, ...body] = lines;
  const header = splitCsvLine(head.text);
  const expect = "the first line is the header at,kind,target followed by parameter names, e.g. at,kind,target,repair";
  if (!header || header[0] !== "at" || header[1] !== "kind" || header[2] !== "target") {
    return [{ line: head.line, error: `expected the header "at,kind,target,...", found "${head.text.trim()}"`, hint: expect }];
  }
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) return [{ line: head.line, error: `column "${dup}" appears twice in the header` }];
  if (header.some((h) => h === "")) return [{ line: head.line, error: "the header has an empty column name" }];
  return body.map(({ line, text: t }): Row => {
    const cells = splitCsvLine(t);
    if (!cells) return { line, error: "unbalanced double quote", hint: 'a quoted cell ends with " before the next comma' };
    if (cells.length > header.length) return { line, error: `${cells.length} cells but the header names ${header.length} columns` };
    const fields: Record<string, unknown> = {};
    cells.forEach((c, i) => {
      if (c !== "") fields[header[i]] = i < 3 ? c : csvCell(c);
    });
    return { line, fields };
  });
}

/** Validates one row of a timeline file as the scenario entry it stands for. */
function fileEntry(row: { line: number; fields: Record<string, unknown> }, file: string, path: PathPart[], ctx: Ctx, node: unknown): ScheduledFault | Bad {
  const where = `${file}:${row.line}`;
  const { at, kind, target, ...params } = row.fields;
  const kinds = schedulableKinds();
  const fail = (code: IssueCode, message: string, hint?: string): Bad => ctx.report(code, path, node, `${where}: ${message}`, hint);
  if (at === undefined) return fail("missing_key", 'missing "at"', "when the fault happens, e.g. 30h");
  if (typeof kind !== "string" || kind === "") return fail("missing_key", 'missing "kind"', `one of ${kinds.join(", ")}`);
  if (typeof target !== "string" || target === "") return fail("missing_key", 'missing "target"', "the id the fault hits, e.g. dc1/row07/busbar-a");
  const model = modelOf(kind);
  if (!model) {
    const guess = didYouMean(kind, kinds);
    return fail("unknown_key", `unknown fault kind "${kind}"`, guess ? `did you mean "${guess}"?` : `kinds that can be scheduled: ${kinds.join(", ")}`);
  }
  if (!model.incident) return fail("invalid_value", `"${kind}" faults cannot be scheduled on a target`, `kinds that can be scheduled: ${kinds.join(", ")}`);
  // The row as the scenario entry it stands for, validated by the same code, on a scratch
  // context; its issues come back here prefixed with the file and line.
  const doc = new Document({ at, [kind]: target, ...params });
  const sub = new Ctx(undefined);
  sub.doc = doc;
  sub.baseDir = ctx.baseDir;
  const v = scheduledEntry(doc.contents, [], sub);
  for (const issue of sub.issues) {
    const at = issue.path.length ? ` ${formatPath(issue.path)}:` : "";
    ctx.report(issue.code, path, node, `${where}:${at} ${issue.message}`, issue.hint);
  }
  if (v === BAD) return BAD;
  return { ...v, origin: { path: path.slice(0, -1), file, line: row.line } };
}

// ---- targets, once the fleet exists ------------------------------------------------------

/** The `faults:` entries' scheduled faults, in the order they were written. */
export function scheduledFaults(scenario: { faults: readonly FaultSpec[] }): ScheduledFault[] {
  return scenario.faults.filter((f) => f.kind === "scheduled").flatMap((f) => f.settings as ScheduledFault[]);
}

const KIND_NAMES: Record<FleetKind, string> = {
  dc: "datacenter",
  row: "row",
  rack: "rack",
  host: "host",
  busbar: "bus bar",
  pdu: "PDU",
  utility: "utility feed",
  link: "link",
};

/** An element of kind `want` related to `ref`: the one holding or feeding it, else one inside it. */
function relatedOfKind(fleet: Fleet, ref: FleetRef, want: FleetKind): FleetRef | undefined {
  let first = -1;
  fleet.forEachHostRange(ref, (s) => {
    if (first < 0) first = s;
  });
  if (first < 0) return undefined;
  switch (want) {
    case "host":
      return { kind: "host", index: first };
    case "rack":
      return { kind: "rack", index: fleet.rackOfHost(first) };
    case "row":
      return { kind: "row", index: fleet.rowOfHost(first) };
    case "busbar":
      return { kind: "busbar", index: fleet.busbarOfHost(first) };
    case "pdu":
      return { kind: "pdu", index: fleet.pduOfHost(first) };
    case "dc":
      return { kind: "dc", index: fleet.dcOfHost(first) };
    case "utility":
      return { kind: "utility", index: fleet.dcOfHost(first) };
    case "link":
      return undefined;
  }
}

/** Why `e`'s target does not fit the fleet, or undefined when it does. */
export function targetProblem(fleet: Fleet, e: ScheduledFault): { code: IssueCode; message: string; hint?: string } | undefined {
  const targets = modelOf(e.kind)?.incident?.targets ?? [];
  const ref = fleet.resolve(e.target);
  if (!ref) {
    const closest = fleet.closestId(e.target);
    return { code: "unknown_target", message: `no "${e.target}" in the fleet`, hint: closest !== e.target ? `did you mean "${closest}"?` : undefined };
  }
  if (!targets.includes(ref.kind)) {
    const wanted = targets.map((k) => `a ${KIND_NAMES[k]}`).join(" or ");
    const near = targets.map((k) => relatedOfKind(fleet, ref, k)).find((r) => r !== undefined);
    return {
      code: "invalid_value",
      message: `a ${e.kind} fault hits ${wanted}, but "${e.target}" is a ${KIND_NAMES[ref.kind]}`,
      hint: near ? `did you mean "${fleet.idOf(near)}"?` : undefined,
    };
  }
  return undefined;
}

/**
 * Cross-check (declared by the faults section, ./schema.ts): every scheduled target exists
 * in the fleet and is of a kind its fault can hit. Builds the fleet only when there are
 * scheduled faults.
 */
export function checkTimelineTargets(scenario: { fleet: FleetSpec; faults: readonly FaultSpec[] }, root: unknown, ctx: Ctx): void {
  const entries = scheduledFaults(scenario);
  if (entries.length === 0) return;
  const fleet = buildFleet(scenario.fleet);
  for (const e of entries) {
    const problem = targetProblem(fleet, e);
    if (!problem) continue;
    if (e.origin.file !== undefined) {
      const path = [...e.origin.path, "timeline"];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), `${e.origin.file}:${e.origin.line}: ${problem.message}`, problem.hint);
    } else {
      const path = [...e.origin.path, e.kind];
      ctx.report(problem.code, path, nodeAt(root, path, ctx), problem.message, problem.hint);
    }
  }
}

// ---- the injector ----------------------------------------------------------------------

class TimelineInjector implements Injector {
  readonly name = "timeline";
  private readonly entries: ScheduledFault[];
  private refs: FleetRef[] = [];
  private env!: FaultEnv;
  private firing = false;
  /** Faults emitted by the scheduled entries as they fired, by kind. */
  private readonly fired = new Map<string, number>();

  constructor(entries: ScheduledFault[]) {
    // Stable: entries at the same time keep the order they were written in.
    this.entries = [...entries].sort((a, b) => a.atSec - b.atSec);
  }

  start(env: FaultEnv): void {
    this.env = env;
    this.refs = this.entries.map((e) => {
      const problem = targetProblem(env.fleet, e);
      if (problem) throw new Error(`scheduled ${e.kind} fault: ${problem.message}${problem.hint ? ` (${problem.hint})` : ""}`);
      return env.fleet.resolve(e.target)!;
    });
    env.trace.addListener({
      onFault: (f) => {
        if (this.firing) this.fired.set(f.kind.name, (this.fired.get(f.kind.name) ?? 0) + 1);
      },
    });
    const kind = env.sim.defineEvent("timeline.fire", (i) => this.fire(i));
    this.entries.forEach((e, i) => {
      if (e.atSec <= env.horizonSec) env.sim.scheduleAt(Math.max(e.atSec, env.sim.now), kind, i, 0);
    });
  }

  /**
   * Scheduled faults are certain, so their expected count is exactly what they emit when
   * they fire (known once the run has passed them; before, only the entries fired so far).
   */
  expected(): Partial<Record<string, number>> {
    return Object.fromEntries(this.fired);
  }

  private fire(i: number): void {
    const e = this.entries[i];
    this.firing = true;
    try {
      modelOf(e.kind)!.incident!.fire(this.env, this.refs[i], e.params);
    } finally {
      this.firing = false;
    }
  }
}

/** One injector for every scheduled fault of a scenario, on stream "faults.timeline". */
export function timelineInjector(entries: ScheduledFault[]): Injector {
  return new TimelineInjector(entries);
}

/** Undefined when `full` may be read; else a hint saying how to allow it. */
function outsideAllowed(full: string, ctx: Ctx): string | undefined {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolvePath(p);
    }
  };
  const target = real(full);
  const inside = (dir: string) => {
    const rel = relative(real(dir), target);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  if (inside(ctx.baseDir) || inside(process.cwd())) return undefined;
  if (ctx.trustedFiles.some((f) => real(f) === target)) return undefined;
  return "scenario files may come from untrusted pull requests, so they read only files under their own folder or the working directory; move the timeline there (or pass it with fleet replay --import)";
}
