// Command-line parsing on node:util's parseArgs, with fleet's own error messages: an
// unknown option gets a did-you-mean, a bad value says what it expected, and every usage
// error is a UsageError that the CLI prints in one line and exits 2 for.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../base/errors.js";
import { didYouMean } from "../base/issues.js";
import { formatDuration, parseDuration } from "../base/units.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Parsed["values"], positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (unknown) {
      const names = Object.keys(options).map((n) => `--${n}`);
      const guess = didYouMean(unknown[1], names);
      throw new UsageError(`unknown option ${unknown[1]}${guess ? ` (did you mean ${guess}?)` : ""}`, command);
    }
    const missing = /Option '(?:-\w, )?(--[^ ]+) <value>' argument missing/.exec(msg);
    if (missing) throw new UsageError(`option ${missing[1]} needs a value`, command);
    const noValue = /Option '(--[^']+)' does not take an argument/.exec(msg);
    if (noValue) throw new UsageError(`option ${noValue[1]} takes no value`, command);
    throw new UsageError(msg.split("\n")[0], command);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function int(p: Parsed, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--${name} expects a whole number, found ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} is too large: ${v}`);
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`--${name} must be at least ${opts.min}, found ${n}`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`--${name} must be at most ${opts.max}, found ${n}`);
  return n;
}

export function choice<T extends string>(p: Parsed, name: string, values: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    const guess = didYouMean(v, values);
    throw new UsageError(`--${name} must be one of ${values.join(", ")}, found ${JSON.stringify(v)}${guess ? ` (did you mean ${guess}?)` : ""}`);
  }
  return v as T;
}

/**
 * `--duration D` in seconds (undefined when not given): more than zero and, when
 * `maxSec` is given, within the scenario's safety limit.
 */
export function durationOption(p: Parsed, maxSec?: number): number | undefined {
  const d = str(p, "duration");
  if (d === undefined) return undefined;
  let sec: number;
  try {
    sec = parseDuration(d);
  } catch (e) {
    throw new UsageError(`--duration: ${(e as Error).message}`);
  }
  if (!(sec > 0)) throw new UsageError("--duration must be more than zero");
  if (maxSec !== undefined && sec > maxSec) {
    throw new UsageError(`--duration ${d} is above the safety limit of ${formatDuration(maxSec)}; raise limits.maxDuration in the scenario`);
  }
  return sec;
}
