// Numbers and times as the dashboard prints them: a simulated clock, a progress bar, an
// ETA in wall time, rates with k/M suffixes, metric values with 4 significant digits; and
// a simulated time as a user types it.
import { formatSloValue } from "../slo/slo.js";
import { formatTime, parseDuration } from "../base/units.js";

/** Simulated seconds as everywhere in fleet (src/base/units.ts formatTime): "5m", "6h", "1d6h", "3d"; "--" when unknown. */
export function simClock(sec: number): string {
  return Number.isFinite(sec) ? formatTime(Math.max(0, sec)) : "--";
}

/** A moment in a list of events, to the second: "9m4s", "2h6m40s", "2h7m0s", "1d16h0m5s". */
export function simTime(sec: number): string {
  return Number.isFinite(sec) ? formatTime(Math.max(0, sec), true) : "--";
}

/** Wall seconds left as "0:41", "12:03", "1:02:03"; "--" when unknown. */
export function eta(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return "--";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** A bar of `width` columns filled to `frac` (clamped to [0, 1]) with █, the rest ░. */
export function progressBar(frac: number, width: number): string {
  if (width <= 0) return "";
  const f = Number.isFinite(frac) ? Math.min(1, Math.max(0, frac)) : 0;
  const full = Math.floor(f * width + 1e-9);
  return "█".repeat(full) + "░".repeat(width - full);
}

/** 950 -> "950", 31_015 -> "31k", 5_500_000 -> "5.5M". */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return "--";
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toPrecision(2)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toPrecision(2)}M`;
  if (a >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (a >= 1e3) return `${+(n / 1e3).toPrecision(2)}k`;
  return String(Math.round(n));
}

/** A metric value for a cell: 4 significant digits, integers whole, "-" when missing. */
export function metricValue(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v)) return Math.abs(v) >= 1e5 ? compact(v) : String(v);
  const a = Math.abs(v);
  if (a >= 1e5) return compact(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * A metric's value for a cell in the unit its SLO is written in (a percentage beside a
 * percentage threshold, a latency as a duration: formatSloValue); large numbers compacted
 * (1.2M) so they fit; "-" when missing. Without an SLO, give `text` "".
 */
export function cellValue(slo: { metric: string; text: string }, v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  if (Math.abs(v) >= 1e5) return metricValue(v);
  return formatSloValue(slo, v);
}

/**
 * A simulated time as typed: a duration ("30h", "1d6h", "90m"), a clock as the header
 * shows it ("6:00:00", "1d 06:00", "30:00" = 30 h), or "0". Throws Error saying what it expects.
 */
export function parseSimTime(text: string): number {
  const t = text.trim();
  if (/^0+$/.test(t)) return 0;
  const clock = /^(?:(\d+)d\s*)?(\d+):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (clock) return Number(clock[1] ?? 0) * 86_400 + Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4] ?? 0);
  try {
    return parseDuration(t);
  } catch {
    throw new Error("expected a time like 30h, 1d6h or 1d 06:00");
  }
}
