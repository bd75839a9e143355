// The mapping file of `fleet import` and `fleet fit`: how the rows of a failure log become
// fleet faults. One YAML map (examples/field/campaign.map.yaml is a worked one):
//
//   time: { column: Timestamp, zone: "-07:00" }   # or format: epoch | epoch-ms (default iso)
//   kind: { column: Action, values: { replacement: disk, cycle: { kind: disk, params: { replace: 1h } } }, skip: [test] }
//   target: "dc1/row01/rack{Rack id:02}/host{(Server - 1) % 3 * 2 + Enclosure:02}"
//   params: { index: "{Slot - 1}" }
//
// - time: the column holding when it happened. ISO 8601 with or without a zone (a time
//   without one is read in `zone`: an offset or an IANA name, default UTC), or `format:
//   epoch` (seconds since 1970) / `epoch-ms`. `time: Timestamp` is short for the column.
// - kind: a fault model that can be scheduled (disk, host, accelerator, ...) for the whole
//   file, or a column whose values are listed under `values`, each to a kind or to
//   `{ kind, params }` (constants for rows of that value). A value listed under `skip` is
//   counted as skipped; any other value is an error row.
// - target: a template (./template.ts) giving the fleet id the fault hits.
// - params: the kind's incident parameters (the model's `incident.params`: index and replace
//   for disk), each a template or a constant; a value's own params override them.
//
// Checked with the project's schema library, so every problem has file:line:column and a
// hint: unknown keys, kinds that cannot be scheduled, template syntax (at the character),
// parameters a kind does not take, constants of the wrong unit. Column names are checked
// later, against the log's header (./log.ts).
import { isScalar, type Scalar } from "yaml";
import { didYouMean, type PathPart, type Result } from "../base/issues.js";
import { BAD, Ctx, dict, either, list, maybe, nodeAt, object, oneOf, opt, req, scalar, string, type Validator } from "../base/schema.js";
import { modelOf, schedulableKinds } from "../faults/timeline/entry.js";
import { parseTemplate, type Template } from "./template.js";
import { parseZone, UTC, type Zone } from "./time.js";
import { readYamlFile, type YamlFile } from "./yaml.js";

/** Where something was written in the mapping file. */
export interface Where {
  path: PathPart[];
  line?: number;
  column?: number;
}

export interface TemplateRule {
  template: Template;
  where: Where;
  /** Each column the template names, where its name stands in the file. */
  columns: { name: string; where: Where }[];
}

export type ParamRule = { template: TemplateRule } | { value: unknown };

export interface KindRule {
  kind: string;
  /** The value's own constants and templates (over the mapping's `params`). */
  params: Record<string, ParamRule>;
}

export type TimeFormat = "iso" | "epoch" | "epoch-ms";

export interface LogMapping {
  file: string;
  time: { column: string; format: TimeFormat; zone: Zone; zoneGiven: boolean; where: Where };
  kind: { column: string; values: Map<string, KindRule>; skip: Set<string>; where: Where } | { rule: KindRule };
  target: TemplateRule;
  params: Record<string, ParamRule>;
}

const FORMATS = ["iso", "epoch", "epoch-ms"] as const;

function whereOf(ctx: Ctx, path: PathPart[], node: unknown, offset = 0): Where {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range || !ctx.lineCounter) return { path: [...path] };
  const quoted = (node as Scalar).type === "QUOTE_DOUBLE" || (node as Scalar).type === "QUOTE_SINGLE";
  const p = ctx.lineCounter.linePos(range[0] + (quoted ? 1 : 0) + offset);
  return { path: [...path], line: p.line, column: p.col };
}

/** A template, parsed; a syntax error points at its character in the file. */
const templateRule: Validator<TemplateRule> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const text = string({ what: 'a template like "dc1/row01/rack{Rack:02}"' })(node, path, ctx);
  if (text === BAD) return BAD;
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    const s = node as Scalar;
    const quoted = s.type === "QUOTE_DOUBLE" || s.type === "QUOTE_SINGLE";
    const at = s.range ? { range: [s.range[0] + (quoted ? 1 : 0) + parsed.offset] } : s;
    return ctx.report("invalid_value", path, at, `template "${text}": ${parsed.message}`, parsed.hint);
  }
  const columns = parsed.template.columns.map((c) => ({ name: c.name, where: whereOf(ctx, path, node, c.offset) }));
  return { template: parsed.template, where: whereOf(ctx, path, node), columns };
};

/** A parameter: a template when it holds a brace, else a constant checked against each kind later. */
const paramRule: Validator<ParamRule> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (!isScalar(node) || node.value === null) return ctx.report("invalid_type", path, node ?? raw, 'expected a constant or a template like "{Slot - 1}"');
  if (typeof node.value === "string" && /[{}]/.test(node.value)) {
    const t = templateRule(node, path, ctx);
    return t === BAD ? BAD : { template: t };
  }
  return { value: node.value };
};

const kindName: Validator<string> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const kinds = schedulableKinds();
  const name = string({ what: `a fault kind (${kinds.join(", ")})` })(node, path, ctx);
  if (name === BAD) return BAD;
  if (modelOf(name)?.incident) return name;
  const guess = didYouMean(name, kinds);
  const why = modelOf(name) ? `"${name}" faults cannot be scheduled on a target` : `unknown fault kind "${name}"`;
  return ctx.report(
    "invalid_value",
    path,
    node,
    why,
    guess && guess !== name ? `did you mean "${guess}"?` : `kinds that can be scheduled: ${kinds.join(", ")}`,
  );
};

const kindRule: Validator<KindRule> = either(
  isScalar,
  (raw, path, ctx) => {
    const kind = kindName(raw, path, ctx);
    return kind === BAD ? BAD : { kind, params: {} };
  },
  object({
    kind: req(kindName, "the fault kind of rows with this value"),
    params: opt(dict(paramRule), {}, "constants or templates for rows with this value"),
  }),
);

const cellText: Validator<string> = scalar("a cell value", (v) => String(v));

const kindByColumn = object({
  column: req(string({ what: "a column name" }), "the column holding the kind of failure"),
  values: req(dict(kindRule, { what: "cell values to fault kinds" }), "each value of the column to a fault kind, e.g. { replacement: disk }"),
  skip: opt(list(cellText, { what: "values to count as skipped" }), [], "values of the column whose rows are counted as skipped"),
});

const timeFields = object({
  column: req(string({ what: "a column name" }), "the column holding when it happened"),
  format: opt(oneOf(FORMATS), "iso" as (typeof FORMATS)[number], "iso (ISO 8601), epoch (seconds since 1970) or epoch-ms (iso)"),
  zone: maybe(string({ what: 'an offset like "+00:00" or an IANA zone like America/Denver' }), "how times without a zone are read (UTC)"),
});

const timeRule = either(
  isScalar,
  (raw, path, ctx) => {
    const column = string({ what: "a column name" })(raw, path, ctx);
    return column === BAD ? BAD : { column, format: "iso" as const, zone: undefined };
  },
  timeFields,
);

const shape = {
  time: req(timeRule, "the column of the failure times, e.g. { column: Timestamp, zone: UTC }"),
  kind: req(either(isScalar, kindName, kindByColumn), "a fault kind for every row (disk), or { column, values }"),
  target: req(templateRule, 'the fleet id a row hits, e.g. "dc1/row01/rack{Rack:02}/host{Host:02}"'),
  params: opt(dict(paramRule), {}, "the kind's incident parameters, each a template or a constant"),
};

/** Checks every kind's parameters against the model's incident params, constants by value. */
function checkParams(m: LogMapping, root: unknown, ctx: Ctx): void {
  const rules: { rule: KindRule; path: PathPart[] }[] =
    "rule" in m.kind ? [{ rule: m.kind.rule, path: ["kind"] }] : [...m.kind.values].map(([v, rule]) => ({ rule, path: ["kind", "values", v] }));
  const reported = new Set<string>();
  for (const { rule, path } of rules) {
    const shape = modelOf(rule.kind)!.incident!.params;
    const names = Object.keys(shape);
    const own: [string, ParamRule, PathPart[]][] = Object.entries(rule.params).map(([k, p]) => [k, p, [...path, "params", k]]);
    const shared: [string, ParamRule, PathPart[]][] = Object.entries(m.params)
      .filter(([k]) => !Object.hasOwn(rule.params, k))
      .map(([k, p]) => [k, p, ["params", k]]);
    for (const [name, p, at] of [...own, ...shared]) {
      const key = `${at.join("/")}:${rule.kind}`;
      if (reported.has(key)) continue;
      if (!Object.hasOwn(shape, name)) {
        reported.add(key);
        const guess = didYouMean(name, names);
        const where = at[0] === "params" && rules.length > 1 ? `; put it under kind.values.<value>.params for the kinds that take it` : "";
        ctx.report(
          "unknown_key",
          at,
          keyNode(root, at, ctx),
          `${rule.kind} takes no parameter "${name}"`,
          guess ? `did you mean "${guess}"?` : `${rule.kind} takes ${names.join(", ") || "no parameters"}${where}`,
        );
      } else if ("value" in p) {
        reported.add(key);
        shape[name].v(nodeAt(root, at, ctx), at, ctx);
      }
    }
  }
}

function keyNode(root: unknown, path: PathPart[], ctx: Ctx): unknown {
  const parent = nodeAt(root, path.slice(0, -1), ctx) as { items?: { key: { value?: unknown } }[] };
  return parent?.items?.find((p) => String(p.key?.value) === String(path[path.length - 1]))?.key ?? nodeAt(root, path, ctx);
}

export function loadLogMapping(file: string): Result<LogMapping> {
  const y = readYamlFile(file, "a log mapping (time, kind, target, params)");
  return y.ok ? mappingOf(y.value, file) : y;
}

export function mappingOf({ doc, lineCounter }: YamlFile, file: string): Result<LogMapping> {
  const ctx = new Ctx(lineCounter, 100);
  ctx.doc = doc;
  const root = doc.contents;
  const v = object(shape, "a log mapping")(root, [], ctx);
  if (v === BAD || ctx.issues.length) return { ok: false, issues: ctx.issues };
  const zoneText = v.time.zone;
  let zone: Zone = UTC;
  if (zoneText !== undefined) {
    const z = parseZone(zoneText);
    if ("error" in z) ctx.report("invalid_value", ["time", "zone"], nodeAt(root, ["time", "zone"], ctx), z.error);
    else zone = z;
    if (v.time.format !== "iso")
      ctx.report(
        "invalid_value",
        ["time", "zone"],
        nodeAt(root, ["time", "zone"], ctx),
        `a zone applies to ISO times only; ${v.time.format} times are UTC`,
        "remove zone",
      );
  }
  const timeWhere = whereOf(ctx, ["time"], nodeAt(root, ["time"], ctx));
  let kind: LogMapping["kind"];
  if (typeof v.kind === "string") kind = { rule: { kind: v.kind, params: {} } };
  else {
    const skip = new Set(v.kind.skip);
    for (const value of Object.keys(v.kind.values)) {
      if (skip.has(value))
        ctx.report(
          "invalid_value",
          ["kind", "skip"],
          nodeAt(root, ["kind", "skip"], ctx),
          `"${value}" is both under values and under skip`,
          "keep it in one of them",
        );
    }
    kind = {
      column: v.kind.column,
      values: new Map(Object.entries(v.kind.values)),
      skip,
      where: whereOf(ctx, ["kind", "column"], nodeAt(root, ["kind", "column"], ctx)),
    };
  }
  const mapping: LogMapping = {
    file,
    time: { column: v.time.column, format: v.time.format, zone, zoneGiven: zoneText !== undefined, where: timeWhere },
    kind,
    target: v.target,
    params: v.params,
  };
  checkParams(mapping, root, ctx);
  return ctx.issues.length ? { ok: false, issues: ctx.issues } : { ok: true, value: mapping };
}

/** Every column the mapping reads, once each, with where it is first named. */
export function mappingColumns(m: LogMapping): { name: string; where: Where }[] {
  const out: { name: string; where: Where }[] = [{ name: m.time.column, where: m.time.where }];
  if ("column" in m.kind) out.push({ name: m.kind.column, where: m.kind.where });
  const templates = (params: Record<string, ParamRule>) => Object.values(params).flatMap((p) => ("template" in p ? [p.template] : []));
  const rules = [m.target, ...templates(m.params), ...("values" in m.kind ? [...m.kind.values.values()].flatMap((r) => templates(r.params)) : [])];
  for (const r of rules) out.push(...r.columns);
  return out.filter((c, i) => out.findIndex((d) => d.name === c.name) === i);
}
