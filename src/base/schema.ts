// A small validator library over YAML syntax nodes, in the spirit of zod but position
// aware: every value is checked where it stands in the file, so every issue carries
// file:line:column and its path (`faults[2].busbar.mtbf`), and all issues are collected
// in one pass instead of stopping at the first. Validators return the typed value or
// BAD (after reporting why); object validators fill documented defaults.
import { type Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, visit } from "yaml";
import { didYouMean, type Issue, type IssueCode, type PathPart, quote } from "./issues.js";
import * as units from "./units.js";

export const BAD: unique symbol = Symbol("bad");
export type Bad = typeof BAD;

export class Ctx {
  readonly issues: Issue[] = [];
  /** Things that load but are probably not what the author meant (Scenario.warnings). */
  readonly warnings: Issue[] = [];
  private aliasesLeft: number;
  /**
   * Set once the alias budget is spent: from then on every alias reads as nothing, so
   * what follows would be reported wrong at every alias; the one alias error stands alone.
   */
  private aliasBudgetSpent = false;

  constructor(
    readonly lineCounter: LineCounter | undefined,
    readonly maxAliases = 1000,
  ) {
    this.aliasesLeft = maxAliases;
  }

  report(code: IssueCode, path: PathPart[], node: unknown, message: string, hint?: string): Bad {
    if (!this.aliasBudgetSpent) this.issues.push(this.issue(code, path, node, message, hint));
    return BAD;
  }

  /** A warning: the scenario loads, and the user is told where and why it looks wrong. */
  warn(code: IssueCode, path: PathPart[], node: unknown, message: string, hint?: string): void {
    this.warnings.push(this.issue(code, path, node, message, hint));
  }

  private issue(code: IssueCode, path: PathPart[], node: unknown, message: string, hint?: string): Issue {
    const issue: Issue = { code, path: [...path], message };
    if (hint) issue.hint = hint;
    const pos = this.position(node);
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.col;
    }
    return issue;
  }

  position(node: unknown): { line: number; col: number } | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range || !this.lineCounter) return undefined;
    return this.lineCounter.linePos(range[0]);
  }

  /** Follows an alias to its anchor, within a budget (no alias bombs). */
  resolve(node: unknown, path: PathPart[], doc?: Document): unknown {
    if (isAlias(node)) {
      if (--this.aliasesLeft < 0) {
        if (!this.aliasBudgetSpent) {
          this.report("yaml_alias", path, node, "too many alias expansions", `a file may expand at most ${this.maxAliases} aliases`);
          this.aliasBudgetSpent = true;
        }
        return null;
      }
      return doc ? this.anchorOf(node, doc) : null;
    }
    return node;
  }

  private aliasTargets?: { doc: Document; targets: Map<Alias, Node | undefined> };

  /**
   * The node an alias names: the last node before it with that anchor, as Alias.resolve
   * finds it, but with one walk of the document for all its aliases rather than one each.
   */
  private anchorOf(alias: Alias, doc: Document): Node | undefined {
    if (this.aliasTargets?.doc !== doc) {
      const targets = new Map<Alias, Node | undefined>();
      const last = new Map<string, Node>();
      visit(doc, {
        Node: (_key, n) => {
          if (isAlias(n)) targets.set(n, last.get(n.source));
          else if (n.anchor) last.set(n.anchor, n);
        },
      });
      this.aliasTargets = { doc, targets };
    }
    return this.aliasTargets.targets.get(alias);
  }

  doc?: Document;
  /** Folder of the scenario file: relative paths inside it (incident timelines) start here. */
  baseDir = ".";
  /** Files outside the scenario's folder and the working directory that it may still read. */
  trustedFiles: string[] = [];
  /** What the scenario's timeline files held so far, in all, and the most entries they may (limits.maxTimelineEntries). */
  timelines = { entries: 0, bytes: 0, maxEntries: Infinity };
}

export type Validator<T> = (node: unknown, path: PathPart[], ctx: Ctx) => T | Bad;

/** What a value looks like, for "expected X, found Y" messages. */
export function describeNode(node: unknown): string {
  if (node === null || node === undefined) return "nothing";
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "nothing";
    if (typeof v === "string") return quote(v, 40);
    return String(v);
  }
  return "something else";
}

function deref(node: unknown, path: PathPart[], ctx: Ctx): unknown {
  return ctx.resolve(node, path, ctx.doc);
}

/** A scalar read through a parse function that throws UnitError (or any Error) on bad input. */
export function scalar<T>(expected: string, parse: (value: unknown) => T): Validator<T> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isScalar(node) || node.value === null) {
      return ctx.report("invalid_type", path, node ?? raw, `expected ${expected}, found ${describeNode(node)}`);
    }
    try {
      return parse(node.value);
    } catch (e) {
      const code: IssueCode = e instanceof units.UnitError ? "bad_unit" : "invalid_value";
      return ctx.report(code, path, node, (e as Error).message);
    }
  };
}

export interface NumberOpts {
  min?: number;
  max?: number;
  integer?: boolean;
  /** When the maximum is a safety limit: how to raise it, e.g. "limits.maxHosts". */
  limit?: string;
}

export function number(opts: NumberOpts = {}): Validator<number> {
  const expected = opts.integer ? "a whole number" : "a number";
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isScalar(node) || typeof node.value !== "number") {
      return ctx.report("invalid_type", path, node ?? raw, `expected ${expected}, found ${describeNode(node)}`);
    }
    const v = node.value;
    if (!Number.isFinite(v)) return ctx.report("invalid_value", path, node, `expected a finite number, found ${v}`);
    if (opts.integer && !Number.isInteger(v)) return ctx.report("invalid_value", path, node, `expected a whole number, found ${v}`);
    if (opts.min !== undefined && v < opts.min) return ctx.report("invalid_value", path, node, `expected at least ${opts.min}, found ${v}`);
    if (opts.max !== undefined && v > opts.max) {
      if (opts.limit) {
        return ctx.report("limit", path, node, `${v} is above the safety limit of ${opts.max}`, `raise it with ${opts.limit} if you mean it`);
      }
      return ctx.report("invalid_value", path, node, `expected at most ${opts.max}, found ${v}`);
    }
    return v;
  };
}

export function string(opts: { pattern?: RegExp; what?: string } = {}): Validator<string> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isScalar(node) || typeof node.value !== "string") {
      return ctx.report("invalid_type", path, node ?? raw, `expected ${opts.what ?? "text"}, found ${describeNode(node)}`);
    }
    if (opts.pattern && !opts.pattern.test(node.value)) {
      return ctx.report("invalid_value", path, node, `expected ${opts.what ?? `text matching ${opts.pattern}`}, found ${describeNode(node)}`);
    }
    return node.value;
  };
}

export function boolean(): Validator<boolean> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isScalar(node) || typeof node.value !== "boolean") {
      return ctx.report("invalid_type", path, node ?? raw, `expected true or false, found ${describeNode(node)}`);
    }
    return node.value;
  };
}

export function oneOf<T extends string>(values: readonly T[]): Validator<T> {
  const list = values.map((v) => JSON.stringify(v)).join(", ");
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isScalar(node) || typeof node.value !== "string") {
      return ctx.report("invalid_type", path, node ?? raw, `expected one of ${list}, found ${describeNode(node)}`);
    }
    if (!(values as readonly string[]).includes(node.value)) {
      const guess = didYouMean(node.value, values);
      return ctx.report("invalid_value", path, node, `expected one of ${list}, found ${describeNode(node)}`, guess ? `did you mean "${guess}"?` : undefined);
    }
    return node.value as T;
  };
}

/** The first validator whose shape test accepts the node decides (no backtracking of issues). */
export function either<A, B>(test: (node: unknown) => boolean, whenTrue: Validator<A>, otherwise: Validator<B>): Validator<A | B> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    return test(node) ? whenTrue(node, path, ctx) : otherwise(node, path, ctx);
  };
}

/** `limit`: when the maximum is a safety limit, how to raise it (e.g. "limits.maxDuration"). */
export const duration = (o: { min?: number; max?: number; positive?: boolean; limit?: string } = {}): Validator<number> =>
  bounded(scalar(units.EXPECT_DURATION, units.parseDuration), o, (v) => units.formatDuration(v));
export const fraction = (): Validator<number> => scalar(units.EXPECT_FRACTION, units.parseFraction);
export const size = (o: { min?: number; max?: number; positive?: boolean } = {}): Validator<number> =>
  bounded(scalar(units.EXPECT_SIZE, units.parseSize), o, (v) => `${v} bytes`);
export const fitRate = (): Validator<number> => scalar(units.EXPECT_FIT, units.parseFitPerMbit);
export const ratePerSec = (): Validator<number> => scalar(units.EXPECT_RATE, units.parseRatePerSec);
export const angle = (): Validator<number> => scalar(units.EXPECT_ANGLE, units.parseAngle);
export const azimuth = (): Validator<number> => scalar(units.EXPECT_ANGLE, units.parseAzimuth);
export const bandwidth = (o: { min?: number; max?: number; positive?: boolean } = {}): Validator<number> =>
  bounded(scalar(units.EXPECT_BANDWIDTH, units.parseBandwidth), o, (v) => `${v} bits/s`);
export const factor = (o: { min?: number; max?: number; positive?: boolean } = {}): Validator<number> =>
  bounded(scalar(units.EXPECT_FACTOR, units.parseFactor), o, (v) => `${v}x`);

/** `10x..20x` (uniform over the range) or one factor like `15x`, as [min, max]. */
export const factorRange: Validator<[number, number]> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && typeof node.value === "string" && node.value.includes("..")) {
    const parts = node.value.split("..");
    let lo: number, hi: number;
    try {
      if (parts.length !== 2) throw new units.UnitError(`expected a range like 10x..20x, found "${node.value}"`, units.EXPECT_FACTOR);
      lo = units.parseFactor(parts[0]);
      hi = units.parseFactor(parts[1]);
    } catch (e) {
      return ctx.report(e instanceof units.UnitError ? "bad_unit" : "invalid_value", path, node, (e as Error).message, "write a range like 10x..20x");
    }
    if (lo < 1 || hi < lo)
      return ctx.report(
        "invalid_value",
        path,
        node,
        `expected a range of factors of at least 1x, low..high, found "${node.value}"`,
        "write a range like 10x..20x",
      );
    return [lo, hi];
  }
  const v = factor({ min: 1 })(node, path, ctx);
  return v === BAD ? BAD : [v, v];
};

function bounded(
  inner: Validator<number>,
  o: { min?: number; max?: number; positive?: boolean; limit?: string },
  show: (v: number) => string,
): Validator<number> {
  return (raw, path, ctx) => {
    const v = inner(raw, path, ctx);
    if (v === BAD) return v;
    const node = deref(raw, path, ctx);
    if (o.positive && v <= 0) return ctx.report("invalid_value", path, node, `expected more than zero, found ${describeNode(node)}`);
    if (o.min !== undefined && v < o.min) return ctx.report("invalid_value", path, node, `expected at least ${show(o.min)}, found ${describeNode(node)}`);
    if (o.max !== undefined && v > o.max) {
      if (o.limit !== undefined)
        return ctx.report("limit", path, node, `${describeNode(node)} is above the safety limit of ${show(o.max)}`, `raise it with ${o.limit} if you mean it`);
      return ctx.report("invalid_value", path, node, `expected at most ${show(o.max)}, found ${describeNode(node)}`);
    }
    return v;
  };
}

// ---- collections ----

export interface Field<T> {
  v: Validator<T>;
  required: boolean;
  default?: () => T;
  /** One line for the schema reference: what the key means and its default. */
  doc?: string;
}

export const req = <T>(v: Validator<T>, doc?: string): Field<T> => ({ v, required: true, doc });
export const opt = <T>(v: Validator<T>, dflt: T | (() => T), doc?: string): Field<T> => ({
  v,
  required: false,
  default: typeof dflt === "function" ? (dflt as () => T) : () => structuredClone(dflt),
  doc,
});
/** Optional with no default: the key is absent from the result when it is absent from the file. */
export const maybe = <T>(v: Validator<T>, doc?: string): Field<T | undefined> => ({ v, required: false, doc });

export type Shape = Record<string, Field<unknown>>;
export type Infer<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export function object<S extends Shape>(shape: S, what = "a map"): Validator<Infer<S>> {
  const keys = Object.keys(shape);
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isMap(node)) {
      return ctx.report("invalid_type", path, node ?? raw, `expected ${what} with keys ${keys.join(", ")}, found ${describeNode(node)}`);
    }
    const seen = new Map<string, unknown>();
    let ok = true;
    for (const pair of node.items) {
      const keyNode = deref(pair.key, path, ctx);
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        ctx.report("invalid_type", path, pair.key, "expected a plain key");
        ok = false;
        continue;
      }
      if (!Object.hasOwn(shape, key)) {
        const guess = didYouMean(key, keys);
        ctx.report("unknown_key", [...path, key], pair.key, `unknown key "${key}"`, guess ? `did you mean "${guess}"?` : `expected one of ${keys.join(", ")}`);
        ok = false;
        continue;
      }
      seen.set(key, pair.value ?? null);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const field = shape[key];
      if (seen.has(key)) {
        const v = field.v(seen.get(key), [...path, key], ctx);
        if (v === BAD) ok = false;
        else out[key] = v;
      } else if (field.required) {
        ctx.report("missing_key", [...path, key], node, `missing key "${key}"`, field.doc);
        ok = false;
      } else if (field.default) {
        out[key] = field.default();
      }
    }
    return ok ? (out as Infer<S>) : BAD;
  };
}

export function list<T>(item: Validator<T>, opts: { min?: number; max?: number; what?: string } = {}): Validator<T[]> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isSeq(node))
      return ctx.report("invalid_type", path, node ?? raw, `expected a list${opts.what ? ` of ${opts.what}` : ""}, found ${describeNode(node)}`);
    if (opts.min !== undefined && node.items.length < opts.min) {
      return ctx.report("invalid_value", path, node, `expected at least ${opts.min} item${opts.min === 1 ? "" : "s"}, found ${node.items.length}`);
    }
    if (opts.max !== undefined && node.items.length > opts.max) {
      return ctx.report("limit", path, node, `expected at most ${opts.max} items, found ${node.items.length}`);
    }
    const out: T[] = [];
    let ok = true;
    node.items.forEach((it, i) => {
      const v = item(it, [...path, i], ctx);
      if (v === BAD) ok = false;
      else out.push(v);
    });
    return ok ? out : BAD;
  };
}

/** A map of user-chosen names to values (policies: { baseline: {...}, hardened: {...} }). */
export function dict<T>(item: Validator<T>, opts: { what?: string; namePattern?: RegExp; min?: number } = {}): Validator<Record<string, T>> {
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isMap(node)) return ctx.report("invalid_type", path, node ?? raw, `expected a map of ${opts.what ?? "names to values"}, found ${describeNode(node)}`);
    if (opts.min !== undefined && node.items.length < opts.min) {
      return ctx.report("invalid_value", path, node, `expected at least ${opts.min} ${opts.what ?? "entries"}, found ${node.items.length}`);
    }
    const out: Record<string, T> = {};
    let ok = true;
    for (const pair of node.items) {
      const keyNode = deref(pair.key, path, ctx);
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined || (opts.namePattern && !opts.namePattern.test(key))) {
        ctx.report("invalid_value", path, pair.key, `expected a name made of letters, digits, "-" and "_", found ${describeNode(keyNode)}`);
        ok = false;
        continue;
      }
      const v = item(pair.value ?? null, [...path, key], ctx);
      if (v === BAD) ok = false;
      else out[key] = v;
    }
    return ok ? out : BAD;
  };
}

/**
 * A map with exactly one key naming its kind, as in `- busbar: { mtbf: 3y }`.
 * Extra keys are allowed only if listed in `siblings` (e.g. `at` for scheduled faults).
 */
export function variant<T>(kinds: Record<string, Validator<T>>, what: string): Validator<{ kind: string; value: T; node: unknown }> {
  const names = Object.keys(kinds);
  return (raw, path, ctx) => {
    const node = deref(raw, path, ctx);
    if (!isMap(node) || node.items.length === 0) {
      return ctx.report("invalid_type", path, node ?? raw, `expected ${what}: a map with one of the keys ${names.join(", ")}, found ${describeNode(node)}`);
    }
    const keyNode = deref(node.items[0].key, path, ctx);
    const kind = isScalar(keyNode) ? String(keyNode.value) : "";
    if (node.items.length > 1) {
      return ctx.report(
        "invalid_value",
        path,
        node.items[1].key,
        `expected one key naming the ${what} kind, found ${node.items.length} keys`,
        "put the settings inside the kind's map",
      );
    }
    const v = kinds[kind];
    if (!v) {
      const guess = didYouMean(kind, names);
      return ctx.report(
        "unknown_key",
        [...path, kind],
        node.items[0].key,
        `unknown ${what} kind "${kind}"`,
        guess ? `did you mean "${guess}"?` : `expected one of ${names.join(", ")}`,
      );
    }
    const value = v(node.items[0].value ?? null, [...path, kind], ctx);
    return value === BAD ? BAD : { kind, value, node };
  };
}

/** Runs a validator and then a check on the value; the check reports through ctx. */
export function refine<T>(v: Validator<T>, check: (value: T, path: PathPart[], ctx: Ctx, node: unknown) => boolean): Validator<T> {
  return (raw, path, ctx) => {
    const value = v(raw, path, ctx);
    if (value === BAD) return BAD;
    return check(value, path, ctx, deref(raw, path, ctx)) ? value : BAD;
  };
}

/** Maps a validated value to another shape. */
export function map<A, B>(v: Validator<A>, f: (a: A) => B): Validator<B> {
  return (raw, path, ctx) => {
    const a = v(raw, path, ctx);
    return a === BAD ? BAD : f(a);
  };
}

/** Finds the node at a path (for issues raised after validation, e.g. cross-references). */
export function nodeAt(root: unknown, path: PathPart[], ctx: Ctx): unknown {
  let node = root;
  for (const part of path) {
    node = deref(node, [], ctx);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return node;
      node = pair.value;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
    } else {
      return node;
    }
  }
  return node;
}

export type { Node };

/**
 * A check that needs more than one section of the scenario (a target id against the
 * fleet, a store's copies against its disks). Sections declare theirs as data; the loader
 * runs them once every section parsed, so their errors still carry line and column.
 * `S` is the part of the parsed scenario the check reads.
 */
export type CrossCheck<S> = (scenario: S, root: unknown, ctx: Ctx) => void;
