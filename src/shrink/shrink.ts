// `fleet shrink`: the smallest fault schedule under which one SLO of one policy still
// breaches, as an incident timeline and a regression scenario to commit. Every candidate
// is a real run of the scenario (on the worker threads, or Redis workers), so what shrink
// returns has been seen to breach, and each of its faults has been seen to matter.
//
// Method, on the shared fault trace (./ddmin.ts has the two searches):
//   0. the run itself and the run without any fault: the SLO must breach in the first; if
//      it breaches in the second too, the smallest schedule is empty (no fault needed).
//   1. models: the scenario's `faults:` entries, each removed whole (exact: the others
//      keep their streams, so their faults stay as they were): each left out alone, then
//      all those not needed alone together; `grow`, then ddmin, when that does not breach.
//      The runs are narrowed to this policy and the metric's workloads when that leaves
//      the fault trace as it was (its digest says so).
//   2. faults: the kept models' trace written as scheduled entries (./trace-entries.ts:
//      one per fault, exact times), run as the scenario's only faults, with this policy
//      alone and only the workloads the metric comes from (the lanes and the workloads
//      share nothing but the trace, which the entries fix). If those entries no longer
//      breach, the answer stops at step 1 and says what could not be written. Then `grow`
//      over the faults, heaviest (hosts x seconds) first, ddmin if the breach is not
//      monotone.
//   3. smaller faults: every fault's episode (repair, duration, replace), slowdown,
//      share or rate cut to 1/16, 1/4 or 1/2 at once while the SLO still breaches, then
//      each fault's alone.
//   4. 1-minimal, on the whole scenario (every workload, this policy): the set without
//      each fault in turn, every one of which must hold the SLO (a fault found unneeded
//      is dropped and the check repeated; a set that no longer breaches with the other
//      workloads present is searched for again there).
// A policy whose checkpoint interval is young, daly or adaptive took its M from the
// fault models' rates; a timeline has none, so its runs pin `mtbf` to the run's M.
// Runs are capped (`budget`); a search cut short says so and returns the smallest
// breaching schedule it has, not shown 1-minimal.
import { parseDocument } from "yaml";
import { exactDuration, formatTime } from "../base/units.js";
import { scheduledFaults } from "../faults/timeline/targets.js";
import type { JobResult, JobSpec, Runner } from "../distributed/job.js";
import { FAULT_MODELS } from "../faults/registry.js";
import { policyAsWritten, withoutFaults, withSection } from "../replay/scenario-edit.js";
import { laneNames } from "../run/session.js";
import { loadScenarioText, type Scenario } from "../scenario/load.js";
import { metricInfo } from "../slo/catalog.js";
import { WORKLOADS } from "../workloads/registry.js";
import { CachedProbe, ddmin, grow } from "./ddmin.js";
import { type LeftOut, type TraceEntry, traceEntries } from "./trace-entries.js";

export interface ShrinkInput {
  file: string;
  text: string;
  scenario: Scenario;
  seed: number;
  durationSec: number;
  /** The policy (lane name; "default" for a scenario without policies). */
  policy: string;
  metric: string;
  runner: Runner;
  /** Candidates run together (the runner's parallelism). */
  width: number;
  /** Most runs in all. */
  budget: number;
  /** Seconds on a clock of the caller's (to time the phases: the search, not the simulation). */
  now: () => number;
  onPhase?: (line: string) => void;
}

export interface Phase {
  name: string;
  runs: number;
  wallSec: number;
  /** What the phase left: "3 of 15 models", "4 of 1,203 faults". */
  result: string;
}

export type ShrinkOutcome =
  | { kind: "holds"; value: number }
  | { kind: "no-faults"; value: number; faultFree: number }
  | { kind: "not-as-timeline"; value: number; models: string[]; entries: number; timelineValue: number; leftOut: LeftOut[]; error?: string }
  | {
      kind: "shrunk";
      value: number;
      /** The smallest breaching schedule, in time order. */
      entries: TraceEntry[];
      /** The metric under it. */
      shrunkValue: number;
      models: string[];
      /** Faults the kept models made, as entries. */
      traceFaults: number;
      leftOut: LeftOut[];
      /** Each fault removed alone: the metric without it (all hold the SLO when minimal). */
      without: { entry: number; value: number; holds: boolean }[];
      minimal: boolean;
      /** Policies' mtbf pinned in the runs of scheduled entries (mtbfPins). */
      pins: Pins;
    };

export interface ShrinkResult {
  outcome: ShrinkOutcome;
  phases: Phase[];
  runs: number;
  threshold: { op: string; value: number };
}

/** A scheduled entry as the scenario's `faults:` list writes it. */
export function entryOf(e: TraceEntry): Record<string, unknown> {
  return { at: e.atSec, [e.kind]: e.target, ...e.params };
}

/** The episode parameter of an entry's kind (`repair`, `duration`, `replace`), if it has one. */
function episodeParam(e: TraceEntry): string | undefined {
  return FAULT_MODELS[e.kind]?.incident?.kindOf(e.params).episode;
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString("en-US")} ${what}${n === 1 ? "" : "s"}`;
}

export async function shrink(o: ShrinkInput): Promise<ShrinkResult> {
  let runs = 0;
  let jobNo = 0;
  let firstError: string | undefined;
  const phases: Phase[] = [];
  let mark = o.now();
  const phase = (name: string, phaseRuns: number, result: string) => {
    const t = o.now();
    phases.push({ name, runs: phaseRuns, wallSec: t - mark, result });
    o.onPhase?.(`${name}: ${result} (${plural(phaseRuns, "run")}, ${(t - mark).toFixed(1)}s)`);
    mark = t;
  };
  const run = async (texts: readonly string[]): Promise<JobResult[]> => {
    runs += texts.length;
    const jobs: JobSpec[] = texts.map((text) => ({ id: `shrink-${++jobNo}`, file: o.file, text, seed: o.seed, durationSec: o.durationSec }));
    return o.runner.run(jobs);
  };
  const verdictOf = (r: JobResult) => r.verdicts.find((v) => v.policy === o.policy && v.metric === o.metric);
  const breaches = (r: JobResult): boolean => {
    if (r.status !== "complete") firstError ??= r.error ?? r.status;
    const v = verdictOf(r);
    return r.status === "complete" && v !== undefined && !v.ok;
  };
  const metricOf = (r: JobResult) => verdictOf(r)?.value ?? Number.NaN;

  // The run narrowed to this policy and the metric's workloads: the models' step runs
  // it when its fault trace is the run's (the policies' spares and the workloads' hosts
  // decide which hosts get straggler detail, so narrowing may change the trace).
  const narrowText = narrowed(onlyPolicy(o.text, o.scenario, o.policy, {}), o.scenario, o.metric);
  const [full, none, narrow] = await run([o.text, withoutFaults(o.text, "all"), narrowText]);
  if (full.status !== "complete") throw new Error(`the run itself did not complete: ${full.error ?? full.status}`);
  const v = verdictOf(full);
  if (!v) throw new Error(`the run has no SLO on ${o.metric} for ${o.policy}`);
  const threshold = { op: v.op, value: v.threshold };
  const done = (outcome: ShrinkOutcome): ShrinkResult => ({ outcome, phases, runs, threshold });
  if (v.ok) return done({ kind: "holds", value: v.value });
  if (breaches(none)) return done({ kind: "no-faults", value: v.value, faultFree: metricOf(none) });

  // 1. Models: whole `faults:` entries.
  const n = o.scenario.faults.length;
  const modelsText = narrow.status === "complete" && narrow.traceDigest === full.traceDigest && metricOf(narrow) === v.value ? narrowText : o.text;
  const modelProbe = new CachedProbe<readonly number[]>(
    async (cands) => (await run(cands.map((keep) => withoutFaults(modelsText, complement(n, keep))))).map(breaches),
    o.width,
    o.budget - runs,
  );
  const models = n > 1 ? await minimalModels(n, modelProbe) : [0];
  const label = (i: number) => {
    const f = o.scenario.faults[i];
    if (f.kind !== "scheduled") return `${f.kind} (faults[${i}])`;
    const s = scheduledFaults({ faults: [f] });
    return s.length === 1 ? `${s[0].kind} ${s[0].target} at ${formatTime(s[0].atSec)} (scheduled)` : `${s.length} scheduled faults (faults[${i}])`;
  };
  const modelNames = models.map(label);
  phase("models", modelProbe.probes, `${models.length} of ${plural(n, "fault model")}: ${modelNames.join(", ")}`);

  // 2. Faults: the kept models' trace as scheduled entries, run with this policy alone and
  // only the workloads the metric comes from (the lanes and the workloads share nothing
  // but the trace, which the entries fix); step 4 checks the result on the whole scenario.
  const keptText = withoutFaults(o.text, complement(n, models));
  const kept = loadScenarioText(keptText, o.file);
  if (!kept.ok) throw new Error(`the scenario without the other fault models does not load: ${kept.issues[0]?.message}`);
  const trace = traceEntries(kept.value, o.seed, o.durationSec);
  const all = [...trace.entries].sort((x, y) => x.kind.localeCompare(y.kind) || x.atSec - y.atSec);
  const pins = mtbfPins(o.text, o.scenario, full.metrics);
  const whole = onlyPolicy(o.text, o.scenario, o.policy, pins);
  const textIn = (base: string) => (entries: readonly TraceEntry[]) => withSection(base, "faults", entries.map(entryOf), " faults: written by fleet shrink");
  let textOf = textIn(narrowed(whole, o.scenario, o.metric));
  const [asTimeline] = all.length ? await run([textOf(all)]) : [undefined];
  if (!asTimeline || !breaches(asTimeline)) {
    return done({
      kind: "not-as-timeline",
      value: v.value,
      models: modelNames,
      entries: all.length,
      timelineValue: asTimeline ? metricOf(asTimeline) : Number.NaN,
      leftOut: trace.leftOut,
      ...(firstError ? { error: firstError } : {}),
    });
  }
  const minimise = async (): Promise<{ entries: TraceEntry[]; exhausted: boolean; probes: number }> => {
    const probe = new CachedProbe<readonly number[]>(
      async (cands) => (await run(cands.map((keep) => textOf(keep.map((i) => all[i]))))).map(breaches),
      o.width,
      o.budget - runs,
    );
    // Heaviest first (hosts x seconds), then in time order.
    const order = all.map((_, i) => i).sort((x, y) => all[y].weight - all[x].weight || all[x].atSec - all[y].atSec);
    const found = (await grow(order, probe)) ?? (await ddmin(all.length, probe));
    return { entries: found.kept.map((i) => all[i]), exhausted: found.exhausted, probes: probe.probes };
  };
  let found = await minimise();
  let current = found.entries;
  phase("faults", found.probes + 1, `${current.length} of ${plural(all.length, "fault")}`);

  // 3. Smaller faults: every fault at once, then one at a time.
  const setProbe = new CachedProbe<readonly TraceEntry[]>(
    async (cands) => (await run(cands.map((c) => textOf(c)))).map(breaches),
    o.width,
    o.budget - runs,
    (c) => JSON.stringify(c.map(entryOf)),
  );
  const lower = async (pick: (i: number) => boolean, rounds: number) => {
    for (let round = 0; round < rounds && !setProbe.exhausted; round++) {
      const tries = [1 / 16, 1 / 4, 1 / 2]
        .map((f) => current.map((e, i) => (pick(i) ? milder(e, f) : e)))
        .filter((c) => JSON.stringify(c) !== JSON.stringify(current));
      if (tries.length === 0) return;
      const hit = await setProbe.firstFailing(tries);
      if (hit < 0) return;
      current = tries[hit];
    }
  };
  if (!found.exhausted) {
    await lower(() => true, 4);
    for (let i = 0; i < current.length && current.length > 1; i++) await lower((j) => j === i, 2);
  }
  phase("smaller", setProbe.probes, "episodes, slowdowns, shares and rates lowered while it breaches");

  // 4. 1-minimal, on the whole scenario (every workload, this policy): without each fault
  // in turn, the SLO must hold. A fault found unneeded is dropped and the check repeated;
  // should the set not breach with the other workloads present, the search runs again there.
  textOf = textIn(whole);
  let without: { entry: number; value: number; holds: boolean }[] = [];
  let checkRuns = 0;
  let shrunkValue = Number.NaN;
  let again = true;
  for (;;) {
    const texts = [textOf(current), ...(current.length > 1 ? current.map((_, i) => textOf(current.filter((_, j) => j !== i))) : [])];
    const results = found.exhausted ? await run(texts.slice(0, 1)) : await run(texts);
    checkRuns += results.length;
    shrunkValue = metricOf(results[0]);
    if (!breaches(results[0])) {
      if (!again) throw new Error("the shrunk schedule no longer breaches when run again: the runs are not deterministic");
      // The other workloads change the outcome: minimise on the whole scenario.
      again = false;
      found = await minimise();
      current = found.entries;
      phase("faults", found.probes, `${current.length} of ${plural(all.length, "fault")}, again with every workload`);
      continue;
    }
    if (found.exhausted) break;
    without =
      current.length > 1
        ? results.slice(1).map((r, i) => ({ entry: i, value: metricOf(r), holds: !breaches(r) }))
        : [{ entry: 0, value: metricOf(none), holds: true }];
    const unneeded = without.find((w) => !w.holds);
    if (!unneeded) break;
    current = current.filter((_, j) => j !== unneeded.entry);
  }
  phase(
    "1-minimal",
    checkRuns,
    found.exhausted
      ? "not checked: the run budget ran out"
      : current.length === 1
        ? "without the fault the SLO holds"
        : `each of the ${current.length} faults removed alone: the SLO holds`,
  );
  const byTime = current.map((e, i) => ({ e, w: without[i] })).sort((x, y) => x.e.atSec - y.e.atSec);
  return done({
    kind: "shrunk",
    value: v.value,
    entries: byTime.map((x) => x.e),
    shrunkValue,
    models: modelNames,
    traceFaults: all.length,
    leftOut: trace.leftOut,
    without: byTime.filter((x) => x.w !== undefined).map((x, i) => ({ ...x.w, entry: i })),
    minimal: !found.exhausted,
    pins,
  });
}

/**
 * The fault models the breach needs: each removed alone first (one batch); if the models
 * whose removal leaves the breach can all go together, the rest is 1-minimal already
 * (each was needed alone); otherwise `grow` from those, then ddmin if that fails.
 */
async function minimalModels(n: number, probe: CachedProbe<readonly number[]>): Promise<number[]> {
  const all = Array.from({ length: n }, (_, i) => i);
  const withoutOne = all.map((i) => all.filter((j) => j !== i));
  const results = await probe.failing(withoutOne);
  const needed = all.filter((i) => !results[i]);
  if (needed.length > 0 && (await probe.fails(needed))) return needed;
  // They need some of the others too: grow from the needed ones, then the rest in order.
  const order = [...needed, ...all.filter((i) => results[i])];
  return ((await grow(order, probe)) ?? (await ddmin(n, probe))).kept;
}

/** Indices 0..n-1 not in `keep`. */
function complement(n: number, keep: readonly number[]): number[] {
  const k = new Set(keep);
  return Array.from({ length: n }, (_, i) => i).filter((i) => !k.has(i));
}

/**
 * The scenario text with only the workloads `metric` comes from (all of them for a metric
 * of the whole fleet) and only its SLO.
 */
function narrowed(text: string, scenario: Scenario, metric: string): string {
  const def = metricInfo(metric);
  const owner = def && WORKLOADS.find((w) => w.metrics.includes(def));
  const doc = parseDocument(text);
  if (owner) for (let i = scenario.workloads.length - 1; i >= 0; i--) if (scenario.workloads[i].kind !== owner.kind) doc.deleteIn(["workloads", i]);
  const slo = scenario.slo.find((x) => x.metric === metric);
  if (slo) doc.set("slo", doc.createNode({ [metric]: slo.text }));
  return String(doc);
}

/** The scenario text with only `policy` among its policies (unchanged without a `policies:` section). */
function onlyPolicy(text: string, scenario: Scenario, policy: string, pins: Pins): string {
  return withPolicies(text, scenario, pins, [policy]);
}

/**
 * The scenario text with its policies (or only those named) as written, each pinned
 * policy given its `mtbf` (unchanged when the scenario has no `policies:`).
 */
function withPolicies(text: string, scenario: Scenario, pins: Pins, only?: readonly string[]): string {
  const names = laneNames(scenario);
  if (names[0] === undefined) return text;
  const kept = names.filter((n): n is string => n !== undefined && (only === undefined || only.includes(n)));
  return withSection(
    text,
    "policies",
    Object.fromEntries(kept.map((n) => [n, { ...((policyAsWritten(text, n) as object) ?? {}), ...(pins[n] ? { mtbf: pins[n] } : {}) }])),
  );
}

/** Policies' `mtbf` pinned for a timeline run, seconds, by policy. */
export type Pins = Record<string, number>;

/**
 * The M (mean time between interruptions) each policy's young, daly or adaptive interval
 * took from the fault models' rates in the run: a timeline has no rates, so a run of
 * scheduled entries must be told it (`mtbf`) to checkpoint as the run did. Only for a
 * policy that does not set `mtbf` itself, with one training job (one M).
 */
export function mtbfPins(text: string, scenario: Scenario, metrics: Record<string, Record<string, number>>): Pins {
  const pins: Pins = {};
  for (const name of laneNames(scenario)) {
    if (name === undefined) continue;
    const written = policyAsWritten(text, name) as Record<string, unknown> | undefined;
    if (!written || written.mtbf !== undefined || !["young", "daly", "adaptive"].includes(String(written.checkpoint))) continue;
    const keys = Object.keys(metrics[name] ?? {}).filter((k) => /^training\.([^.]+\.)?mtbfHours$/.test(k));
    if (keys.length === 1 && Number.isFinite(metrics[name][keys[0]])) pins[name] = metrics[name][keys[0]] * 3600;
  }
  return pins;
}

/**
 * The regression scenario: the scenario with its faults replaced by the incident file
 * (`- timeline: FILE`, relative to the scenario's folder), its seed and duration those
 * of the run, and the pinned policies' `mtbf`: `fleet chaos` on it replays the breach.
 */
export function regressionScenario(o: {
  text: string;
  scenario: Scenario;
  pins: Pins;
  timeline: string;
  seed: number;
  durationSec: number;
  comment: string;
}): string {
  const doc = parseDocument(withPolicies(o.text, o.scenario, o.pins));
  doc.set("seed", o.seed);
  doc.set("duration", exactDuration(o.durationSec));
  const faults = doc.createNode([{ timeline: o.timeline }]);
  faults.commentBefore = o.comment;
  doc.set("faults", faults);
  return doc.toString({ lineWidth: 0 });
}

/** Parameters that make a fault milder when lowered, beside its episode's length, by model. */
const MILDER: Record<string, string> = { straggler: "slowdown", colocated: "share", mercurialCore: "rate" };

/**
 * `e` made milder by `f` (1/16, 1/4, 1/2): its episode's length times f (whole seconds,
 * at least 1), a slowdown's excess over 1 times f (to the hundredth, above 1), a share or
 * a rate times f.
 */
function milder(e: TraceEntry, f: number): TraceEntry {
  const params = { ...e.params };
  const ep = episodeParam(e);
  if (ep !== undefined && typeof params[ep] === "number") params[ep] = Math.max(1, Math.round((params[ep] as number) * f));
  const sev = MILDER[e.kind];
  const v = params[sev];
  if (typeof v === "number") {
    if (sev === "slowdown") {
      const x = Math.round((1 + (v - 1) * f) * 100) / 100;
      if (x > 1) params[sev] = x;
    } else params[sev] = v * f;
  }
  return { ...e, params };
}
