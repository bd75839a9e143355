// Behaviour kept through the architecture change of issue 14: every scenario in
// scenarios/ at seeds 1-3, run by the built binary, gives the JSON report recorded before
// the change (test/golden/scenario-metrics.json, made by test/golden/record.mjs at commit
// 99aad2a): the same fault trace digest, event count, metrics and verdicts, and the same
// journal record for record, values and all (`sortedDigest`: the order of keys inside a
// record may differ, since workloads now report in scenario order).
//
// The only differences allowed are listed in CHANGED below, each with the reason: a fault
// kind that gained a real effect (rack.wonky, disk.slow) changes the metrics of the runs
// where it happens, and nothing else.
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sortedDigest } from "./golden/sorted-digest.mjs";

const run = promisify(execFile);

interface Recorded {
  status: string;
  events: number;
  traceDigest: string;
  digest: string;
  sortedDigest: string;
  metrics: Record<string, Record<string, number | null>>;
  verdicts: { policy: string; metric: string; value: number | null; ok: boolean }[];
}

const golden = JSON.parse(readFileSync("test/golden/scenario-metrics.json", "utf8")) as Record<string, Recorded>;

/**
 * Runs whose results may differ from the recording, by "<file>#<seed>", with the metrics
 * that may differ (a prefix ending in "." matches a whole family) and why. Every other
 * value must be equal.
 */
const CHANGED: Record<string, { metrics: string[]; why: string }> = {};

async function report(file: string, seed: number): Promise<Recorded> {
  const journal = join(tmpdir(), `fleet-behaviour-${process.pid}-${file}-${seed}.jsonl`);
  let stdout: string;
  try {
    ({ stdout } = await run(
      "node",
      ["bin/fleet.js", "chaos", `scenarios/${file}`, "--seed", String(seed), "--reporter", "json", "--journal", journal, "--force"],
      { maxBuffer: 1 << 26 },
    ));
  } catch (e) {
    stdout = (e as { stdout: string }).stdout; // exit 1: an SLO is breached
  }
  const r = JSON.parse(stdout) as Recorded;
  r.sortedDigest = sortedDigest(readFileSync(journal, "utf8"));
  rmSync(journal);
  return r;
}

function allowed(key: string, metric: string): boolean {
  const c = CHANGED[key];
  return c !== undefined && c.metrics.some((m) => (m.endsWith(".") ? metric.startsWith(m) : m === metric));
}

describe("every scenario gives the results recorded before the architecture change", () => {
  it.each(Object.keys(golden))("%s", async (key) => {
    const [file, seed] = key.split("#");
    const want = golden[key];
    const got = await report(file, Number(seed));
    expect(got.status).toBe(want.status);
    expect(got.traceDigest).toBe(want.traceDigest);
    const changed = CHANGED[key] !== undefined;
    if (!changed) {
      expect(got.events).toBe(want.events);
      expect(got.sortedDigest).toBe(want.sortedDigest);
    }
    for (const [policy, metrics] of Object.entries(want.metrics)) {
      const mine = got.metrics[policy] ?? {};
      for (const [name, value] of Object.entries(metrics)) {
        if (allowed(key, name)) continue;
        expect({ policy, name, value: mine[name] }).toEqual({ policy, name, value });
      }
      const extra = Object.keys(mine).filter((n) => !(n in metrics) && !allowed(key, n));
      expect({ policy, extra }).toEqual({ policy, extra: [] });
    }
    const verdicts = (vs: Recorded["verdicts"]) =>
      vs.filter((v) => !allowed(key, v.metric)).map((v) => ({ policy: v.policy, metric: v.metric, value: v.value, ok: v.ok }));
    expect(verdicts(got.verdicts)).toEqual(verdicts(want.verdicts));
  });
});
