// Test helper for the gate's outputs: a gate over one scenario ("x", policies naive and
// hardened, seeds 1..5, three SLOs) with made-up results, so the report, text, Markdown,
// JUnit and JSON tests share one story. Tests only: nothing in src/ outside tests imports it.
import type { JobResult } from "../distributed/job.js";
import { parseSettings } from "../faults/testing.js";
import { sloSection } from "../slo/slo.js";
import { liftSlo, parseGateSlo } from "./objective.js";
import { jobId, type GateScenario } from "./report.js";

/** A gate over one scenario, two policies, seeds 1..5, with made-up results. */
export function sampleGate(opts: { failSeed?: number; drop?: number[]; name?: string } = {}) {
  const scenario: GateScenario = {
    file: "scenarios/x.yaml",
    name: opts.name ?? "x",
    text: "name: x",
    policies: ["naive", "hardened"],
    seeds: [1, 2, 3, 4, 5],
    slos: [
      ...parseSettings(sloSection, '{ training.goodput: ">= 0.9", training.silentEscapes: "== 0" }').map(liftSlo),
      parseGateSlo("P(training.goodput >= 0.9) >= 50%"),
    ],
    durationSec: 86400,
  };
  const goodput = { naive: [0.7, 0.8, 0.75, 0.85, 0.9], hardened: [0.95, 0.96, 0.94, 0.97, 0.95] };
  const results: JobResult[] = scenario.seeds
    .filter((seed) => !opts.drop?.includes(seed))
    .map(
      (seed): JobResult =>
        seed === opts.failSeed
          ? {
              id: jobId(0, scenario, seed),
              status: "failed",
              seed,
              metrics: {},
              verdicts: [],
              traceDigest: "",
              digest: "",
              simEvents: 0,
              error: 'internal error: <boom> & "quotes"',
            }
          : {
              id: jobId(0, scenario, seed),
              status: "complete",
              seed,
              metrics: {
                naive: { "training.goodput": goodput.naive[seed - 1], "training.silentEscapes": seed === 3 ? 2 : 0 },
                hardened: { "training.goodput": goodput.hardened[seed - 1], "training.silentEscapes": 0 },
              },
              verdicts: [],
              traceDigest: `t${seed}`,
              digest: `d${seed}`,
              simEvents: 100,
            },
    );
  return { scenario, results };
}
