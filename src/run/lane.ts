// One lane of a run: the whole simulation of the scenario under one recovery policy
// (fleet, fault layer, detection, workloads), with its own simulator. Every lane of a run
// draws the same fault trace from the same seed, because injectors use only their own
// streams; the session checks that by comparing the lanes' trace digests.
//
// A lane does not write the journal itself: it buffers its records, and the session
// merges the lanes' buffers in time order at each step, so the journal stays ordered.
import type { EventFields, EventType } from "../journal/index.js";
import type { Scenario } from "../scenario/load.js";
import { startFaultLayer, type FaultLayer } from "../faults/run.js";
import { HostState } from "../fleet/state.js";
import { TrainingJob } from "../workloads/training.js";
import { ReplicatedStore } from "../workloads/storage/store.js";
import { ServingService, servingRole } from "../workloads/serving/service.js";
import { defaultPolicy, type Policy } from "../recovery/policy.js";
import { MemoryDetector } from "../checksums/detect.js";
import type { Workload, WorkloadEnv } from "../workloads/env.js";

export interface BufferedRecord {
  t: EventType;
  at: number;
  fields: EventFields;
}

/** Collects a lane's journal records between two merges. */
export class LaneBuffer {
  records: BufferedRecord[] = [];
  constructor(private readonly policy: string | undefined) {}

  /** The JournalSink-shaped entry point the fault trace writes through. */
  record(t: EventType, at: number, fields: EventFields = {}): void {
    this.records.push({ t, at, fields: t === "fault" || this.policy === undefined ? fields : { policy: this.policy, ...fields } });
  }

  /** Removes and returns the records at or before `upTo` (all of them by default). */
  take(upTo = Infinity): BufferedRecord[] {
    const r = this.records;
    let n = r.length;
    while (n > 0 && r[n - 1].at > upTo) n--;
    if (n === r.length) {
      this.records = [];
      return r;
    }
    this.records = r.slice(n);
    return r.slice(0, n);
  }
}

/** Metrics a snapshot carries even when no SLO names them: what the dashboard charts. */
const LIVE_METRIC = /(^|\.)(goodput|p999|errorRate|availability)$/;

export interface LaneMetrics {
  [name: string]: number;
}

export class Lane {
  readonly layer: FaultLayer;
  readonly buffer: LaneBuffer;
  /** The real codes deciding what each memory fault does (and the scrubbers). */
  readonly detector: MemoryDetector;
  /** The training jobs of this lane (one per `training:` workload). */
  readonly jobs: TrainingJob[] = [];
  /** The other workloads (serving, storage), in scenario order. */
  readonly workloads: Workload[] = [];
  /** Host-seconds spent down so far (updated at snapshots and at the end). */
  private hostsDownMax = 0;

  constructor(
    readonly scenario: Scenario,
    readonly policy: string | undefined,
    readonly seed: number,
    readonly horizonSec: number,
    /** Whether this lane's fault records go to the journal (only the first lane's do). */
    writeFaults: boolean,
  ) {
    this.buffer = new LaneBuffer(policy);
    const sink = writeFaults ? this.buffer : undefined;
    // The trace writes through a JournalSink; a lane only needs `record`.
    this.layer = startFaultLayer(scenario, { seed, horizonSec, journal: sink as never });
    this.detector = new MemoryDetector(this.layer.sim, this.layer.fleet, this.layer.trace, {
      seed,
      horizonSec,
      sink: this.buffer,
      onSilent: (host) => {
        for (const job of this.jobs) job.memoryCorrupted(host);
      },
    });
    this.layer.trace.addListener(this.detector);
    const settings: Policy = policy !== undefined ? scenario.policies[policy] : defaultPolicy();
    const { sim, fleet, trace } = this.layer;
    for (const w of scenario.workloads) {
      const name = (w.spec as { name: string }).name;
      const env: WorkloadEnv = {
        sim,
        fleet,
        trace,
        rng: sim.streams.get(`workloads.${name}`),
        seed,
        horizonSec,
        record: (t, at, f) => this.buffer.record(t, at, f),
      };
      if (w.kind === "training") {
        const job = new TrainingJob(sim, fleet, trace, w.spec, settings, env.rng, env.record);
        job.notified = true;
        this.jobs.push(job);
      } else if (w.kind === "storage") {
        this.workloads.push(new ReplicatedStore(env, w.spec, settings));
      } else if (w.kind === "serving") {
        this.workloads.push(new ServingService(env, w.spec, settings, servingRole(scenario.workloads, w.spec.name)));
      }
    }
  }

  get sim() {
    return this.layer.sim;
  }

  /** Runs this lane's simulation up to `t` or `maxEvents` more events, whichever first. */
  advance(t: number, maxEvents: number): { reachedT: boolean; events: number } {
    const r = this.layer.sim.run({ until: t, maxEvents });
    return { reachedT: r.reason === "until" || r.reason === "empty", events: r.events };
  }

  hostsDown(): number {
    const s = this.layer.fleet.state;
    let n = 0;
    for (let i = 0; i < s.length; i++) if (s[i] === HostState.DOWN) n++;
    if (n > this.hostsDownMax) this.hostsDownMax = n;
    return n;
  }

  /**
   * A metric snapshot for the journal and the reporters: hosts down, faults by kind, and
   * the live value of each workload metric an SLO names or a dashboard charts (goodput,
   * p99.9, error rate, availability), plus silentCorruptions when an SLO names it, so the
   * SLO board and trends can be drawn from the journal. Combined as metrics() combines
   * them, but without metrics()'s per-host loops and the detector's purge of latent errors
   * (together ~8% of a cosmic.yaml run when taken at every snapshot).
   */
  snapshot(): EventFields {
    const faults: Record<string, number> = {};
    for (const [kind, c] of this.layer.trace.counts) faults[kind] = c.events;
    const fields: Record<string, unknown> = { hostsDown: this.hostsDown(), faults };
    const wanted = new Set(this.scenario.slo.map((s) => s.metric));
    if (wanted.size || this.jobs.length || this.workloads.length) {
      const live: Record<string, number> = {};
      const want = (k: string) => wanted.has(k) || LIVE_METRIC.test(k);
      for (const w of this.workloads) for (const [k, v] of Object.entries(w.metrics(this.sim.now))) if (want(k)) live[k] = v;
      let coreEscapes = 0;
      for (const job of this.jobs) {
        const jm = job.metrics();
        coreEscapes += jm["training.silentEscapesFromCores"] ?? 0;
        for (const [k, v] of Object.entries(jm)) if (want(k) && k !== "silentCorruptions") live[k] = k in live && !k.endsWith("goodput") ? live[k] + v : v;
      }
      if (wanted.has("silentCorruptions")) live.silentCorruptions = this.detector.total.silent + coreEscapes;
      fields.metrics = live;
    }
    return fields;
  }

  /** Final metrics of this lane, by metric name (`faults.power.busbar`, `fleet.availability`...). */
  metrics(nowSec: number): LaneMetrics {
    const m: LaneMetrics = {};
    const trace = this.layer.trace;
    const fleet = this.layer.fleet;
    const kinds = [...trace.counts.keys()].sort();
    for (const k of kinds) m[`faults.${k}`] = trace.counts.get(k)!.events;
    // Host availability over [0, now]: every down interval the trace started, clipped at now.
    let downSec = trace.hostDownSeconds;
    for (let h = 0; h < fleet.hostCount; h++) {
      if (fleet.state[h] === HostState.DOWN && fleet.downUntil[h] > nowSec) downSec -= fleet.downUntil[h] - nowSec;
    }
    const total = fleet.hostCount * nowSec;
    m["fleet.availability"] = total > 0 ? 1 - downSec / total : 1;
    m["fleet.hostsDownMax"] = Math.max(this.hostsDownMax, this.hostsDown());
    m["fleet.hostHoursDown"] = downSec / 3600;
    const memory = this.detector.metrics();
    Object.assign(m, memory);
    for (const w of this.workloads) Object.assign(m, w.metrics(nowSec));
    // Training metrics; several jobs add up.
    for (const job of this.jobs) {
      for (const [k, v] of Object.entries(job.metrics())) {
        if (k === "silentCorruptions") continue;
        m[k] = k in m && !k.endsWith("goodput") ? m[k] + v : v;
      }
    }
    // Silent corruptions that escaped: every memory escape (the detector counts them, on any
    // host) plus the results a defective core corrupted in a job without being caught.
    m.silentCorruptions = (memory.silentCorruptions ?? 0) + this.jobs.reduce((a, j) => a + (j.metrics()["training.silentEscapesFromCores"] ?? 0), 0);
    return m;
  }
}
