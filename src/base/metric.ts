// What a metric is. The layer that computes a metric declares it once, beside the code
// (a workload's metrics in its workload file, the detection layer's in src/checksums,
// the fault layer's in src/faults): its name, its unit, one line of meaning, and how the
// values of several instances in one lane combine (two training jobs in one scenario).
// src/slo/catalog.ts gathers the declarations; SLOs, reports and the dashboard read units
// and meanings from there. Across seeds every metric is summarised the same way (mean with
// a t interval, and quantiles: src/gate/report.ts).

/** Units decide how values are read and shown: a duration, a percentage, a count. */
export type MetricUnit = "fraction" | "seconds" | "hours" | "count";

/** The values a metric can take, both ends included (`max` may be Infinity). */
export interface MetricRange {
  readonly min: number;
  readonly max: number;
}

/** How the values of several instances of a workload in one lane combine. */
export type MetricMerge = "sum" | "mean" | "max" | "min";

export interface MetricDef {
  /** `training.goodput`, `serving.p999`, `memory.silent`. */
  readonly name: string;
  readonly unit: MetricUnit;
  /** One line: what it measures. */
  readonly doc: string;
  readonly merge: MetricMerge;
  /** The values it can take: [0, 1] for a fraction, [0, inf) for the other units, unless declared. */
  readonly range: MetricRange;
  /**
   * Reported per instance too when a scenario has several (serving: `serving.<name>.p999`
   * beside `serving.p999`, which is the first service's).
   */
  readonly instanced?: boolean;
  /**
   * The policy keys that can change the value, when only some can: `[]` for a metric no
   * policy changes (fault counts: the same in every lane), `["ecc"]` for one only a
   * hardware what-if changes (memory outcomes). Absent: recovery decides it (a workload's
   * metrics). An SLO on a metric no policy of the scenario can change is a validation
   * warning (src/slo/slo.ts): it gives every policy the same verdict.
   */
  readonly changedBy?: readonly string[];
}

/**
 * Declares a metric. `max` is for a fraction that can pass 1 (extra requests per base
 * request, a utilization under overload: Infinity); without it the unit decides the range.
 */
export function metric(
  name: string,
  unit: MetricUnit,
  doc: string,
  merge: MetricMerge = "sum",
  opts: { instanced?: boolean; changedBy?: readonly string[]; max?: number } = {},
): MetricDef {
  return Object.freeze({
    name,
    unit,
    doc,
    merge,
    range: Object.freeze({ min: 0, max: opts.max ?? (unit === "fraction" ? 1 : Infinity) }),
    ...(opts.instanced ? { instanced: true } : {}),
    ...(opts.changedBy ? { changedBy: Object.freeze([...opts.changedBy]) } : {}),
  });
}

/** Combines two values of one metric by its merge rule (`count` instances already combined in `a`). */
export function mergeValues(merge: MetricMerge, a: number, b: number, count: number): number {
  switch (merge) {
    case "sum":
      return a + b;
    case "max":
      return Math.max(a, b);
    case "min":
      return Math.min(a, b);
    case "mean":
      return (a * count + b) / (count + 1);
  }
}
