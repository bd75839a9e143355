// A job: one run of one scenario under one seed (every policy of the scenario runs in it,
// against the same fault trace). `fleet gate` and `fleet sweep` turn their work into
// jobs; a Runner carries them out serially, on worker threads or on BullMQ workers, and
// must give the same JobResult for the same JobSpec wherever it runs: a job carries the
// scenario's text (not a path), so a remote worker needs no shared files, and the result
// holds only what the run computed (no wall clock), so merged results are identical.
// A counterfactual job (`exclude`: correlated incidents left out, src/faults/exclude.ts)
// is plain data too, and its journal header says what it left out.
import { parseDocument } from "yaml";
import { digestOnlyJournal, type JsonObject } from "../journal/index.js";
import { loadScenarioText } from "../scenario/load.js";
import { formatIssues } from "../base/issues.js";
import { ScenarioCache, type LoadedScenario } from "./scenario-cache.js";
import { buildFleet } from "../fleet/build.js";
import { checkIncidentKeys, type IncidentKey } from "../faults/exclude.js";
import { FAULT_KINDS } from "../faults/registry.js";
import { runScenario } from "../run/session.js";
import type { Verdict } from "../slo/slo.js";
import { VERSION } from "../base/version.js";

/** A setting changed before the scenario is validated: `policies.hardened.checkpoint` = "2h". */
export interface Override {
  /** Dotted path into the scenario document; numeric segments index lists. */
  path: string;
  /** As it would be written in YAML ("2h", "0.5", "true"). */
  value: string;
}

export interface JobSpec {
  /** Unique within a batch; results are merged by it. */
  id: string;
  /** The scenario file's path as the user gave it (for messages and relative timeline files). */
  file: string;
  /** The scenario file's text. */
  text: string;
  seed: number;
  /** Simulated seconds; the scenario's own duration when absent. */
  durationSec?: number;
  overrides?: Override[];
  /** Correlated incidents left out of the fault trace (`fleet explain`'s counterfactuals). */
  exclude?: IncidentKey[];
}

export type JobStatus = "complete" | "interrupted" | "failed" | "invalid";

export interface JobResult {
  id: string;
  status: JobStatus;
  seed: number;
  /** Final metrics per policy (lane). */
  metrics: Record<string, Record<string, number>>;
  verdicts: Verdict[];
  traceDigest: string;
  /** The run's journal digest (sha256 hex): equal wherever the job ran. */
  digest: string;
  simEvents: number;
  /** Why the job failed or was invalid. */
  error?: string;
}

/** Applies overrides to a scenario's YAML text; throws Error naming a bad path. */
export function applyOverrides(text: string, overrides: readonly Override[] = []): string {
  if (overrides.length === 0) return text;
  const doc = parseDocument(text);
  for (const o of overrides) {
    const path = o.path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (path.some((s) => s === "")) throw new Error(`--set ${o.path}: empty segment in the path`);
    const value = parseDocument(o.value).toJS() as unknown;
    doc.setIn(path, value);
  }
  return String(doc);
}

/** Applies a job's overrides and loads its scenario; what is wrong with either makes the job invalid. */
function loadJobScenario(spec: JobSpec): LoadedScenario {
  let text: string;
  try {
    text = applyOverrides(spec.text, spec.overrides);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const loaded = loadScenarioText(text, spec.file);
  return loaded.ok ? { ok: true, scenario: loaded.value } : { ok: false, error: formatIssues(spec.file, loaded.issues) };
}

/**
 * Runs one job to completion in this thread. Never throws for bad input: status "invalid".
 * An aborted `signal` stops the run at its next step: status "interrupted". `scenarios`:
 * the batch's loaded scenarios, so jobs of the same scenario load it once.
 */
export async function runJob(spec: JobSpec, opts: { signal?: AbortSignal; scenarios?: ScenarioCache } = {}): Promise<JobResult> {
  const base = { id: spec.id, seed: spec.seed, metrics: {}, verdicts: [], traceDigest: "", digest: "", simEvents: 0 };
  const loaded = opts.scenarios ? opts.scenarios.get(spec, () => loadJobScenario(spec)) : loadJobScenario(spec);
  if (!loaded.ok) return { ...base, status: "invalid", error: loaded.error };
  const scenario = loaded.scenario;
  const exclude = spec.exclude ?? [];
  try {
    if (exclude.length) checkIncidentKeys(exclude, buildFleet(scenario.fleet), FAULT_KINDS);
  } catch (e) {
    return { ...base, status: "invalid", error: (e as Error).message };
  }
  const journal = digestOnlyJournal();
  const outcome = await runScenario(scenario, {
    seed: spec.seed,
    durationSec: spec.durationSec ?? scenario.durationSec,
    journal,
    fleetVersion: VERSION,
    headerOptions: { file: spec.file, job: spec.id, overrides: (spec.overrides ?? []) as unknown as JsonObject[] },
    shouldStop: () => opts.signal?.aborted === true,
    exclude,
  });
  return {
    id: spec.id,
    status: outcome.status,
    seed: spec.seed,
    metrics: outcome.metrics,
    verdicts: outcome.verdicts,
    traceDigest: outcome.traceDigest,
    digest: outcome.footer?.digest ?? "",
    simEvents: outcome.events,
    ...(outcome.error !== undefined ? { error: outcome.error.split("\n")[0] } : {}),
  };
}

/** Progress of a batch, for a progress bar. */
export interface BatchProgress {
  done: number;
  total: number;
}

/**
 * Carries out a batch of jobs. Results come back in the order of `jobs` whatever order
 * they finished in, so callers merge deterministically. A job that cannot be carried out
 * (its worker died) comes back with status "failed" and an error; the batch goes on.
 * When `signal` aborts, the runner stops and returns the jobs that finished, still in
 * job order (jobs that did not finish are left out, or come back "interrupted").
 */
export interface Runner {
  run(jobs: readonly JobSpec[], opts?: { onResult?: (r: JobResult, p: BatchProgress) => void; signal?: AbortSignal }): Promise<JobResult[]>;
  close?(): Promise<void>;
}

/** One job after another, in this thread: the reference every other runner must match. */
export const serialRunner: Runner = {
  async run(jobs, opts = {}) {
    const out: JobResult[] = [];
    const scenarios = new ScenarioCache();
    for (const job of jobs) {
      if (opts.signal?.aborted) break;
      const r = await runJob(job, { signal: opts.signal, scenarios });
      out.push(r);
      opts.onResult?.(r, { done: out.length, total: jobs.length });
    }
    return out;
  },
};
