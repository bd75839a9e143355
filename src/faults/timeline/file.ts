// Incident timeline files: `- timeline: incidents/2024-07-19.jsonl` (or .csv) in a
// scenario's `faults:`, one scheduled fault per line (the formats are described in
// ./entry.ts). A file is read only from the scenario's folder, the working directory, or
// the command line (scenarios come from pull requests), and each row is validated as the
// scenario entry it stands for; errors name the file and its line.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve as resolvePath } from "node:path";
import { Document, isMap, type Pair } from "yaml";
import { didYouMean, formatPath, type IssueCode, type PathPart } from "../../base/issues.js";
import { BAD, type Bad, Ctx, describeNode, string, type Validator } from "../../base/schema.js";
import { keyOf, modelOf, type ScheduledFault, scheduledEntry, schedulableKinds } from "./entry.js";

/** Largest timeline file accepted, in bytes. */
export const MAX_TIMELINE_BYTES = 16 * 2 ** 20;

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
