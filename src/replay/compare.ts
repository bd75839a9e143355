// Comparing a recorded record with the re-run's, the way the run digest sees them: the
// canonical line (src/journal/digest.ts: no `crc`, no top-level `wall`, no footer
// `digest`), key order included. When two canonical lines differ, say where: the first
// field (depth first, in the recorded key order) whose value differs, and a window of
// both lines around the first character that differs, short enough for one terminal line.
import { canonicalLine } from "../journal/index.js";
import { formatPath, type PathPart } from "../base/issues.js";

export interface FieldDifference {
  /** Path of the field inside the record, e.g. ["metrics", "baseline", "training.goodput"]. */
  path: PathPart[];
  /** Serialised values (JSON), or "(absent)". */
  recorded: string;
  rerun: string;
  /** The values are equal but the keys come in another order (the digest sees order). */
  orderOnly?: boolean;
}

const ABSENT = "(absent)";

function show(v: unknown): string {
  return v === undefined ? ABSENT : JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The first field whose value differs between two canonical records (top-level `crc`,
 * `wall` and footer `digest` are ignored), or undefined when their canonical lines match.
 */
export function firstDifference(recorded: object, rerun: object): FieldDifference | undefined {
  if (canonicalLine(recorded) === canonicalLine(rerun)) return undefined;
  const strip = (r: object) => JSON.parse(canonicalLine(r)) as unknown;
  return diff(strip(recorded), strip(rerun), []) ?? { path: [], recorded: canonicalLine(recorded), rerun: canonicalLine(rerun), orderOnly: true };
}

function diff(a: unknown, b: unknown, path: PathPart[]): FieldDifference | undefined {
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    for (const k of keys) {
      const d = diff(a[k], b[k], [...path, k]);
      if (d) return d;
    }
    if (JSON.stringify(Object.keys(a)) !== JSON.stringify(Object.keys(b))) {
      return { path, recorded: Object.keys(a).join(","), rerun: Object.keys(b).join(","), orderOnly: true };
    }
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = diff(a[i], b[i], [...path, i]);
      if (d) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : { path, recorded: show(a), rerun: show(b) };
}

/** `metrics.baseline["training.goodput"]`, or "(the whole record)" for an empty path. */
export function fieldName(d: FieldDifference): string {
  return d.path.length ? formatPath(d.path) : "(the whole record)";
}

/** Index of the first character where two strings differ (the shorter length if one is a prefix). */
export function firstCharDiff(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** `line` cut to at most `width` characters around index `at`, with "…" where cut. */
export function shorten(line: string, at: number, width = 120): string {
  if (line.length <= width) return line;
  const before = Math.floor(width / 3);
  let start = Math.max(0, at - before);
  const end = Math.min(line.length, start + width);
  start = Math.max(0, end - width);
  return `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
}

/** Shortens a value for a message: long JSON values keep their start. */
export function clip(s: string, width = 60): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}
