// The cosmic-ray upset model's settings as a scenario writes them (`- cosmic: { rate,
// multiBit, altitudeScale, aggregateAbove, bursts }`), validated into CosmicSettings
// (./cosmic-rates.ts). The model itself, its defaults' sources and what it leaves out:
// ./cosmic.ts.
import { isScalar } from "yaml";
import { angle, azimuth, duration, factor, fitRate, fraction, list, map, maybe, number, object, opt, refine, type Validator } from "../base/schema.js";
import { ALTITUDE_SCALE_M, type BurstSettings, type CosmicSettings } from "./cosmic-rates.js";

/** Above this many expected upsets in a run, single-bit upsets are counted per rack and window. */
export const AGGREGATE_ABOVE = 20_000_000;
/** Window of aggregated counts, in seconds (cut shorter at burst starts and ends). */
export const AGGREGATE_WINDOW_SEC = 3600;

const direction: Validator<number | "random"> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && node.value === "random") return "random";
  return azimuth()(raw, path, ctx);
};

function inRange(v: Validator<number>, ok: (x: number) => boolean, expected: string): Validator<number> {
  return refine(v, (x, path, ctx, node) => {
    if (ok(x)) return true;
    ctx.report("invalid_value", path, node, `expected ${expected}, found ${x}deg`);
    return false;
  });
}

const burstSchema = map(
  object({
    every: maybe(duration({ positive: true }), "mean interval between bursts at random (Poisson) times; none if absent"),
    at: opt(list(duration()), [], "burst start times, e.g. [30h, 50h]"),
    duration: opt(duration({ positive: true }), 600, "how long a burst lasts (10m)"),
    direction: opt(direction, 90, "azimuth the burst comes from, e.g. east or 120deg, or random (east)"),
    width: opt(
      inRange(angle(), (v) => v > 0 && v <= 360, "a width in (0deg, 360deg]"),
      90,
      "angular width of full gain, centred on the direction (90deg)",
    ),
    edge: opt(
      inRange(angle(), (v) => v >= 0 && v <= 180, "an edge in [0deg, 180deg]"),
      15,
      "raised-cosine taper beyond the width, down to no gain (15deg)",
    ),
    x: opt(factor({ min: 1 }), 40, "rate multiplier at full gain (40x)"),
  }),
  (b): BurstSettings => ({
    everySecMean: b.every,
    atSec: b.at,
    durationSec: b.duration,
    directionDeg: b.direction,
    widthDeg: b.width,
    edgeDeg: b.edge,
    gain: b.x,
  }),
);

export const schema = map(
  object({
    rate: opt(fitRate(), 0.02, "upsets per 1e9 hours per Mbit of DRAM at sea level (0.02 FIT/Mbit, Sridharan & Liberty SC'12)"),
    multiBit: opt(fraction(), 0.02, "fraction of upsets that flip 2-4 adjacent bits of one word (2%)"),
    altitudeScale: opt(number({ min: 1 }), ALTITUDE_SCALE_M, "metres per e-fold of neutron flux with altitude (1197: 3.5x at 1,500 m)"),
    aggregateAbove: opt(number({ min: 0 }), AGGREGATE_ABOVE, "expected upsets per run above which single-bit upsets are counted per rack and hour (20000000)"),
    bursts: maybe(burstSchema, "directional bursts: every, at, duration, direction, width, edge, x"),
  }),
  (s): CosmicSettings => ({
    fitPerMbit: s.rate,
    multiBitFraction: s.multiBit,
    altitudeScaleM: s.altitudeScale,
    aggregateAbove: s.aggregateAbove,
    bursts: s.bursts,
  }),
);
