// What a metric is. The layer that computes a metric declares it once, beside the code
// (a workload's metrics in its workload file, the detection layer's in src/checksums,
// the fault layer's in src/faults): its name, its unit, one line of meaning, and how the
// values of several instances in one lane combine (two training jobs in one scenario).
// src/slo/catalog.ts gathers the declarations; SLOs, reports and the dashboard read units
// and meanings from there. Across seeds every metric is summarised the same way (mean with
// a t interval, and quantiles: src/gate/report.ts).

/** Units decide how values are read and shown: a duration, a percentage, a count. */
export type MetricUnit = "fraction" | "seconds" | "hours" | "count";

/** How the values of several instances of a workload in one lane combine. */
export type MetricMerge = "sum" | "mean" | "max" | "min";

export interface MetricDef {
  /** `training.goodput`, `serving.p999`, `memory.silent`. */
  readonly name: string;
  readonly unit: MetricUnit;
  /** One line: what it measures. */
  readonly doc: string;
  readonly merge: MetricMerge;
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

/** Declares a metric. */
export function metric(
  name: string,
  unit: MetricUnit,
  doc: string,
  merge: MetricMerge = "sum",
  opts: { instanced?: boolean; changedBy?: readonly string[] } = {},
): MetricDef {
  return Object.freeze({
    name,
    unit,
    doc,
    merge,
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
