// The open registry of metric names an SLO may name. Each workload registers its metrics
// (name, unit, one line of doc) when its module loads; `slo:` sections are checked against
// this registry, so a typo is an error that lists the valid names. Units decide how an
// SLO's value is read: a duration ("150ms") becomes seconds or hours to match the metric,
// a percentage ("99.95%") is allowed only for fractions.

export type MetricUnit = "fraction" | "seconds" | "hours" | "count";

export interface MetricInfo {
  name: string;
  unit: MetricUnit;
  doc: string;
}

const registry = new Map<string, MetricInfo>();

/** Adds (or re-documents) a metric name. Idempotent, so modules may register at load. */
export function registerMetric(name: string, doc: string, unit: MetricUnit = "count"): void {
  registry.set(name, { name, unit, doc });
}

/** Every registered metric name, sorted. */
export function knownMetrics(): string[] {
  return [...registry.keys()].sort();
}

export function metricInfo(name: string): MetricInfo | undefined {
  return registry.get(name);
}

// Training (src/workloads/training.ts computes these).
registerMetric("training.goodput", "productive step time / wall time of the training job", "fraction");
registerMetric("training.lostWorkHours", "wall hours of work redone after interruptions and rollbacks, plus downtime", "hours");
registerMetric("training.interruptions", "times the job lost a participant and restarted from a checkpoint", "count");
registerMetric("training.silentEscapes", "silent corruptions of model state that no detection caught", "count");
registerMetric(
  "training.silentEscapesFromCores",
  "of training.silentEscapes, those from a defective (mercurial) core; memory escapes are in memory.silent",
  "count",
);
registerMetric("training.rollbacks", "rollbacks to a checkpoint older than a detected corruption", "count");
registerMetric("training.stepsDone", "training steps completed and kept", "count");
registerMetric("training.timeToStepsHours", "wall hours to reach the `steps` target (Infinity if not reached)", "hours");
registerMetric(
  "silentCorruptions",
  "silent corruptions that escaped: every memory escape (memory.silent) plus results corrupted by defective cores in jobs and not caught",
  "count",
);
