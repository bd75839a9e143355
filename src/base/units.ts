// Units as text. People write `90s`, `4h`, `3y`, `2%`, `32GiB`, `25000 FIT/Mbit`,
// `90deg`, `east`, `400Gbps` in scenario files; this one parser turns them into plain
// numbers in the units fleet computes with, and its errors say which unit it expected.
//
//   durations  -> seconds      ns us ms s m (or min) h d w y; compound "1h30m".
//                              A year is 365 days (31,536,000 s), as in AFR figures.
//   fractions  -> [0, 1]       "2%", "0.5%", or a plain number 0..1
//   sizes      -> bytes        B, KB/MB/GB/TB/PB (powers of 1000), KiB/MiB/GiB/TiB/PiB
//   FIT rates  -> FIT per Mbit "25000 FIT/Mbit" (failures per 1e9 device-hours per Mbit)
//   rates      -> per second   "200/h", "2000/s", "3/d", "2000 qps", or a plain number
//   angles     -> degrees      "90deg", "90°", "1.5rad", compass "east", "NE", "south-west"
//   bandwidth  -> bits/second  "400Gbps", "10Mbps", "2GB/s" (bytes/s, times 8)
//   factors    -> number >= 0  "5x", or a plain number

export class UnitError extends Error {
  constructor(
    message: string,
    /** What was expected, for error formatting: "a duration like 90s, 4h or 3y". */
    readonly expected: string,
  ) {
    super(message);
    this.name = "UnitError";
  }
}

const DURATION_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  hr: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const DURATION_PART = new RegExp(`(${NUMBER})\\s*(ns|us|µs|ms|sec|s|min|m|hr|h|d|w|y)`, "y");

export const EXPECT_DURATION = "a duration like 250ms, 90s, 4h, 1h30m or 3y";
export const EXPECT_FRACTION = "a percentage like 2% or a fraction between 0 and 1";
export const EXPECT_SIZE = "a size like 32GiB, 512MiB or 8TB";
export const EXPECT_FIT = "a rate like 25000 FIT/Mbit";
export const EXPECT_RATE = "a rate like 200/h, 2000/s or 2000 qps";
export const EXPECT_ANGLE = "an angle like 90deg or 1.5rad, or a compass direction like east or NE";
export const EXPECT_BANDWIDTH = "a bandwidth like 400Gbps or 10GB/s";
export const EXPECT_FACTOR = "a factor like 5x";

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return String(v);
}

function finite(n: number, input: unknown, expected: string): number {
  if (!Number.isFinite(n)) throw new UnitError(`expected ${expected}, found ${describe(input)}`, expected);
  return n;
}

/**
 * The shortest duration other than 0, the smallest unit parsed: a shorter one is refused,
 * since `1e-320` seconds makes a rate of one per duration infinite and a time plus it the
 * same time.
 */
export const MIN_DURATION_SEC = 1e-9;

/** "4h" -> 14400. A plain number is taken as seconds. Negative durations, and positive ones under 1ns, are errors. */
export function parseDuration(input: unknown): number {
  let seconds: number;
  if (typeof input === "number") {
    seconds = input;
  } else if (typeof input === "string") {
    const text = input.trim();
    if (/^[+-]?(\d|\.\d)/.test(text) && new RegExp(`^${NUMBER}$`).test(text)) {
      throw new UnitError(`expected ${EXPECT_DURATION}, found ${describe(input)} (a number needs a unit)`, EXPECT_DURATION);
    }
    seconds = 0;
    let pos = 0;
    let parts = 0;
    while (pos < text.length) {
      while (text[pos] === " ") pos++;
      if (pos >= text.length) break;
      DURATION_PART.lastIndex = pos;
      const m = DURATION_PART.exec(text);
      if (!m) {
        const unit = /^[+-]?[\d.eE+-]*\s*([^\d\s]+)/.exec(text.slice(pos))?.[1];
        const why = unit && parts === 0 && /^[\d.+-]/.test(text) ? ` (unknown unit "${unit}")` : "";
        throw new UnitError(`expected ${EXPECT_DURATION}, found ${describe(input)}${why}`, EXPECT_DURATION);
      }
      seconds += Number(m[1]) * DURATION_SECONDS[m[2]];
      pos = DURATION_PART.lastIndex;
      parts++;
    }
    if (parts === 0) throw new UnitError(`expected ${EXPECT_DURATION}, found ${describe(input)}`, EXPECT_DURATION);
  } else {
    throw new UnitError(`expected ${EXPECT_DURATION}, found ${describe(input)}`, EXPECT_DURATION);
  }
  finite(seconds, input, EXPECT_DURATION);
  if (seconds < 0) throw new UnitError(`expected a duration that is not negative, found ${describe(input)}`, EXPECT_DURATION);
  if (seconds > 0 && seconds < MIN_DURATION_SEC)
    throw new UnitError(`expected at least 1ns (the shortest duration fleet simulates), found ${describe(input)}`, EXPECT_DURATION);
  return seconds;
}

/** "2%" -> 0.02; 0.02 -> 0.02. Must lie in [0, 1]. */
export function parseFraction(input: unknown): number {
  let v: number;
  if (typeof input === "number") {
    v = input;
  } else if (typeof input === "string") {
    const m = new RegExp(`^\\s*(${NUMBER})\\s*%\\s*$`).exec(input);
    if (m) v = Number(m[1]) / 100;
    else if (new RegExp(`^\\s*${NUMBER}\\s*$`).test(input)) v = Number(input);
    else throw new UnitError(`expected ${EXPECT_FRACTION}, found ${describe(input)}`, EXPECT_FRACTION);
  } else {
    throw new UnitError(`expected ${EXPECT_FRACTION}, found ${describe(input)}`, EXPECT_FRACTION);
  }
  finite(v, input, EXPECT_FRACTION);
  if (v < 0 || v > 1) throw new UnitError(`expected a percentage between 0% and 100%, found ${describe(input)}`, EXPECT_FRACTION);
  return v;
}

const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/** "32GiB" -> 34359738368. */
export function parseSize(input: unknown): number {
  if (typeof input === "string") {
    const m = new RegExp(`^\\s*(${NUMBER})\\s*([A-Za-z]+)\\s*$`).exec(input);
    const unit = m ? SIZE_BYTES[m[2].toLowerCase()] : undefined;
    if (m && unit !== undefined) {
      const v = finite(Number(m[1]) * unit, input, EXPECT_SIZE);
      if (v < 0) throw new UnitError(`expected a size that is not negative, found ${describe(input)}`, EXPECT_SIZE);
      return v;
    }
    const why = m ? ` (unknown unit "${m[2]}")` : new RegExp(`^\\s*${NUMBER}\\s*$`).test(input) ? " (a number needs a unit)" : "";
    throw new UnitError(`expected ${EXPECT_SIZE}, found ${describe(input)}${why}`, EXPECT_SIZE);
  }
  throw new UnitError(`expected ${EXPECT_SIZE}, found ${describe(input)}${typeof input === "number" ? " (a number needs a unit)" : ""}`, EXPECT_SIZE);
}

/** Formats bytes back as short text in binary units, the way parseSize reads them: 2 ** 30 -> "1GiB". */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ["PiB", 2 ** 50],
    ["TiB", 2 ** 40],
    ["GiB", 2 ** 30],
    ["MiB", 2 ** 20],
    ["KiB", 2 ** 10],
  ];
  for (const [unit, size] of units) if (bytes >= size) return `${+(bytes / size).toPrecision(3)}${unit}`;
  return `${bytes}B`;
}

/** "25000 FIT/Mbit" -> 25000 (failures per 1e9 hours per Mbit). */
export function parseFitPerMbit(input: unknown): number {
  if (typeof input === "string") {
    const m = new RegExp(`^\\s*(${NUMBER})\\s*FIT\\s*/\\s*Mbit\\s*$`, "i").exec(input);
    if (m) {
      const v = finite(Number(m[1]), input, EXPECT_FIT);
      if (v < 0) throw new UnitError(`expected a rate that is not negative, found ${describe(input)}`, EXPECT_FIT);
      return v;
    }
  }
  throw new UnitError(`expected ${EXPECT_FIT}, found ${describe(input)}`, EXPECT_FIT);
}

/** "200/h" -> 200/3600 per second; "2000 qps" -> 2000; a plain number is per second. */
export function parseRatePerSec(input: unknown): number {
  let v: number | undefined;
  if (typeof input === "number") {
    v = input;
  } else if (typeof input === "string") {
    const qps = new RegExp(`^\\s*(${NUMBER})\\s*(qps|rps|/s)\\s*$`, "i").exec(input);
    const per = new RegExp(`^\\s*(${NUMBER})\\s*(?:/|per\\s+)\\s*(\\d*\\.?\\d*)\\s*([a-zµ]+)\\s*$`, "i").exec(input);
    if (qps) v = Number(qps[1]);
    else if (per && DURATION_SECONDS[per[3]] !== undefined) {
      const window = (per[2] ? Number(per[2]) : 1) * DURATION_SECONDS[per[3]];
      v = Number(per[1]) / window;
    } else if (new RegExp(`^\\s*${NUMBER}\\s*$`).test(input)) v = Number(input);
  }
  if (v === undefined) throw new UnitError(`expected ${EXPECT_RATE}, found ${describe(input)}`, EXPECT_RATE);
  finite(v, input, EXPECT_RATE);
  if (v < 0) throw new UnitError(`expected a rate that is not negative, found ${describe(input)}`, EXPECT_RATE);
  return v;
}

const COMPASS: Record<string, number> = {
  n: 0,
  north: 0,
  nne: 22.5,
  "north-north-east": 22.5,
  ne: 45,
  northeast: 45,
  "north-east": 45,
  ene: 67.5,
  "east-north-east": 67.5,
  e: 90,
  east: 90,
  ese: 112.5,
  "east-south-east": 112.5,
  se: 135,
  southeast: 135,
  "south-east": 135,
  sse: 157.5,
  "south-south-east": 157.5,
  s: 180,
  south: 180,
  ssw: 202.5,
  "south-south-west": 202.5,
  sw: 225,
  southwest: 225,
  "south-west": 225,
  wsw: 247.5,
  "west-south-west": 247.5,
  w: 270,
  west: 270,
  wnw: 292.5,
  "west-north-west": 292.5,
  nw: 315,
  northwest: 315,
  "north-west": 315,
  nnw: 337.5,
  "north-north-west": 337.5,
};

/** "90deg" -> 90; "east" -> 90; "1.5rad" -> 85.94. Plain numbers are degrees. Not normalized. */
export function parseAngle(input: unknown): number {
  if (typeof input === "number") return finite(input, input, EXPECT_ANGLE);
  if (typeof input === "string") {
    const key = input.trim().toLowerCase();
    if (COMPASS[key] !== undefined) return COMPASS[key];
    const m = new RegExp(`^(${NUMBER})\\s*(deg|degrees|°|rad)?$`).exec(key);
    if (m) {
      const v = Number(m[1]);
      return finite(m[2] === "rad" ? (v * 180) / Math.PI : v, input, EXPECT_ANGLE);
    }
  }
  throw new UnitError(`expected ${EXPECT_ANGLE}, found ${describe(input)}`, EXPECT_ANGLE);
}

/** Compass direction or angle, normalized to [0, 360). */
export function parseAzimuth(input: unknown): number {
  const a = parseAngle(input) % 360;
  return a < 0 ? a + 360 : a;
}

const BITS_PER_SEC: Record<string, number> = {
  bps: 1,
  kbps: 1e3,
  mbps: 1e6,
  gbps: 1e9,
  tbps: 1e12,
  "b/s": 8,
  "kb/s": 8e3,
  "mb/s": 8e6,
  "gb/s": 8e9,
  "tb/s": 8e12,
};

/** "400Gbps" -> 4e11 bits/s; "10GB/s" -> 8e10 bits/s. */
export function parseBandwidth(input: unknown): number {
  if (typeof input === "string") {
    const m = new RegExp(`^\\s*(${NUMBER})\\s*([KMGT]?B(?:ps|/s))\\s*$`, "i").exec(input);
    if (m) {
      // "Gbps" is bits, "GB/s" bytes: the case of the B decides for the /s form.
      const unit = m[2];
      const isBytes = unit.endsWith("/s") && unit[unit.length - 3] === "B";
      const key = isBytes ? unit.toLowerCase() : unit.toLowerCase().replace("/s", "ps");
      const mult = BITS_PER_SEC[key];
      if (mult !== undefined) {
        const v = finite(Number(m[1]) * mult, input, EXPECT_BANDWIDTH);
        if (v < 0) throw new UnitError(`expected a bandwidth that is not negative, found ${describe(input)}`, EXPECT_BANDWIDTH);
        return v;
      }
    }
  }
  throw new UnitError(`expected ${EXPECT_BANDWIDTH}, found ${describe(input)}`, EXPECT_BANDWIDTH);
}

/** "5x" -> 5; 5 -> 5. */
export function parseFactor(input: unknown): number {
  let v: number | undefined;
  if (typeof input === "number") v = input;
  else if (typeof input === "string") {
    const m = new RegExp(`^\\s*(${NUMBER})\\s*[x×]?\\s*$`).exec(input);
    if (m) v = Number(m[1]);
  }
  if (v === undefined) throw new UnitError(`expected ${EXPECT_FACTOR}, found ${describe(input)}`, EXPECT_FACTOR);
  finite(v, input, EXPECT_FACTOR);
  if (v < 0) throw new UnitError(`expected a factor that is not negative, found ${describe(input)}`, EXPECT_FACTOR);
  return v;
}

/**
 * Seconds as duration text that reads back to exactly the same value: 104582 ->
 * "1d5h3m2s", 1200 -> "20m", 2755.25 -> "45m55.25s" (days, hours, minutes, seconds;
 * zero parts left out), or plain seconds ("0.1s", "7.000000001s") when the parts would
 * not add back to the same number.
 */
export function exactDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return `${seconds}s`;
  let rest = seconds;
  let out = "";
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out += `${n}${unit}`;
  }
  if (rest > 0 || out === "") out += `${rest}s`;
  return parseDuration(out) === seconds ? out : `${seconds}s`;
}

/**
 * A moment of simulated time, in the duration syntax (so it can be typed back): days,
 * hours and minutes, or minutes and seconds under an hour, zero parts left out, and cut,
 * never rounded up: 1d23h52m59s is "1d23h52m", not "2d". 0 -> "0s", 42.57 -> "42.57s",
 * 2755 -> "45m55s", 86400 -> "1d". `toSecond` keeps the seconds past an hour too, and
 * every part after the first ("2h6m40s", "2h7m0s"), for a column of events where several
 * fall in one minute.
 */
export function formatTime(seconds: number, toSecond = false): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds * 100) / 100)}s`;
  const parts: [string, number][] = toSecond
    ? [
        ["d", 86400],
        ["h", 3600],
        ["m", 60],
        ["s", 1],
      ]
    : seconds < 3600
      ? [
          ["m", 60],
          ["s", 1],
        ]
      : [
          ["d", 86400],
          ["h", 3600],
          ["m", 60],
        ];
  let rest = Math.floor(seconds);
  let out = "";
  for (const [unit, size] of parts) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    // Zero parts are left out, except between two others or, to the second, after one.
    if (n > 0 || (toSecond && out)) out += `${n}${unit}`;
  }
  return out;
}

/** Formats seconds back as short text with at most two parts: 5400 -> "1h30m", 0.25 -> "250ms". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return "0s";
  if (seconds < 1e-3) return `${+(seconds * 1e6).toPrecision(3)}us`;
  if (seconds < 1) return `${+(seconds * 1e3).toPrecision(3)}ms`;
  if (seconds < 60) return `${+seconds.toFixed(2)}s`;
  const units: [string, number][] = [
    ["y", 365 * 86400],
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ];
  // The largest unit that the value, rounded to the next smaller unit, reaches.
  let i = 0;
  while (Math.round(seconds / units[i + 1][1]) * units[i + 1][1] < units[i][1]) i++;
  const [big, bigSize] = units[i];
  const [small, smallSize] = units[i + 1];
  const total = Math.round(seconds / smallSize);
  const perBig = bigSize / smallSize;
  const whole = Math.floor(total / perBig);
  const rest = Math.round(total - whole * perBig);
  return rest > 0 ? `${whole}${big}${rest}${small}` : `${whole}${big}`;
}
