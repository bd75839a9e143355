// Asynchronous training end to end (src/workloads/training/async.ts): a recorded run's
// update-order log verifies; an order record whose chain value was changed (its CRC
// recomputed, so only the order differs) is caught by `fleet replay --verify` at its line
// and interval; a counterfactual says at which interval its order parts from the recorded.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { editLine, lineOf } from "../src/replay/testing.js";
import { fleet, tempDir } from "./helpers.js";

const SCENARIO = "test/fixtures/async-training.yaml";

async function record(): Promise<{ path: string; text: string }> {
  const path = join(tempDir("fleet-async-"), "run.jsonl");
  const r = await fleet(["chaos", SCENARIO, "--journal", path, "-q"]);
  expect(r.code).toBe(1); // sync breaches the goodput SLO, async holds it
  return { path, text: readFileSync(path, "utf8") };
}

describe("async training's order log", () => {
  it("is one record per checkpoint interval per async policy, and the run verifies", async () => {
    const { path, text } = await record();
    const orders = text.split("\n").filter((l) => l.includes('"event":"order"'));
    const byPolicy = (p: string) => orders.filter((l) => l.includes(`"policy":"${p}"`)).length;
    expect(byPolicy("async")).toBe(11);
    expect(byPolicy("async-tight")).toBe(11);
    expect(byPolicy("sync")).toBe(0);
    const v = await fleet(["replay", path, "--verify"]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/verified: [\d,]+ records, digest [0-9a-f]{64} matches\n/);
  });

  it("replay --verify catches a tampered order record (CRC recomputed) at its line and interval, and exits 1", async () => {
    const { path, text } = await record();
    const n = lineOf(text, '"policy":"async","job":"job","event":"order","interval":3,');
    const line = text.split("\n")[n - 1];
    const chain = /"chain":"([0-9a-f]{64})"/.exec(line)![1];
    const forged = `${chain.slice(0, 40)}${chain[40] === "0" ? "1" : "0"}${chain.slice(41)}`;
    writeFileSync(
      path,
      editLine(text, n, (l) => l.replace(chain, forged), { crc: true }),
    );
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${path}:${n}: the re-run differs here: field chain: recorded "${forged.slice(0, 58)}…, re-run "${chain.slice(0, 58)}…\n`);
    expect(r.out).toContain("  the update order of job job (policy async) diverges at checkpoint interval 3; the intervals before it reproduce\n");
    expect(r.out).toContain(`does not reproduce: lines 1-${n - 1} match, line ${n} differs\n`);
  });

  it("a counterfactual shows where its update order parts from each recorded async policy's", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "async"]);
    expect(r.err).toBe("");
    expect(r.out).toContain("update order of job job: after async against before async: the same in all 11 checkpoint intervals\n");
    expect(r.out).toMatch(/update order of job job: after async against before async-tight: parts at checkpoint interval (\d+) \(/);
    const j = await fleet(["replay", path, "--policy", "async", "--baseline", "async-tight", "--reporter", "json"]);
    const doc = JSON.parse(j.out) as { orders: { before: string; after: string; same: number; parts?: { interval: number } }[] };
    expect(doc.orders).toHaveLength(1);
    const [c] = doc.orders;
    expect(c).toMatchObject({ job: "job", before: "async-tight", after: "async" });
    expect(c.parts!.interval).toBe(c.same + 1);
  });
});

describe("async training settings", () => {
  it("refuses backup workers with trainingMode async, and a mode it does not know, at their keys (exit 2)", async () => {
    const dir = tempDir("fleet-async-");
    const file = join(dir, "bad.yaml");
    const scenario = (policy: string) =>
      `name: bad\nduration: 1h\nfleet:\n  datacenters:\n    - { name: dc1, rows: 1, racksPerRow: 4, hostsPerRack: 16 }\nworkloads:\n  - training: { name: job, hosts: 32, stepTime: 4s }\npolicies:\n  a: ${policy}\n`;
    writeFileSync(file, scenario("{ trainingMode: async, backupWorkers: 2 }"));
    const both = await fleet(["validate", file]);
    expect(both.code).toBe(2);
    expect(both.err).toContain(
      `${file}:9:44 policies.a.backupWorkers: policy a asks for backupWorkers with trainingMode async: backup workers take the first N gradients of a synchronous step, and async training waits for none (remove backupWorkers from this policy, or set trainingMode: sync)\n`,
    );
    writeFileSync(file, scenario("{ trainingMode: asynch, maxStaleness: -1 }"));
    const bad = await fleet(["validate", file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/policies\.a\.trainingMode: .*"asynch".*async/);
    expect(bad.err).toMatch(/policies\.a\.maxStaleness: /);
  });
});
