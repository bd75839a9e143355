// Every metric fleet reports, gathered from the layers that declare them: the fault
// layer's (src/faults/metrics.ts), the detection layer's (src/checksums/metrics.ts), each
// workload's (its WorkloadDef), and the two made of several layers' values:
// silentCorruptions (memory escapes that reached a workload's data, as the lane counts
// them in src/run/lane.ts, plus defective cores' escapes in jobs and corrupted checkpoints
// restored as good) and
// silentCorruptions.idle (escapes that reached none). SLOs may name any of them; reports
// and the dashboard read their units, meanings and scopes (MetricDef.changedBy) here.
// Nothing registers at import time: the list is this file.
import type { MetricDef, MetricRange, MetricUnit } from "../base/metric.js";
import { metric } from "../base/metric.js";
import { MEMORY_METRICS } from "../checksums/metrics.js";
import { FAULT_COUNT_METRICS, FLEET_METRICS } from "../faults/metrics.js";
import { WORKLOADS } from "../workloads/registry.js";

export type { MetricDef, MetricRange, MetricUnit };

/** Silent corruptions that reached a workload's data (the SLO metric; memory.silent counts every host). */
export const SILENT_CORRUPTIONS = metric(
  "silentCorruptions",
  "count",
  "silent corruptions that reached a workload: memory escapes in a workload's data (a job's state, a shard) plus results corrupted by defective cores in jobs and not caught, plus corrupted checkpoints restored as good",
);

/** Silent memory escapes that reached no workload: fleet health, not an SLO target. */
export const SILENT_CORRUPTIONS_IDLE = metric(
  "silentCorruptions.idle",
  "count",
  "silent memory escapes that reached no workload's data (idle hosts, memory outside a shard): fleet health, reported beside silentCorruptions",
);

/** silentCorruptions from a lane's workload metrics and its memory escapes that reached a workload. */
export function silentCorruptionsOf(m: Record<string, number>, silent: { reached: number }): number {
  return silent.reached + (m["training.silentEscapesFromCores"] ?? 0) + (m["training.corruptCheckpointsRestored"] ?? 0);
}

export const METRICS: readonly MetricDef[] = [
  ...FAULT_COUNT_METRICS,
  ...FLEET_METRICS,
  ...MEMORY_METRICS,
  ...WORKLOADS.flatMap((w) => w.metrics),
  SILENT_CORRUPTIONS,
  SILENT_CORRUPTIONS_IDLE,
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/**
 * The declaration of `name`; an instanced metric of one of several services
 * (`serving.search.p999`) is found under its plain name (`serving.p999`).
 */
export function metricInfo(name: string): MetricDef | undefined {
  const m = BY_NAME.get(name);
  if (m) return m;
  const parts = name.split(".");
  if (parts.length < 3) return undefined;
  const plain = BY_NAME.get(`${parts[0]}.${parts.slice(2).join(".")}`);
  return plain?.instanced ? plain : undefined;
}

const UNBOUNDED: MetricRange = Object.freeze({ min: -Infinity, max: Infinity });

/**
 * The values `name` can take: its declaration's range. A breakdown of a declared metric
 * (`training.interruptions.host.crash`, one cause of training.interruptions:
 * src/workloads/training/tally.ts) has the range of the metric it breaks down; a name
 * nothing declares, any value.
 */
export function metricRange(name: string): MetricRange {
  for (let parts = name.split("."); parts.length > 0; parts = parts.slice(0, -1)) {
    const m = metricInfo(parts.join("."));
    if (m) return m.range;
  }
  return UNBOUNDED;
}

/** Every declared metric name, sorted (the names an SLO may use). */
export function knownMetrics(): string[] {
  return [...BY_NAME.keys()].sort();
}
