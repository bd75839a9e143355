// Times and durations as the simulator's scripting surface accepts them: a number of
// seconds, or text such as "90s", "4h" or "1h30m" (parsed by scenario/units).
import { parseDuration } from "../base/units.js";

/** Seconds, or a duration as text ("250ms", "90s", "1h30m", "3y"). */
export type TimeLike = number | string;

/** Seconds for a TimeLike; throws UnitError for bad text, RangeError for a non-finite number. */
export function toSeconds(t: TimeLike): number {
  if (typeof t === "string") return parseDuration(t);
  if (!Number.isFinite(t)) throw new RangeError(`a time must be a finite number of seconds, got ${t}`);
  return t;
}
