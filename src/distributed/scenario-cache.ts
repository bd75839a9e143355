// The scenarios loaded for the jobs of one batch. A gate runs one scenario under many seeds
// (a sweep, each point under several), so without this every job would parse and validate
// the same YAML again, and read the same timeline files: each distinct (file, overrides,
// text) is loaded once and kept while the batch lasts, at most `capacity` of them (the
// least recently used goes first). Scoped to a batch on purpose, never to a process: a
// file the scenario names, edited between two batches, is read again by the next one (a
// long-lived `fleet worker` keeps none). Sharing is safe because a run never writes to its
// Scenario (scenario-cache.test.ts runs one deep-frozen).
import type { Scenario } from "../scenario/load.js";

/** A job's scenario as loaded: the Scenario, or why the job is invalid. */
export type LoadedScenario = { ok: true; scenario: Scenario } | { ok: false; error: string };

/** What a scenario is loaded from (a JobSpec has these fields). */
export interface ScenarioSource {
  file: string;
  text: string;
  overrides?: readonly { path: string; value: string }[];
}

export class ScenarioCache {
  private readonly entries = new Map<string, LoadedScenario>();

  constructor(readonly capacity = 8) {}

  /** The scenario of `source`, from `load` the first time it is asked for. */
  get(source: ScenarioSource, load: () => LoadedScenario): LoadedScenario {
    const key = JSON.stringify([source.file, source.overrides ?? [], source.text]);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // most recently used last, so eviction takes the first
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loaded = load();
    this.entries.set(key, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loaded;
  }

  get size(): number {
    return this.entries.size;
  }
}
