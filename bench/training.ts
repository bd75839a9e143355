// Training steps per second of wall time: a 16,000-host synchronous job (15,200 hosts in
// the job, 5% spares) until it has done a million steps of 1 s, through a full run (fault layer, memory
// detector, training job, journal digest) with host crashes, racks, bus bars and
// stragglers on. The job advances in chunks between faults, so its cost per step does
// not grow with the host count; this figure shows it. The clock stops when the job has
// done its million steps (the lane is advanced a simulated hour at a time). The same job
// under asynchronous training (trainingMode: async: its pace, staleness and order log,
// src/workloads/training/async.ts) is the second figure.
import { Lane } from "../src/run/lane.js";
import { loadScenarioText, type Scenario } from "../src/scenario/load.js";
import { median, nowSec, type BenchOptions, type Figure } from "./lib.js";

const SCENARIO = `name: bench-training
duration: 200d
fleet:
  datacenters:
    - { name: dc1, rows: 40, racksPerRow: 25, hostsPerRack: 16 }
workloads:
  - training: { name: big, hosts: 15200, stepTime: 1s, checkpointWrite: 60s, restart: 5m, steps: 1000000 }
faults:
  - host: {}
  - rack: {}
  - busbar: {}
  - straggler: { hosts: 0.01%, throttled: 0% }
policies:
  spares: { checkpoint: daly, spares: 5%, inMemoryCheckpoint: true }
  async: { checkpoint: daly, spares: 5%, inMemoryCheckpoint: true, trainingMode: async }
`;

export async function benchTraining(opts: BenchOptions): Promise<Figure[]> {
  const r = loadScenarioText(SCENARIO, "bench/training.yaml");
  if (!r.ok) throw new Error(`bench scenario refused: ${JSON.stringify(r.issues)}`);
  return [stepsPerSec(r.value, "spares", "training.16k.stepsPerSec", opts), stepsPerSec(r.value, "async", "training.16k.async.stepsPerSec", opts)];
}

/** Steps per wall second of the job under `policy`, the median of a few runs. */
function stepsPerSec(scenario: Scenario, policy: string, name: string, opts: BenchOptions): Figure {
  const reps = opts.quick ? 1 : 3;
  const rates: number[] = [];
  let steps = 0;
  let events = 0; // summed over the repetitions
  for (let i = 0; i < reps; i++) {
    const t0 = nowSec();
    const lane = new Lane(scenario, policy, 1 + i, scenario.durationSec, true);
    const job = lane.workloads[0];
    for (let t = 3600; t <= scenario.durationSec; t += 3600) {
      events += lane.advance(t, Infinity).events;
      lane.buffer.take();
      if (job.metrics(lane.sim.now)["training.stepsDone"] >= 1e6) break;
    }
    const wall = nowSec() - t0;
    steps = job.metrics(lane.sim.now)["training.stepsDone"];
    rates.push(steps / wall);
  }
  return {
    name,
    value: median(rates),
    unit: "steps/s",
    target: { op: ">=", value: 1e6 },
    extra: { hosts: 16000, jobHosts: 15200, steps, simEvents: events, reps, runs: rates.map(Math.round) },
  };
}
