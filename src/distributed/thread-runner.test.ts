import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serialRunner, type JobResult, type JobSpec } from "./job.js";
import { threadRunner } from "./thread-runner.js";

const FILE = "test/fixtures/gate-small.yaml";
const TEXT = readFileSync(FILE, "utf8");
const job = (seed: number, extra: Partial<JobSpec> = {}): JobSpec => ({
  id: `gate-small:${seed}`,
  file: FILE,
  text: TEXT,
  seed,
  durationSec: 5 * 86400,
  ...extra,
});

describe("thread runner", () => {
  it("gives the same results as the serial runner, digests included, in job order", async () => {
    const jobs = [1, 2, 3, 4, 5, 6].map((s) => job(s));
    // a job with an override, to show overrides travel to the worker too
    jobs.push(job(7, { id: "gate-small:7:ckpt", overrides: [{ path: "policies.naive.checkpoint", value: "30m" }] }));
    const serial = await serialRunner.run(jobs);
    const seen: number[] = [];
    const threaded = await threadRunner({ workers: 2 }).run(jobs, { onResult: (_r, p) => seen.push(p.done) });

    expect(threaded.map((r) => r.id)).toEqual(jobs.map((j) => j.id));
    expect(threaded).toEqual(serial);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // the runs really differ from seed to seed, so equality above is not trivial
    expect(new Set(serial.map((r) => r.digest)).size).toBe(jobs.length);
    expect(serial.every((r) => r.status === "complete" && /^[0-9a-f]{64}$/.test(r.digest))).toBe(true);
  });

  it("fails only the job whose worker died, and carries on with the rest", async () => {
    const jobs = [1, 666, 2, 3].map((s) => job(s));
    // one worker: it dies on seed 666, and a fresh one takes the rest
    const runner = threadRunner({ workers: 1, workerUrl: new URL("../../test/fixtures/crashing-worker.ts", import.meta.url) });
    const results = await runner.run(jobs);
    expect(results.map((r) => [r.seed, r.status])).toEqual([
      [1, "complete"],
      [666, "failed"],
      [2, "complete"],
      [3, "complete"],
    ]);
    expect(results[1].error).toMatch(/worker thread died while running job gate-small:666: it exited with code 9/);
    const serial = await serialRunner.run([job(2)]);
    expect(results[2]).toEqual(serial[0]);
  });

  it("stops when aborted: workers terminated, the finished jobs returned in job order", async () => {
    const jobs = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => job(s, { durationSec: 60 * 86400 }));
    const ctl = new AbortController();
    const results: JobResult[] = await threadRunner({ workers: 2 }).run(jobs, { signal: ctl.signal, onResult: (_r, p) => p.done === 2 && ctl.abort() });
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.length).toBeLessThan(jobs.length);
    const order = results.map((r) => jobs.findIndex((j) => j.id === r.id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(results.every((r) => r.status === "complete")).toBe(true);
  });
});
