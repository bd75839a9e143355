// Times in failure logs: ISO 8601 text with or without a zone, or seconds (or milliseconds)
// since 1970. A time written without a zone is read in the mapping's `zone`: a fixed
// offset ("+00:00", "-07:00", "UTC") or an IANA zone ("America/Denver", daylight saving
// included, through the runtime's Intl tables). All results are epoch seconds, UTC.
//
// Accepted ISO forms: 2021-05-04, 2021-05-04T17:03, 2021-05-04T17:03:13,
// 2021-05-04 17:03:13.250 (a space for the T, a comma or a point before the fraction),
// each with an optional zone: Z, UTC, +02, +0200, +02:00. Left out: week and ordinal
// dates, the basic form without separators, 24:00, leap seconds.
//
// In an IANA zone a local time that happens twice (the hour after clocks go back) is read
// as its first occurrence, and one that never happens (the hour clocks skip) as if the
// clocks had not yet moved.

export interface Zone {
  /** As written in the mapping: "+00:00", "UTC", "America/Denver". */
  name: string;
  /** Seconds to subtract from a local time (as if it were UTC) to get UTC. */
  offsetSecAt(localSec: number): number;
}

const FIXED = /^(?:Z|UTC|([+-])(\d{2})(?::?(\d{2}))?)$/i;

function fixedOffsetSec(text: string): number | undefined {
  const m = FIXED.exec(text.trim());
  if (!m) return undefined;
  if (!m[1]) return 0;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  if (h > 18 || min > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (h * 3600 + min * 60);
}

/** A zone from its name, or an error saying what is accepted. */
export function parseZone(name: string): Zone | { error: string } {
  const fixed = fixedOffsetSec(name);
  if (fixed !== undefined) return { name, offsetSecAt: () => fixed };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return { error: `unknown time zone "${name}": expected an offset like +00:00 or -07:00, UTC, or an IANA zone like America/Denver` };
  }
  // Offsets of an IANA zone change at most a few times a year: cache them by the hour.
  const byHour = new Map<number, number>();
  const offsetOfInstant = (utcSec: number): number => {
    const hour = Math.floor(utcSec / 3600);
    let off = byHour.get(hour);
    if (off === undefined) {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(hour * 3600 * 1000)) if (p.type !== "literal") parts[p.type] = Number(p.value);
      off = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000 - hour * 3600;
      if (byHour.size > 100_000) byHour.clear();
      byHour.set(hour, off);
    }
    return off;
  };
  return {
    name,
    offsetSecAt(localSec) {
      // The offset in force at the instant this local time names: try the offset of the
      // instant it would be under the offset an hour before, then check.
      const before = offsetOfInstant(localSec - offsetOfInstant(localSec) - 3600);
      const after = offsetOfInstant(localSec - before);
      return before === after ? before : offsetOfInstant(localSec - after) === after ? after : before;
    },
  };
}

export const UTC: Zone = { name: "UTC", offsetSecAt: () => 0 };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1];
}

export const ISO_EXAMPLE = "e.g. 2021-05-04T17:03:13, 2021-05-04 17:03 or 2021-05-04T17:03:13Z (a zone: Z, +02:00)";

/** Epoch seconds of an ISO 8601 time; `zoned` says whether it carried its own zone. */
export function parseIsoTime(text: string, zone: Zone): { sec: number; zoned: boolean } | { error: string } {
  const m = ISO.exec(text.trim());
  if (!m) return { error: `not an ISO 8601 time (${ISO_EXAMPLE})` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12) return { error: `month ${m[2]} is not 01-12` };
  if (day < 1 || day > daysIn(year, month)) return { error: `day ${m[3]} is not in ${m[1]}-${m[2]}` };
  if (hour > 23) return { error: `hour ${m[4]} is not 00-23` };
  if (minute > 59) return { error: `minute ${m[5]} is not 00-59` };
  if (second > 59) return { error: `second ${m[6]} is not 00-59` };
  const fraction = m[7] ? Number(`0.${m[7]}`) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 + fraction;
  if (m[8] !== undefined) {
    const off = fixedOffsetSec(m[8]);
    if (off === undefined) return { error: `zone "${m[8]}" is not an offset like +02:00` };
    return { sec: local - off, zoned: true };
  }
  return { sec: local - zone.offsetSecAt(local), zoned: false };
}

const EPOCH = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Epoch seconds above this are more likely milliseconds (year 5138). */
const EPOCH_SEC_MAX = 1e11;

/** Epoch seconds from a cell holding seconds ("1620147793") or milliseconds since 1970. */
export function parseEpoch(text: string, unit: "s" | "ms"): { sec: number } | { error: string } {
  const t = text.trim();
  if (!EPOCH.test(t)) return { error: `not a number of ${unit === "s" ? "seconds" : "milliseconds"} since 1970` };
  const sec = unit === "s" ? Number(t) : Number(t) / 1000;
  if (!Number.isFinite(sec)) return { error: "not a finite number" };
  if (unit === "s" && Math.abs(sec) > EPOCH_SEC_MAX) return { error: `${t} seconds is past the year 5000: milliseconds? (format: epoch-ms)` };
  return { sec };
}

/** Year, month (1-12) and day of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const two = (n: number) => String(n).padStart(2, "0");

/** 1620147793 -> "2021-05-04T17:03:13Z" (fractions of a second kept to the millisecond). */
export function formatUtc(sec: number): string {
  const ms = Math.round(sec * 1000);
  const days = Math.floor(ms / 86_400_000);
  const [y, mo, d] = civil(days);
  const inDay = ms - days * 86_400_000;
  const [h, mi, s, frac] = [Math.floor(inDay / 3_600_000), Math.floor(inDay / 60_000) % 60, Math.floor(inDay / 1000) % 60, inDay % 1000];
  const fraction = frac ? `.${String(frac).padStart(3, "0")}` : "";
  return `${String(y).padStart(4, "0")}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${fraction}Z`;
}
