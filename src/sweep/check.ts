// Checks a sweep before anything runs: each --set path must lead somewhere in the scenario
// (every part but the last must exist, so a typo in a policy's name is not quietly a new
// policy; the last part may be a setting left at its default), and every grid value must
// give a valid scenario. Errors name the --set, the part that is wrong and what exists.
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import { applyOverrides } from "../distributed/job.js";
import { didYouMean, formatPath } from "../base/issues.js";
import { loadScenarioText } from "../scenario/load.js";
import type { GridPoint } from "./grid.js";
import type { Axis } from "./range.js";

/** Keys (or indices) of the collection at `path` in the document. */
function keysAt(doc: Document, path: (string | number)[]): string[] {
  const node = path.length ? doc.getIn(path, true) : doc.contents;
  if (isMap(node)) return node.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key));
  if (isSeq(node)) return node.items.map((_, i) => String(i));
  return [];
}

/** Throws Error when an axis's path does not lead into the scenario `text`. */
export function checkAxisPath(text: string, axis: Axis): void {
  const doc = parseDocument(text);
  const parts = axis.path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let i = 0; i < parts.length - 1; i++) {
    const upTo = parts.slice(0, i + 1);
    const node = doc.getIn(upTo, true);
    if (node === undefined || node === null) {
      const here = parts.slice(0, i);
      const have = keysAt(doc, here);
      const guess = didYouMean(String(parts[i]), have);
      const where = here.length ? `"${here.join(".")}"` : "the scenario";
      throw new Error(
        `--set ${axis.path}: ${where} has no "${parts[i]}"${guess ? ` (did you mean "${guess}"?)` : ""}${have.length ? `; it has: ${have.join(", ")}` : ""}`,
      );
    }
    if (!isMap(node) && !isSeq(node)) throw new Error(`--set ${axis.path}: "${upTo.join(".")}" is a single value, not a section; the path must end at it`);
  }
}

/** Throws Error naming the --set and the problem when a grid point makes the scenario invalid. */
export function checkPoint(file: string, text: string, point: GridPoint, axes: readonly Axis[]): void {
  const r = loadScenarioText(applyOverrides(text, point.overrides), file);
  if (r.ok) return;
  const what = point.overrides.map((o) => `${o.path}=${o.value}`).join(" ");
  const first = r.issues[0];
  const path = first.path.length ? `${formatPath(first.path)}: ` : "";
  const more = r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : "";
  throw new Error(
    `--set ${axes.map((a) => a.text).join(" --set ")}: with ${what} the scenario is invalid: ${path}${first.message}${first.hint ? ` (${first.hint})` : ""}${more}`,
  );
}
