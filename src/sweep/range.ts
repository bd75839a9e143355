// A sweep axis, as written with --set: `PATH=FROM..TO:STEPS`, e.g.
// `policies.naive.checkpoint=10m..4h:12`: STEPS values from FROM to TO, both included,
// evenly spaced; `FROM..~TO:STEPS` spaces them evenly on a log scale (each value a fixed
// factor times the one before: 10m..~4h:8 gives 10m, 15m45s, 24m48s, ... 4h). FROM and TO
// are both numbers (0.5, 3), both percentages (1%..5%) or both durations (90s..2h); each
// value is set into the scenario as it would be written in YAML (durations in seconds:
// "1254.5s"), before the scenario is validated, so a value the field does not accept is
// an error naming the field.
import { formatDuration, parseDuration } from "../base/units.js";

export type AxisUnit = "number" | "percent" | "duration";

export interface Axis {
  /** Dotted path into the scenario: policies.naive.checkpoint, workloads.0.training.hosts. */
  path: string;
  unit: AxisUnit;
  spacing: "linear" | "log";
  /** In the unit's base: a number, a fraction (0.02 for 2%) or seconds. */
  values: number[];
  /** As given: "policies.naive.checkpoint=10m..4h:12". */
  text: string;
}

export const SET_FORM = "PATH=FROM..TO:STEPS, e.g. policies.naive.checkpoint=10m..4h:12 (FROM..~TO for log spacing)";
export const MAX_STEPS = 1000;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function readEnd(raw: string, which: string): { unit: AxisUnit; value: number } {
  const t = raw.trim();
  if (NUMBER.test(t)) return { unit: "number", value: Number(t) };
  if (/%$/.test(t) && NUMBER.test(t.slice(0, -1).trim())) return { unit: "percent", value: Number(t.slice(0, -1).trim()) / 100 };
  try {
    return { unit: "duration", value: parseDuration(t) };
  } catch {
    throw new Error(`${which} ${JSON.stringify(t)} is not a number, a percentage or a duration (like 0.5, 2%, 90s or 4h)`);
  }
}

/** Rounds away float noise (0.1 + 0.2) so values print and compare cleanly. */
const clean = (x: number): number => Number(x.toPrecision(12));

/** Parses one --set; throws Error saying what to fix. */
export function parseSet(text: string): Axis {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`expected ${SET_FORM}, found ${JSON.stringify(text)}`);
  const path = text.slice(0, eq).trim();
  const range = text.slice(eq + 1).trim();
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path))
    throw new Error(`the path ${JSON.stringify(path)} should be dotted keys like policies.naive.checkpoint (list items by number: workloads.0.training.hosts)`);
  const m = /^(.+?)\.\.(~?)(.+?):(.*)$/.exec(range);
  if (!m) throw new Error(`expected ${SET_FORM}, found ${JSON.stringify(text)}`);
  const [, fromRaw, tilde, toRaw, stepsRaw] = m;
  if (!/^\s*\d+\s*$/.test(stepsRaw)) throw new Error(`STEPS should be a whole number of values (2 or more), found ${JSON.stringify(stepsRaw)}`);
  const steps = Number(stepsRaw);
  if (steps < 2 || steps > MAX_STEPS) throw new Error(`STEPS should be between 2 and ${MAX_STEPS}, found ${steps}`);
  const from = readEnd(fromRaw, "FROM");
  const to = readEnd(toRaw, "TO");
  if (from.unit !== to.unit)
    throw new Error(`FROM and TO should be the same kind of value, found a ${from.unit} (${fromRaw.trim()}) and a ${to.unit} (${toRaw.trim()})`);
  if (from.value === to.value) throw new Error(`FROM and TO are the same value (${fromRaw.trim()}); a sweep needs a range`);
  const spacing = tilde ? "log" : "linear";
  if (spacing === "log" && (from.value <= 0 || to.value <= 0)) throw new Error("log spacing (..~) needs FROM and TO above zero");
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const f = i / (steps - 1);
    const v = spacing === "log" ? from.value * (to.value / from.value) ** f : from.value + f * (to.value - from.value);
    values.push(i === steps - 1 ? to.value : clean(v));
  }
  return { path, unit: from.unit, spacing, values, text: `${path}=${range}` };
}

/** The value as it is set into the scenario's YAML. */
export function yamlValue(axis: Axis, v: number): string {
  if (axis.unit === "duration") return `${clean(v)}s`;
  if (axis.unit === "percent") return `${clean(v * 100)}%`;
  return String(clean(v));
}

/** The value as people read it: "31m", "2.5%", "0.75". */
export function formatSetting(axis: Axis, v: number): string {
  if (axis.unit === "duration") return formatDuration(v);
  if (axis.unit === "percent") return `${Number((v * 100).toPrecision(4))}%`;
  return String(Number(v.toPrecision(4)));
}
