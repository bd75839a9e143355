// Test helper for training jobs: a job on a small fleet with a fault harness, its journal
// records kept. By default 8 hosts (0-7) of one row of 4 racks of 4 hosts, keeping to its
// block and spares (`pool: block`) unless a test gives it a pool. Tests only: nothing in
// src/ outside tests imports it.
import { hostLossRatePerSec } from "../../faults/layer.js";
import type { Injector } from "../../faults/injector.js";
import { faultHarness } from "../../faults/testing.js";
import type { FleetSpecOverrides } from "../../fleet/testing.js";
import type { EventFields } from "../../journal/index.js";
import { defaultTrainingPolicy, type TrainingPolicy } from "../../recovery/training.js";
import type { WorkloadEnv } from "../workload.js";
import { TrainingJob } from "./job.js";
import type { TrainingSpec } from "./schema.js";

export interface Rec {
  t: string;
  at: number;
  f: EventFields;
}

export function trainingWorld(o: {
  fleet?: FleetSpecOverrides;
  spec: Partial<TrainingSpec>;
  policy?: Partial<TrainingPolicy>;
  seed?: number;
  notified?: boolean;
  reserved?: { start: number; end: number }[];
  /** Fault models started on the harness (their streams: `faults.<name>`); the job sees their host-loss rate. */
  faults?: Injector[];
  /** Faults in force before the job is built (as the faults of time 0 are in a run). */
  before?: (h: ReturnType<typeof faultHarness>) => void;
}) {
  const h = faultHarness(o.fleet ?? { rows: 1, racksPerRow: 4, hostsPerRack: 4 }, o.seed ?? 1, { record: false });
  const records: Rec[] = [];
  const spec: TrainingSpec = {
    name: "pretrain",
    hosts: 8,
    stepTimeSec: 4,
    checkpointWriteSec: 90,
    restartSec: 300,
    firstHost: 0,
    pool: "block",
    coldStartSec: 600,
    ...o.spec,
  };
  const env: WorkloadEnv = {
    sim: h.sim,
    fleet: h.fleet,
    trace: h.trace,
    rng: h.sim.streams.get("workloads.pretrain"),
    horizonSec: 365 * 86400,
    record: (t, at, f) => void records.push({ t, at, f }),
    notifiesSilentCorruption: o.notified,
    reserved: o.reserved,
  };
  if (o.faults) {
    const injectors = o.faults.map((f) => h.start(f));
    env.hostLossRatePerSec = (hosts) => hostLossRatePerSec({ fleet: h.fleet, injectors }, hosts);
  }
  o.before?.(h);
  const job = new TrainingJob(env, spec, { ...defaultTrainingPolicy(), ...o.policy });
  return { ...h, job, records };
}
