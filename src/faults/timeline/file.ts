// Incident timeline files: `- timeline: incidents/2024-07-19.jsonl` (or .csv) in a
// scenario's `faults:`, one scheduled fault per line (the formats are described in
// ./entry.ts). A file is read only from the scenario's folder, the working directory, or
// the command line (scenarios come from pull requests), and each row is validated as the
// scenario entry it stands for; errors name the file and its line, and quote at most 60
// characters of it. A line nested more than MAX_YAML_DEPTH levels is refused unparsed.
//
// What a scenario's timelines cost is bounded by their entries: at most
// limits.maxTimelineEntries of them (100,000 by default) and MAX_TIMELINE_BYTES in all the
// files. The entries of a file are counted before any is validated, so a file of junk
// lines past the limit is refused with one error instead of one per line.
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve as resolvePath } from "node:path";
import { Document, isMap, type Pair } from "yaml";
import { clip, didYouMean, formatPath, type IssueCode, type PathPart, quote } from "../../base/issues.js";
import { BAD, type Bad, Ctx, describeNode, string, type Validator } from "../../base/schema.js";
import { jsonNestsDeeperThan } from "../../base/json.js";
import { readUserFile } from "../../base/user-file.js";
import { MAX_YAML_DEPTH } from "../../base/yaml.js";
import { keyOf, modelOf, type ScheduledFault, scheduledEntry, schedulableKinds } from "./entry.js";

/** Most bytes of timeline files one scenario reads, in all. */
export const MAX_TIMELINE_BYTES = 16 * 2 ** 20;

/** `- timeline: incidents/2024-07-19.jsonl` (or .csv), relative to the scenario's folder. */
export const timelineFile: Validator<ScheduledFault[]> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (!isMap(node)) return ctx.report("invalid_type", path, node ?? raw, `expected timeline: PATH, found ${describeNode(node)}`);
  for (const pair of node.items as Pair[]) {
    const key = keyOf(pair);
    if (key !== "timeline") {
      return ctx.report(
        "unknown_key",
        [...path, key ?? "?"],
        pair.key,
        `unknown key ${quote(key ?? "?")} beside timeline`,
        "a timeline entry holds only timeline: PATH",
      );
    }
  }
  const fileNode = node.items[0].value ?? null;
  const filePath = [...path, "timeline"];
  const file = string({ what: "the path of a .jsonl or .csv timeline file" })(fileNode, filePath, ctx);
  if (file === BAD) return BAD;
  const format = file.endsWith(".jsonl") ? "jsonl" : file.endsWith(".csv") ? "csv" : undefined;
  if (!format) return ctx.report("invalid_value", filePath, fileNode, `expected a .jsonl or .csv timeline file, found ${quote(file)}`);
  const full = resolvePath(ctx.baseDir, file);
  // A scenario is untrusted input (it may come from a pull request): it reads files only
  // inside its own folder or the working directory, or ones the user named on the
  // command line. Symbolic links are followed before the check.
  const outside = outsideAllowed(full, ctx);
  if (outside)
    return ctx.report("invalid_value", filePath, fileNode, `the timeline "${file}" is outside the scenario's folder and the working directory`, outside);
  const text = readTimeline(full, file, filePath, fileNode, ctx);
  if (text === BAD) return BAD;
  const entries = Math.max(0, countOf(dataLines(text)) - (format === "csv" ? 1 : 0));
  const { maxEntries } = ctx.timelines;
  if (ctx.timelines.entries + entries > maxEntries) {
    const others = ctx.timelines.entries ? ` and the scenario's other timelines ${ctx.timelines.entries}` : "";
    return ctx.report(
      "limit",
      filePath,
      fileNode,
      `the timeline "${file}" holds ${entries} entries${others}; a scenario's timelines may hold at most ${maxEntries} in all`,
      "raise limits.maxTimelineEntries if you mean it",
    );
  }
  ctx.timelines.entries += entries;
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

/** The timeline's text, within what is left of MAX_TIMELINE_BYTES; BAD (reported) when it cannot be read. */
function readTimeline(full: string, file: string, path: PathPart[], node: unknown, ctx: Ctx): string | Bad {
  const read = readUserFile(full, MAX_TIMELINE_BYTES - ctx.timelines.bytes, "a timeline file");
  if (!read.ok && read.error.tooLargeBytes !== undefined) {
    const others = ctx.timelines.bytes ? ` and the scenario's other timelines ${ctx.timelines.bytes}` : "";
    return ctx.report(
      "too_large",
      path,
      node,
      `the timeline "${file}" is ${read.error.tooLargeBytes} bytes${others}; a scenario's timelines may hold at most ${MAX_TIMELINE_BYTES} bytes in all`,
    );
  }
  const cannot = (why: string): Bad =>
    ctx.report("invalid_value", path, node, `cannot read the timeline "${file}": ${why}`, `looked for ${full} (paths are relative to the scenario's folder)`);
  if (!read.ok) return cannot(read.error.message);
  ctx.timelines.bytes += read.bytes.length;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch {
    return cannot("not UTF-8 text");
  }
}

/** One line of a timeline file, parsed but not yet validated. */
type Row = { line: number; fields: Record<string, unknown> } | { line: number; error: string; hint?: string };

/** The lines that are neither blank nor `#` comments, without their line ends, one at a time. */
function* dataLines(text: string): Generator<{ line: number; text: string }> {
  const space = /[^\S\n]*/y;
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    space.lastIndex = start;
    space.exec(text);
    if (space.lastIndex < end && text[space.lastIndex] !== "#") {
      yield { line: line + 1, text: text.slice(start, text[end - 1] === "\r" ? end - 1 : end) };
    }
    start = end + 1;
  }
}

function countOf(items: Iterable<unknown>): number {
  let n = 0;
  for (const _ of items) n++;
  return n;
}

function* jsonlRows(text: string): Generator<Row> {
  for (const { line, text: t } of dataLines(text)) {
    // A row becomes a YAML document (fileEntry), which the yaml library builds by recursion.
    if (jsonNestsDeeperThan(Buffer.from(t, "utf8"), MAX_YAML_DEPTH)) {
      yield {
        line,
        error: `objects and arrays nested more than ${MAX_YAML_DEPTH} levels deep`,
        hint: "each line is one flat object: at, kind, target and the kind's parameters",
      };
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      yield {
        line,
        error: `not valid JSON: ${clip((e as Error).message, 80)}`,
        hint: 'each line is one object, e.g. {"at":"30h","kind":"busbar","target":"dc1/row07/busbar-a"}',
      };
      continue;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) yield { line, error: `expected a JSON object, found ${clip(JSON.stringify(v))}` };
    else yield { line, fields: v as Record<string, unknown> };
  }
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

function* csvRows(text: string): Generator<Row> {
  const lines = dataLines(text);
  const head = lines.next();
  if (head.done) return;
  const { line: headLine, text: headText } = head.value;
  const header = splitCsvLine(headText);
  const expect = "the first line is the header at,kind,target followed by parameter names, e.g. at,kind,target,repair";
  if (!header || header[0] !== "at" || header[1] !== "kind" || header[2] !== "target") {
    yield { line: headLine, error: `expected the header "at,kind,target,...", found ${quote(headText.trim())}`, hint: expect };
    return;
  }
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) {
    yield { line: headLine, error: `column ${quote(dup)} appears twice in the header` };
    return;
  }
  if (header.some((h) => h === "")) {
    yield { line: headLine, error: "the header has an empty column name" };
    return;
  }
  for (const { line, text: t } of lines) {
    const cells = splitCsvLine(t);
    if (!cells) yield { line, error: "unbalanced double quote", hint: 'a quoted cell ends with " before the next comma' };
    else if (cells.length > header.length) yield { line, error: `${cells.length} cells but the header names ${header.length} columns` };
    else {
      const fields: Record<string, unknown> = {};
      cells.forEach((c, i) => {
        if (c !== "") fields[header[i]] = i < 3 ? c : csvCell(c);
      });
      yield { line, fields };
    }
  }
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
    return fail("unknown_key", `unknown fault kind ${quote(kind)}`, guess ? `did you mean "${guess}"?` : `kinds that can be scheduled: ${kinds.join(", ")}`);
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
