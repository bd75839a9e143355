// Behaviour kept from one state of fleet to the next: every scenario in scenarios/ at
// seeds 1-3, run by the built binary, against the JSON reports recorded at a known commit
// (test/golden/scenario-metrics.json, made by test/golden/record.mjs). A change that moves
// results on purpose lists here what it may move and why; every other value must stay
// equal: the fault trace digest, every metric, every verdict.
//
// History: recorded first at 99aad2a, before issue 14's architecture change, which kept
// every value up to f9de162 (the journals too, record for record) and then moved only the
// keyed-hash redraws and the new effects of rack.wonky and disk.slow (see that commit's
// version of this file). Recorded again at ded64b9, the end of issue 14, and again when
// issue 15 gave training jobs their datacenter as a restart pool, counted lost time by
// cause and turned the straggler model off by default: that moved cosmic.yaml and
// llm-training.yaml only (their training metrics; cosmic's straggler counts, trace and
// serving latencies, which had met the old default's throttled hosts). Recorded again at
// the end of issue 15's second session, which moved every scenario on purpose: Young/Daly
// M from the scenario's rates, the corruption lifecycle and silentCorruptions split,
// per-lane ECC (ecc-compare.yaml rewritten), network-aware hedging, DRAM faults that grow,
// PDUs of 500-1,000 hosts and the overheat model, the accelerator and co-located batch job
// models, llm-training.yaml mapped onto Llama 3's causes for 54 days, and cosmic.yaml's new
// faults and hardened policy (the note lists the values before and after).
// Recorded again in issue 15's third session: a training job's M counts machine checks
// (training.mtbfHours and the Young/Daly interval in cosmic.yaml and llm-training.yaml,
// and what follows from the interval), storage acts on power warnings (cosmic.yaml's
// hardened storage; storage.powerMigrations is new everywhere). Issue 16's disk options
// are off by default and moved nothing. Issue 17's fleet shrink gave each defective core
// a stream of its own (src/faults/mercurial.ts: its corruptions a function of its host, so
// a core written as a scheduled entry corrupts at the same times): that moved the
// mercurial.corrupt counts and what follows from them (silent escapes, drains, goodput)
// in every scenario with defective cores, and nothing else; then cosmic.yaml's comment
// gained shrink's findings (its journal digests only). Recorded again in the session of
// issues 17-19 (2026-12-07), checked first against the listed changes with every other
// value equal: storage metrics for erasure coding and checksums new in every lane with a
// store (storage.repairReadBytes, overhead, corrupt copies: no other storage value moved);
// storage-durability.yaml's new rs63 policy (the other policies' values and verdicts
// unchanged); serving.errors.* and serving.p99Excess.* new in every lane with a service;
// a training job built after time 0's faults now sees straggler episodes then in force end
// (cosmic.yaml's baseline training metrics at seeds 1-3); cosmic.yaml's hardened policy
// runs 1% backup workers (its training metrics); scenarios/training-modes.yaml new.
// Changes since are listed below.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

interface Recorded {
  status: string;
  events: number;
  traceDigest: string;
  metrics: Record<string, Record<string, number | null>>;
  verdicts: { policy: string; metric: string; value: number | null; ok: boolean }[];
}

const golden = JSON.parse(readFileSync("test/golden/scenario-metrics.json", "utf8")) as Record<string, Recorded>;

interface Change {
  why: string;
  /** Metrics it may move; a name ending in "." is a family. */
  metrics: string[];
  /** The runs it may move ("<file>#<seed>"); all runs when absent. */
  runs?: string[];
}

const CHANGES: Change[] = [];

function allowed(key: string, metric: string): boolean {
  return CHANGES.some(
    (c) =>
      (c.runs === undefined || c.runs.includes(key)) &&
      c.metrics.some((m) => (m.endsWith(".") ? metric.startsWith(m) : metric === m || metric.startsWith(`${m}.`))),
  );
}

async function report(file: string, seed: number): Promise<Recorded> {
  let stdout: string;
  try {
    ({ stdout } = await run("node", ["bin/fleet.js", "chaos", `scenarios/${file}`, "--seed", String(seed), "--reporter", "json", "--no-journal"], {
      maxBuffer: 1 << 26,
    }));
  } catch (e) {
    stdout = (e as { stdout: string }).stdout; // exit 1: an SLO is breached
  }
  return JSON.parse(stdout) as Recorded;
}

describe("every scenario gives the recorded results, but for the listed changes", () => {
  it.each(Object.keys(golden))("%s", async (key) => {
    const [file, seed] = key.split("#");
    const want = golden[key];
    const got = await report(file, Number(seed));
    expect(got.status).toBe(want.status);
    expect(got.traceDigest).toBe(want.traceDigest);
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
