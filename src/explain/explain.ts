// `fleet explain`: why an SLO breached, as the shortfall's parts. Every policy of a
// scenario runs against one fault trace, and any part of that trace can be taken away
// while the rest stays exactly as it was (each fault model draws from its own stream; a
// single incident is excluded by the fault trace, src/faults/exclude.ts). So the cost of
// a part is measured, not modelled: the same run without it.
//
// Method: leave-one-out in two levels, with the interactions shown as remainders.
//   total     the run without any fault, minus the run: what the faults cost (in the
//             SLO's direction, so a cost is positive when it makes the metric worse)
//   level 1   each `faults:` entry (a fault model, a scheduled incident, a timeline file):
//             the run without it, minus the run. The entries' costs plus "interactions"
//             (the total less their sum: what faults do only together, e.g. a second
//             failure while the first is repaired) add up to the total exactly.
//   level 2   within a model, its largest correlated incidents (a burst, a bus bar, a
//             rack), each excluded alone; their costs plus "the rest of the model" (its
//             other faults, and its incidents' interactions) add up to the model's cost.
//   shortfall how far the run is from the SLO's threshold: the total less the margin the
//             run without faults has (if the run without any fault breaches too, no
//             policy change about faults can meet the SLO, and the answer says so).
// Why leave-one-out and not Shapley values: a leave-one-out cost is one run per part and
// reads as "this is what you would gain without it"; Shapley values need runs over
// subsets (2^n, or many samples for n above ~10) to spread the interactions that the
// remainder shows here in one line. The remainder is small when parts act apart, and a
// large one is itself an answer (the faults hurt through each other).
import type { JobResult, JobSpec } from "../distributed/job.js";
import type { IncidentKey } from "../faults/exclude.js";
import type { FaultSpec } from "../faults/injector.js";
import { FAULT_MODELS } from "../faults/registry.js";
import { scheduledFaults } from "../faults/timeline/targets.js";
import { formatTime } from "../base/units.js";
import { scenarioFaultLayer } from "../run/fault-layer.js";
import type { Scenario } from "../scenario/load.js";
import type { SloOp } from "../slo/slo.js";
import { withoutFaults } from "../replay/scenario-edit.js";

/** Correlated incidents per model taken apart at level 2 (the largest by hosts x hours). */
export const MAX_INCIDENTS_PER_MODEL = 8;

export interface Part {
  id: string;
  /** "busbar dc1/row07/busbar-a at 40h", "straggler (faults[7])". */
  label: string;
  level: 1 | 2;
  /** The level-1 part a level-2 part belongs to. */
  parent?: string;
  /** The job that runs the scenario without this part. */
  job: JobSpec;
}

export interface Plan {
  full: JobSpec;
  none: JobSpec;
  parts: Part[];
}

/** A correlated incident of the baseline trace, as the explanation names it. */
export interface Incident extends IncidentKey {
  model: string;
  hosts: number;
  durationSec: number;
}

function kindModel(kind: string): string | undefined {
  for (const m of Object.values(FAULT_MODELS)) if (m.kinds.some((k) => k.name === kind)) return m.kind;
  return undefined;
}

/** The correlated incidents of the scenario's fault trace at `seed` (the fault layer alone: the same for every policy). */
export function baselineIncidents(scenario: Scenario, seed: number, durationSec: number): Incident[] {
  const layer = scenarioFaultLayer(scenario, { seed, horizonSec: durationSec });
  layer.sim.run({ until: durationSec, maxEvents: scenario.limits.maxEvents });
  return layer.trace.correlated.map((c) => ({
    kind: c.kind.name,
    target: c.target,
    at: c.at,
    model: kindModel(c.kind.name) ?? c.kind.name,
    hosts: c.hosts,
    durationSec: Number.isFinite(c.untilSec) ? c.untilSec - c.at : 0,
  }));
}

/** What a `faults:` entry is called in an explanation. */
function entryLabel(f: FaultSpec, scenario: Scenario): string {
  if (f.kind !== "scheduled") return `${f.kind} (faults[${f.index}])`;
  const s = scheduledFaults({ faults: [f] });
  if (s.length === 1) return `${s[0].kind} ${s[0].target} at ${formatTime(s[0].atSec)} (scheduled)`;
  const file = s[0]?.origin.file;
  return file ? `timeline ${file} (${s.length} faults)` : `${s.length} scheduled faults (faults[${f.index}])`;
}

/** The runs an explanation needs: the run itself, without any fault, and without each part. */
export function plan(o: { file: string; text: string; scenario: Scenario; seed: number; durationSec: number; incidents: readonly Incident[] }): Plan {
  const job = (id: string, text: string, exclude?: IncidentKey[]): JobSpec => ({
    id,
    file: o.file,
    text,
    seed: o.seed,
    durationSec: o.durationSec,
    ...(exclude ? { exclude } : {}),
  });
  const parts: Part[] = [];
  const scheduled = scheduledFaults(o.scenario);
  // Scheduled incidents are level-1 parts (their own entries): only random ones go to level 2.
  const isScheduled = (i: Incident) => scheduled.some((s) => Math.abs(s.atSec - i.at) < 1e-6 && s.target === i.target);
  o.scenario.faults.forEach((f, index) => {
    const id = `faults[${index}]`;
    parts.push({ id, label: entryLabel(f, o.scenario), level: 1, job: job(id, withoutFaults(o.text, [index])) });
    if (f.kind === "scheduled") return;
    const mine = o.incidents
      .filter((i) => i.model === f.kind && !isScheduled(i))
      .sort((a, b) => b.hosts * Math.max(b.durationSec, 1) - a.hosts * Math.max(a.durationSec, 1) || a.at - b.at)
      .slice(0, MAX_INCIDENTS_PER_MODEL)
      .sort((a, b) => a.at - b.at);
    for (const i of mine) {
      const cid = `${id}/${i.kind}@${i.at}:${i.target}`;
      const label = `${i.kind} ${i.target || "(fleet-wide)"} at ${formatTime(i.at)}`;
      parts.push({ id: cid, label, level: 2, parent: id, job: job(cid, o.text, [{ kind: i.kind, target: i.target, at: i.at }]) });
    }
  });
  return { full: job("full", o.text), none: job("no faults", withoutFaults(o.text, "all")), parts };
}

/** What is explained: one metric of one policy, with its SLO when it has one. */
export interface Target {
  policy: string;
  metric: string;
  slo?: { op: SloOp; threshold: number };
}

export interface Row {
  id: string;
  label: string;
  level: 1 | 2;
  parent?: string;
  /** What the part cost, in the metric's unit, positive when it made the metric worse. */
  cost: number;
  /** Why it has no cost (its run failed). */
  error?: string;
}

export interface Explanation extends Target {
  value: number;
  /** Without any fault. */
  faultFree: number;
  /** What the faults cost in all (faultFree vs value, in the SLO's direction). */
  total: number;
  /** How far value misses the threshold (positive: breached); undefined without an SLO. */
  shortfall?: number;
  /** Level-1 rows, each followed by its level-2 rows and its "rest" row, then "interactions". */
  rows: Row[];
  /** What to try (./suggest.ts), filled in by the caller that knows the policy's settings. */
  tries?: { cause?: string; cost?: number; say: string }[];
}

/** +1 when a higher value is better (>= and >), else -1 (<=, <, ==, != count up as worse). */
export function direction(op: SloOp | undefined): 1 | -1 {
  return op === ">=" || op === ">" ? 1 : -1;
}

/** The SLO breaches even in the run without any fault: no answer to faults can meet it. */
export function breachesWithoutFaults(e: Explanation): boolean {
  return e.slo !== undefined && (e.shortfall ?? 0) > 0 && direction(e.slo.op) * (e.faultFree - e.slo.threshold) < 0;
}

function metricOf(r: JobResult | undefined, t: Target): number {
  if (!r || r.status !== "complete") return Number.NaN;
  return r.metrics[t.policy]?.[t.metric] ?? Number.NaN;
}

/** The explanation of one target from the plan's results (keyed by job id). */
export function explain(p: Plan, results: ReadonlyMap<string, JobResult>, t: Target): Explanation {
  const dir = direction(t.slo?.op);
  const value = metricOf(results.get(p.full.id), t);
  const faultFree = metricOf(results.get(p.none.id), t);
  const cost = (id: string) => dir * (metricOf(results.get(id), t) - value);
  const total = dir * (faultFree - value);
  const rows: Row[] = [];
  let level1 = 0;
  for (const part of p.parts.filter((x) => x.level === 1)) {
    const r = results.get(part.id);
    const c = cost(part.id);
    const error = r && r.status !== "complete" ? (r.error ?? r.status) : undefined;
    rows.push({ id: part.id, label: part.label, level: 1, cost: c, ...(error ? { error } : {}) });
    if (Number.isFinite(c)) level1 += c;
    const children = p.parts.filter((x) => x.parent === part.id);
    if (children.length === 0) continue;
    let sum = 0;
    for (const ch of children) {
      const cc = cost(ch.id);
      rows.push({ id: ch.id, label: ch.label, level: 2, parent: part.id, cost: cc });
      if (Number.isFinite(cc)) sum += cc;
    }
    rows.push({
      id: `${part.id}/rest`,
      label: `rest of ${part.label.split(" (")[0]} (its other faults, interactions)`,
      level: 2,
      parent: part.id,
      cost: c - sum,
    });
  }
  rows.push({ id: "interactions", label: "interactions (what faults do only together)", level: 1, cost: total - level1 });
  const shortfall = t.slo ? dir * (t.slo.threshold - value) : undefined;
  return { ...t, value, faultFree, total, ...(shortfall !== undefined ? { shortfall } : {}), rows };
}
