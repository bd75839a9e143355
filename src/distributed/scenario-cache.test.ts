import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runJob, type JobSpec } from "./job.js";
import { ScenarioCache, type LoadedScenario } from "./scenario-cache.js";

const FILE = "test/fixtures/gate-small.yaml";
const TEXT = readFileSync(FILE, "utf8");
const job = (seed: number, extra: Partial<JobSpec> = {}): JobSpec => ({
  id: `gate-small:${seed}`,
  file: FILE,
  text: TEXT,
  seed,
  durationSec: 2 * 86400,
  ...extra,
});
const ckpt = { overrides: [{ path: "policies.naive.checkpoint", value: "30m" }] };

function deepFreeze(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== "object" || seen.has(x) || ArrayBuffer.isView(x)) return;
  seen.add(x);
  for (const v of Object.values(x)) deepFreeze(v, seen);
  Object.freeze(x);
}

describe("the scenarios of a batch", () => {
  it("are loaded once each, and jobs that share one give the results of jobs that load their own", async () => {
    const jobs = [job(1), job(2), job(3), job(4, ckpt), job(5, ckpt)];
    const scenarios = new ScenarioCache();
    const shared = [];
    for (const j of jobs) shared.push(await runJob(j, { scenarios }));
    // the scenario as written, and the scenario with the override: two loads for five jobs
    expect(scenarios.size).toBe(2);
    const fresh = [];
    for (const j of jobs) fresh.push(await runJob(j));
    expect(shared).toEqual(fresh);
    expect(new Set(fresh.map((r) => r.digest)).size).toBe(jobs.length);
  });

  it("are never written to by a run: a deep-frozen scenario runs as a fresh one", async () => {
    const scenarios = new ScenarioCache();
    const first = await runJob(job(1), { scenarios });
    const loaded = scenarios.get(job(1), () => {
      throw new Error("loaded again");
    });
    expect(loaded.ok).toBe(true);
    deepFreeze(loaded);
    // a write to a frozen object throws in strict mode, and the run would come back "failed"
    const again = await runJob(job(1), { scenarios });
    expect(again.status).toBe("complete");
    expect(again).toEqual(first);
  });

  it("keep a job invalid: bad overrides and bad scenarios are reported for every job", async () => {
    const scenarios = new ScenarioCache();
    const bad = job(1, { overrides: [{ path: "policies..checkpoint", value: "1h" }] });
    const a = await runJob(bad, { scenarios });
    const b = await runJob({ ...bad, id: "again", seed: 2 }, { scenarios });
    expect([a.status, b.status]).toEqual(["invalid", "invalid"]);
    expect(b.error).toBe(a.error);
    expect(a.error).toMatch(/empty segment/);
  });

  it("keep the most recently used, up to the capacity", () => {
    const cache = new ScenarioCache(2);
    const loads: string[] = [];
    const get = (text: string): LoadedScenario =>
      cache.get({ file: "x.yaml", text }, () => {
        loads.push(text);
        return { ok: false, error: text };
      });
    get("a");
    get("b");
    get("a"); // a is now the most recent
    get("c"); // evicts b
    get("a");
    get("b");
    expect(loads).toEqual(["a", "b", "c", "b"]);
    expect(cache.size).toBe(2);
    // the file and the overrides are part of what a scenario is loaded from
    cache.get({ file: "y.yaml", text: "a" }, () => ({ ok: false, error: "y" }));
    cache.get({ file: "x.yaml", text: "a", overrides: [{ path: "seed", value: "1" }] }, () => ({ ok: false, error: "o" }));
    expect(get("a")).toEqual({ ok: false, error: "a" });
    expect(loads).toEqual(["a", "b", "c", "b", "a"]);
  });
});
