// Errors are data, printed once. Loaders return `{ ok: true, value }` or
// `{ ok: false, issues }`; each issue says where (file:line:column and the path inside
// the document), what was expected, what was found, and how to fix it. One formatter
// prints them, and the CLI never shows a stack trace for bad input.

export type IssueCode =
  | "yaml_syntax"
  | "yaml_tag"
  | "yaml_alias"
  | "too_large"
  | "empty"
  | "unknown_key"
  | "missing_key"
  | "invalid_type"
  | "invalid_value"
  | "bad_unit"
  | "limit"
  | "unknown_target"
  | "unknown_name"
  | "no_effect";

export type PathPart = string | number;

export interface Issue {
  code: IssueCode;
  path: PathPart[];
  /** 1-based line and column of the offending text, when it is known. */
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** `faults[2].busbar.mtbf` */
export function formatPath(path: PathPart[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]{0,59}$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${quote(part)}]`;
  }
  return out;
}

/** `text` cut after `max` characters, for a message: a line of a file never floods a log. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** `text` in double quotes, cut after `max` characters. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(clip(text, max));
}

/** One issue per line: `scenarios/x.yaml:12:7 faults[2].busbar.mtfb: unknown key (did you mean "mtbf"?)` */
export function formatIssue(file: string, issue: Issue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  const path = issue.path.length ? ` ${formatPath(issue.path)}:` : "";
  const hint = issue.hint ? ` (${issue.hint})` : "";
  return `${where}${path} ${issue.message}${hint}`;
}

/** Most issues (or warnings) printed for one file; the rest are counted. */
export const MAX_SHOWN_ISSUES = 50;

/** The first MAX_SHOWN_ISSUES issues, one per line, then how many more there are. */
function shown(file: string, issues: Issue[]): string[] {
  const lines = issues.slice(0, MAX_SHOWN_ISSUES).map((i) => formatIssue(file, i));
  if (issues.length > MAX_SHOWN_ISSUES) lines.push(`  ... and ${issues.length - MAX_SHOWN_ISSUES} more`);
  return lines;
}

export function formatIssues(file: string, issues: Issue[]): string {
  const n = issues.length;
  return [...shown(file, issues), `${n} error${n === 1 ? "" : "s"} in ${file}`].join("\n");
}

/** Edit distance with adjacent transpositions (optimal string alignment), for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    // The distance is at least the difference in length: no need to measure a word that far off.
    if (Math.abs(c.length - word.length) > typoLimit(word, c)) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= typoLimit(word, best) ? best : undefined;
}

/** The most edits that still make `word` a plausible typo of `candidate`. */
function typoLimit(word: string, candidate: string): number {
  return Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
}

/** Warnings, one per line: `scenarios/x.yaml:40:3 slo["memory.silent"]: warning: ...`. */
export function formatWarnings(file: string, warnings: Issue[]): string {
  const marked = warnings.map((w) => ({ ...w, message: `warning: ${w.message}` }));
  return shown(file, marked).join("\n");
}
