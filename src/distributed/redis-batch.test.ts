// The batch id, job ids and result encoding shared by the Redis coordinator and workers.
import { describe, expect, it } from "vitest";
import { batchIdOf, bullJobId, decodeResult, encodeResult } from "./redis-batch.js";
import type { JobResult, JobSpec } from "./job.js";

const job = (seed: number, extra: Partial<JobSpec> = {}): JobSpec => ({ id: `j${seed}`, file: "s.yaml", text: "name: s\n", seed, ...extra });

describe("batchIdOf", () => {
  it("is the same for the same jobs and version, and changes with any field, the order or the version", () => {
    const jobs = [job(1), job(2)];
    const id = batchIdOf(jobs, "0.1.0");
    expect(batchIdOf([job(1), job(2)], "0.1.0")).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(batchIdOf([job(2), job(1)], "0.1.0")).not.toBe(id);
    expect(batchIdOf(jobs, "0.1.1")).not.toBe(id);
    expect(batchIdOf([job(1), job(2, { durationSec: 60 })], "0.1.0")).not.toBe(id);
    expect(batchIdOf([job(1), job(2, { overrides: [{ path: "seed", value: "3" }] })], "0.1.0")).not.toBe(id);
    expect(batchIdOf([job(1), job(2, { text: "name: t\n" })], "0.1.0")).not.toBe(id);
  });
});

describe("bullJobId", () => {
  it("joins batch and job id without ':' (BullMQ refuses it in custom ids)", () => {
    expect(bullJobId("abc", "cosmic.yaml:seed=3")).toBe("abc-cosmic.yaml%3Aseed%3D3");
  });
});

describe("encodeResult / decodeResult", () => {
  it("round-trips the numbers JSON cannot hold: NaN, Infinity, -Infinity and -0", () => {
    const r: JobResult = {
      id: "j",
      status: "complete",
      seed: 1,
      metrics: { a: { x: NaN, y: Infinity, z: -Infinity, w: -0, v: 0.1 } },
      verdicts: [{ policy: "a", metric: "x", op: ">=", threshold: 0.9, value: NaN, ok: false }],
      traceDigest: "t",
      digest: "d",
      simEvents: 3,
    };
    const back = decodeResult(encodeResult(r));
    expect(back).toEqual(r);
    expect(Object.is(back.metrics.a.w, -0)).toBe(true);
    expect(Number.isNaN(back.verdicts[0].value)).toBe(true);
    // plain JSON would have turned them into null and 0
    expect(JSON.parse(JSON.stringify(r)).metrics.a.x).toBeNull();
  });
});
