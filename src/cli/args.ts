// Command-line parsing on node:util's parseArgs, with fleet's own error messages: an
// unknown option gets a did-you-mean, a bad value says what it expected, and every usage
// error is a UsageError that the CLI prints in one line and exits 2 for.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../base/errors.js";
import { didYouMean, quote } from "../base/issues.js";
import { formatDuration, parseDuration, parseSize } from "../base/units.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: negativeValuesJoined(argv, options), options, allowPositionals: true, strict: true });
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
    const ambiguous = /Option '(?:-\w, )?(--[^ ']+)(?: <value>)?' argument is ambiguous/.exec(msg);
    if (ambiguous) throw new UsageError(`option ${ambiguous[1]} needs a value; one that starts with "-" is written ${ambiguous[1]}=-...`, command);
    throw new UsageError(msg.split("\n")[0], command);
  }
}

/**
 * `--seed -5` as `--seed=-5`: node's parseArgs takes a value that starts with "-" for an
 * option ("argument is ambiguous"), so a negative number is handed to the option before
 * it, whose own check then says what it expects.
 */
function negativeValuesJoined(argv: string[], options: OptionSpec): string[] {
  const takesValue = (arg: string): boolean => {
    const long = /^--([^=]+)$/.exec(arg);
    if (long) return Object.hasOwn(options, long[1]) && options[long[1]].type === "string";
    return /^-\w$/.test(arg) && Object.values(options).some((o) => o.short === arg[1] && o.type === "string");
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (next !== undefined && /^-\.?\d/.test(next) && takesValue(argv[i])) {
      out.push(argv[i].startsWith("--") ? `${argv[i]}=${next}` : `${argv[i]}${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** A whole number from `min` (0) to `max` (2^53-1); the error says that range whatever was wrong. */
export function int(p: Parsed, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw new UsageError(`--${name} must be a whole number from ${bound(min)} to ${bound(max)}, found ${quote(v)}`);
  }
  return n;
}

/** 9007199254740991 as 2^53-1, 2147483647 as 2^31-1; other numbers as they are. */
function bound(n: number): string {
  const bits = Math.log2(n + 1);
  return n >= 2 ** 16 && Number.isInteger(bits) ? `2^${bits}-1` : String(n);
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

/** `--NAME SIZE` in bytes, e.g. `--max-memory 8GiB` (undefined when not given); more than zero. */
export function sizeOption(p: Parsed, name: string): number | undefined {
  const text = str(p, name);
  if (text === undefined) return undefined;
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
  if (!(bytes > 0)) throw new UsageError(`--${name} must be more than zero, e.g. 8GiB`);
  return bytes;
}

/**
 * A duration option in milliseconds (undefined when not given): a duration like "90s" or
 * "1m", or a plain number of seconds; at least `minSec` and at most `maxSec`.
 */
export function durationMsOption(p: Parsed, name: string, minSec: number, maxSec = Number.POSITIVE_INFINITY): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  let sec: number;
  try {
    sec = /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : parseDuration(v);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
  if (!(sec >= minSec)) throw new UsageError(`--${name} must be at least ${formatDuration(minSec)}, found ${JSON.stringify(v)}`);
  if (sec > maxSec) throw new UsageError(`--${name} must be at most ${formatDuration(maxSec)}, found ${JSON.stringify(v)}`);
  return Math.round(sec * 1000);
}
