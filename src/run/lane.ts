// One lane of a run: the whole simulation of the scenario under one recovery policy
// (fleet, fault layer, detection, workloads), with its own simulator. Every lane of a run
// draws the same fault trace from the same seed, because injectors use only their own
// streams; the session checks that by comparing the lanes' trace digests.
//
// A lane does not write the journal itself: it buffers its records, and the session
// merges the lanes' buffers in time order at each step, so the journal stays ordered.
//
// The lane also hands its workloads the scenario's host-loss rate (a training job's M).
// Memory errors take hosts down only through its detection layer, so the lane passes the
// fault models that layer's odds (memoryOdds, from the real codes and the lane's `ecc`):
// the fault layer cannot import the codes, which sit above it.
//
// A counterfactual lane leaves some correlated incidents out of its trace (`exclude`,
// src/faults/exclude.ts); everything else in it is drawn as in the full run.
import { mergeValues } from "../base/metric.js";
import { clipToCodeword, codewordPosition } from "../checksums/addresses.js";
import { cleanWord, codeFor, MAX_DATA_LANES, MAX_FLIP_LANES, OUTCOME_DETECTED } from "../checksums/codes.js";
import { MACHINE_CHECK_REPAIR_SEC, MemoryDetector } from "../checksums/detect.js";
import type { IncidentKey } from "../faults/exclude.js";
import type { MemoryOdds } from "../faults/injector.js";
import { type FaultLayer, hostLossRatePerSec } from "../faults/layer.js";
import type { EccMode } from "../fleet/spec.js";
import { faultLayerMetrics, hostsDownNow } from "../faults/metrics.js";
import type { EventFields, EventType } from "../journal/index.js";
import { defaultPolicy, type Policy } from "../recovery/policy.js";
import type { Scenario } from "../scenario/load.js";
import { metricInfo, silentCorruptionsOf } from "../slo/catalog.js";
import { reservedHosts, workloadDef } from "../workloads/registry.js";
import type { Workload, WorkloadEnv } from "../workloads/workload.js";
import { scenarioFaultLayer } from "./fault-layer.js";

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

  /** Removes and returns the records before `upTo`, and those at it unless `atUpTo` is false (all of them by default). */
  take(upTo = Infinity, atUpTo = true): BufferedRecord[] {
    const r = this.records;
    let n = r.length;
    while (n > 0 && (r[n - 1].at > upTo || (!atUpTo && r[n - 1].at === upTo))) n--;
    if (n === r.length) {
      this.records = [];
      return r;
    }
    this.records = r.slice(n);
    return r.slice(0, n);
  }
}

/**
 * The detection layer's odds for the memory models' host-loss rates (faults/injector.ts
 * MemoryOdds): the fault models place bits, the real codes decide. A pattern is scored as
 * the detector scores the first error of a word (no latent error): its 72-bit positions
 * mapped into the code's codeword (both halves of a chipkill pair), decoded once. The codes
 * are linear, so the outcome does not depend on the data and one clean word serves. `ecc`
 * is the lane's hardware what-if, if any; a machine check's reboot is the detector's
 * (MACHINE_CHECK_REPAIR_SEC: the lane sets no other). Cached per pattern.
 */
export function memoryOdds(ecc: EccMode | undefined): MemoryOdds {
  const cache = new Map<string, number>();
  const clean = new Uint32Array(MAX_DATA_LANES);
  const flips = new Uint32Array(MAX_FLIP_LANES);
  return {
    ecc,
    rebootSec: MACHINE_CHECK_REPAIR_SEC,
    machineCheck(mode, bits) {
      const key = `${mode}:${bits.join(",")}`;
      let p = cache.get(key);
      if (p !== undefined) return p;
      const code = codeFor(mode);
      cleanWord(0, 0, clean, code.dataLanes);
      const halves = mode === "chipkill" ? 2 : 1;
      let detected = 0;
      for (let word = 0; word < halves; word++) {
        flips.fill(0);
        for (const b of bits) {
          const q = codewordPosition(mode, word, b);
          flips[q >>> 5] |= 1 << (q & 31);
        }
        clipToCodeword(flips, code.wordTotalBits);
        if (code.classify(clean, flips) === OUTCOME_DETECTED) detected++;
      }
      cache.set(key, (p = detected / halves));
      return p;
    },
  };
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
  /** The workloads, in scenario order, each built from its declaration. */
  readonly workloads: Workload[] = [];
  /** Most hosts down at once so far (updated at snapshots and at the end). */
  private hostsDownMax = 0;
  /** Silent memory escapes that landed in a workload's data, and those that did not. */
  private readonly silent = { reached: 0, idle: 0 };

  constructor(
    readonly scenario: Scenario,
    readonly policy: string | undefined,
    readonly seed: number,
    readonly horizonSec: number,
    /** Whether this lane's fault records go to the journal (only the first lane's do). */
    writeFaults: boolean,
    /** Correlated incidents left out of the fault trace (src/faults/exclude.ts). */
    exclude: readonly IncidentKey[] = [],
  ) {
    this.buffer = new LaneBuffer(policy);
    const sink = writeFaults ? this.buffer : undefined;
    // The trace writes through a JournalSink; a lane only needs `record`.
    this.layer = scenarioFaultLayer(scenario, { seed, horizonSec, journal: sink as never, exclude });
    const settings: Policy = policy !== undefined ? scenario.policies[policy] : defaultPolicy();
    this.detector = new MemoryDetector(this.layer.sim, this.layer.fleet, this.layer.trace, {
      horizonSec,
      sink: this.buffer,
      ecc: settings.ecc,
      // A policy's memoryScrub (src/recovery/hardware.ts): its period, and its scrubs reported.
      ...(settings.memoryScrub === undefined
        ? {}
        : { scrub: { memoryIntervalSec: settings.memoryScrub === "off" ? Infinity : settings.memoryScrub }, reportScrubs: true }),
      onSilent: (host, count) => {
        let reached = false;
        for (const w of this.workloads) if (w.memoryCorrupted?.(host, count)) reached = true;
        if (reached) this.silent.reached += count;
        else this.silent.idle += count;
      },
    });
    this.layer.trace.addListener(this.detector);
    const { sim, fleet, trace } = this.layer;
    const odds = memoryOdds(settings.ecc);
    scenario.workloads.forEach((w, i) => {
      const env: WorkloadEnv = {
        sim,
        fleet,
        trace,
        rng: sim.streams.get(`workloads.${w.spec.name}`),
        horizonSec,
        record: (t, at, f) => this.buffer.record(t, at, f),
        notifiesSilentCorruption: true,
        reserved: reservedHosts(scenario.workloads, i, fleet.hostCount),
        // Machine checks included: the detector above decides them, with the lane's ecc.
        hostLossRatePerSec: (hosts) => hostLossRatePerSec(this.layer, hosts, odds),
      };
      this.workloads.push(workloadDef(w.kind).create(env, w.spec, settings, scenario.workloads));
    });
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
    const n = hostsDownNow(this.layer.fleet);
    if (n > this.hostsDownMax) this.hostsDownMax = n;
    return n;
  }

  /** The workloads' metrics at `nowSec`, instances of one metric merged by its declared rule. */
  private workloadMetrics(nowSec: number): Record<string, number> {
    const m: Record<string, number> = {};
    const seen = new Map<string, number>();
    for (const w of this.workloads) {
      for (const [k, v] of Object.entries(w.metrics(nowSec))) {
        const n = seen.get(k) ?? 0;
        m[k] = n === 0 ? v : mergeValues(metricInfo(k)?.merge ?? "sum", m[k], v, n);
        seen.set(k, n + 1);
      }
    }
    return m;
  }

  /**
   * A metric snapshot for the journal and the reporters: hosts down, faults by kind, and
   * the live value of each workload metric an SLO names or a dashboard charts (goodput,
   * p99.9, error rate, availability), plus silentCorruptions when an SLO names it, so the
   * SLO board and trends can be drawn from the journal. Merged as metrics() merges them,
   * but without metrics()'s per-host loops and the detector's purge of latent errors
   * (together ~8% of a cosmic.yaml run when taken at every snapshot).
   */
  snapshot(): EventFields {
    const faults: Record<string, number> = {};
    for (const [kind, c] of this.layer.trace.counts) faults[kind] = c.events;
    const fields: Record<string, unknown> = { hostsDown: this.hostsDown(), faults };
    const wanted = new Set(this.scenario.slo.map((s) => s.metric));
    if (wanted.size || this.workloads.length) {
      const live: Record<string, number> = {};
      const all = this.workloadMetrics(this.sim.now);
      for (const [k, v] of Object.entries(all)) if (wanted.has(k) || LIVE_METRIC.test(k)) live[k] = v;
      if (wanted.has("silentCorruptions")) live.silentCorruptions = silentCorruptionsOf(all, this.silent);
      fields.metrics = live;
    }
    return fields;
  }

  /** Final metrics of this lane, by metric name (`faults.power.busbar`, `fleet.availability`...). */
  metrics(nowSec: number): LaneMetrics {
    const m: LaneMetrics = faultLayerMetrics(this.layer.trace, this.layer.fleet, nowSec, Math.max(this.hostsDownMax, this.hostsDown()));
    Object.assign(m, this.detector.metrics());
    Object.assign(m, this.workloadMetrics(nowSec));
    m.silentCorruptions = silentCorruptionsOf(m, this.silent);
    m["silentCorruptions.idle"] = this.silent.idle;
    return m;
  }
}
