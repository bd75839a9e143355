// A training job's M (training.mtbfHours) in a lane: the scenario's host-loss rates over
// the job's hosts, machine checks from memory errors included, scored with the code the
// lane runs (each host's, or the policy's `ecc` what-if). A 128-host job at 1,500 m under
// cosmic bursts and DRAM faults, beside host crashes: under SECDED the memory errors take
// its hosts down more often than the crashes do (about 0.013 vs 0.008 an hour), so leaving
// them out would put M at 2.6 times its value.
import { describe, expect, it } from "vitest";
import { hostLossRatePerSec } from "../faults/layer.js";
import { loadScenarioText, type Scenario } from "../scenario/load.js";
import { Lane, memoryOdds } from "./lane.js";

const SCENARIO = `
name: training-mtbf
seed: 3
duration: 1h
fleet:
  host: { dimms: 16, dimmGiB: 32, ecc: secded, accelerators: 8 }
  datacenters:
    - { name: dc1, altitudeM: 1500, rows: 4, racksPerRow: 4, hostsPerRack: 16, facing: alternate }
workloads:
  - training: { name: pretrain, hosts: 128, stepTime: 4s, checkpointWrite: 90s, restart: 5m }
faults:
  - cosmic: { bursts: { every: 24h, duration: 20m, direction: east, x: 2000 } }
  - dram: {}
  - host: {}
policies:
  secded: { checkpoint: daly }
  chipkill: { checkpoint: daly, ecc: chipkill }
`;

function load(): Scenario {
  const r = loadScenarioText(SCENARIO, "training-mtbf.yaml");
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** The job's M in hours, as the lane of `policy` reports it. */
function mtbfHours(s: Scenario, policy: string): { hours: number; lane: Lane } {
  const lane = new Lane(s, policy, s.seed, s.durationSec, false);
  lane.advance(60, Infinity);
  return { hours: lane.metrics(60)["training.mtbfHours"], lane };
}

describe("a training job's mean time between interruptions counts machine checks", () => {
  const s = load();
  const job = { start: 0, end: 128 };

  it("under the hosts' SECDED, M is 1 / (crashes + machine checks) over the job's hosts", () => {
    const { hours, lane } = mtbfHours(s, "secded");
    const withMemory = hostLossRatePerSec(lane.layer, job, memoryOdds(undefined));
    const crashesOnly = hostLossRatePerSec(lane.layer, job);
    expect(hours * 3600).toBeCloseTo(1 / withMemory, 6);
    expect(withMemory).toBeGreaterThan(1.5 * crashesOnly);
  });

  it("a policy's ecc what-if is the code M is scored with: chipkill corrects more, so M is longer", () => {
    const secded = mtbfHours(s, "secded").hours;
    const { hours, lane } = mtbfHours(s, "chipkill");
    expect(hours * 3600).toBeCloseTo(1 / hostLossRatePerSec(lane.layer, job, memoryOdds("chipkill")), 6);
    expect(hours).toBeGreaterThan(secded);
  });
});
