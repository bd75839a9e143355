// The fault layer's metrics: how often each kind happened (`faults.<kind>`) and what the
// faults did to host availability (`fleet.*`), computed from the trace and the fleet's
// host state, the same in every lane but for machine checks (the lane's `ecc`). Declared
// here for SLOs and reports (src/slo/catalog.ts); no recovery policy changes them.
import { type MetricDef, metric } from "../base/metric.js";
import type { Fleet } from "../fleet/fleet.js";
import { HostState } from "../fleet/state.js";
import { FAULT_KINDS } from "./registry.js";
import type { FaultTrace } from "./trace.js";

/** Host availability moves with machine checks only, which only the lane's ECC changes (src/recovery/hardware.ts). */
const MACHINE_CHECKS = { changedBy: ["ecc"] };

export const FLEET_METRICS: readonly MetricDef[] = [
  metric(
    "fleet.availability",
    "fraction",
    "host-time up / host-time, over the run (every down interval the trace started, clipped at the end)",
    "sum",
    MACHINE_CHECKS,
  ),
  metric("fleet.hostsDownMax", "count", "most hosts down at once, as seen at snapshots and at the end", "max", MACHINE_CHECKS),
  metric("fleet.hostHoursDown", "hours", "host-hours spent down", "sum", MACHINE_CHECKS),
];

/** `faults.<kind>`: events of each kind, from its declaration. */
export const FAULT_COUNT_METRICS: readonly MetricDef[] = FAULT_KINDS.inOrder().map((k) =>
  metric(`faults.${k.name}`, "count", `${k.name} events: ${k.summary}`, "sum", { changedBy: [] }),
);

/** Hosts down now. */
export function hostsDownNow(fleet: Fleet): number {
  const s = fleet.state;
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === HostState.DOWN) n++;
  return n;
}

/** The fault layer's metrics at `nowSec`: counts by kind (sorted by name), then fleet.*. */
export function faultLayerMetrics(trace: FaultTrace, fleet: Fleet, nowSec: number, hostsDownMax: number): Record<string, number> {
  const m: Record<string, number> = {};
  const counts = trace.counts;
  for (const k of [...counts.keys()].sort()) m[`faults.${k}`] = counts.get(k)!.events;
  // Host availability over [0, now]: every down interval the trace started, clipped at now.
  let downSec = trace.hostDownSeconds;
  for (let h = 0; h < fleet.hostCount; h++) {
    if (fleet.state[h] === HostState.DOWN && fleet.downUntil[h] > nowSec) downSec -= fleet.downUntil[h] - nowSec;
  }
  const total = fleet.hostCount * nowSec;
  m["fleet.availability"] = total > 0 ? 1 - downSec / total : 1;
  m["fleet.hostsDownMax"] = hostsDownMax;
  m["fleet.hostHoursDown"] = downSec / 3600;
  return m;
}
