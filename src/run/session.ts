// A run of a scenario: one lane per recovery policy, advanced in lockstep over simulated
// time, their journal records merged in time order, snapshots at a fixed simulated
// interval, and a footer with the final metrics, verdicts and digest.
//
// The loop takes the lanes through slices of simulated time, each sized so that the
// densest lane has about `stepEvents` events in it (nextSpan). A slice runs in steps of at
// most `stepEvents` events per lane and yields to the event loop between steps, so Ctrl-C
// (and a dashboard) are served while a run is going; the loop reads no wall clock. Lanes
// run different numbers of events per simulated second, so within a slice they stand at
// different times: a run stops (Ctrl-C) only at the end of a slice, where they stand
// together, and one that passes a safety limit mid-slice first brings the trailing lanes
// to the leading one. Every lane must produce the same fault trace: if their trace digests
// differ at the same time, that is a bug in fleet (a fault depending on a policy), and the
// run fails loudly. A counterfactual run (`exclude`: correlated incidents left out of the
// trace, src/faults/exclude.ts) says so in its header's options.
import { type EventType, type JournalSink, type JsonObject, type FooterRecord, JournalFullError } from "../journal/index.js";
import type { IncidentKey } from "../faults/exclude.js";
import type { Scenario } from "../scenario/load.js";
import { Lane, type BufferedRecord, type LaneMetrics } from "./lane.js";
import { verdicts, type Verdict } from "../slo/slo.js";

export interface RunOptions {
  seed: number;
  durationSec: number;
  journal: JournalSink;
  fleetVersion: string;
  /** Resolved options to record in the header (scenario file, flags). */
  headerOptions?: JsonObject;
  /** Events per lane between two yields to the event loop. */
  stepEvents?: number;
  /** Checked between slices, where every lane stands at one time; true stops the run as interrupted. */
  shouldStop?: () => boolean;
  /** Live view of the run (reporters, dashboard). */
  observer?: RunObserver;
  /**
   * Awaited before each stretch of simulated time, with the simulated time reached; returns
   * the simulated time the run may advance to next (Infinity: no limit). The dashboard holds
   * here while paused and keeps to a simulation speed with the limit. Where the run pauses
   * changes nothing in it: lanes stop only between events.
   */
  pace?: (at: number) => Promise<number>;
  /**
   * Correlated incidents that do not happen in this run, nor what they set off in the fault
   * layer (src/faults/exclude.ts): every lane's trace leaves them out. Recorded in the header.
   */
  exclude?: readonly IncidentKey[];
}

export interface Snapshot {
  at: number;
  policy: string | undefined;
  fields: Record<string, unknown>;
}

export interface RunObserver {
  onRecord?(t: EventType, at: number, fields: Record<string, unknown>): void;
  onSnapshot?(s: Snapshot): void;
  onProgress?(at: number, events: number): void;
}

export type RunStatus = "complete" | "interrupted" | "failed";

export interface RunOutcome {
  status: RunStatus;
  /** Simulated seconds reached. */
  at: number;
  events: number;
  /** Final metrics per lane (policy name, or "default" when the scenario has no policies). */
  metrics: Record<string, LaneMetrics>;
  /** One verdict per (policy, SLO); empty when the scenario states no SLOs. */
  verdicts: Verdict[];
  traceDigest: string;
  footer?: FooterRecord;
  error?: string;
}

/** The policy names of a scenario, in file order; a scenario without policies has one lane. */
export function laneNames(scenario: Scenario): (string | undefined)[] {
  const policies = (scenario as unknown as { policies?: Record<string, unknown> }).policies;
  const names = policies ? Object.keys(policies) : [];
  return names.length ? names : [undefined];
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunOutcome> {
  const { journal } = opts;
  const stepEvents = opts.stepEvents ?? 250_000;
  const exclude = opts.exclude ?? [];
  // Lanes only buffer records, so they are built first: a bad `exclude` key throws before the journal begins.
  const lanes = laneNames(scenario).map((p, i) => new Lane(scenario, p, opts.seed, opts.durationSec, i === 0, exclude));
  const excluded = exclude.map((k) => ({ kind: k.kind, target: k.target, at: k.at }));
  journal.writeHeader({
    fleetVersion: opts.fleetVersion,
    scenario: scenario.name,
    scenarioText: scenario.source.text,
    seed: opts.seed,
    options: { durationSec: opts.durationSec, ...(excluded.length ? { exclude: excluded } : {}), ...(opts.headerOptions ?? {}) },
  });
  const horizon = opts.durationSec;
  const snapshotEvery = Math.min(scenario.snapshotEverySec, horizon);
  let nextSnapshot = snapshotEvery;
  let events = 0;
  /** The slowest lane's clock. */
  let at = 0;
  /** Simulated seconds of the next slice (see nextSpan). */
  let span = FIRST_SPAN_SEC;

  // Records before the slowest lane's clock are final: no lane can still write before it.
  // At that clock a lane stopped by its step bound may still write, so those records wait
  // unless `atUpTo` says every lane has reached it: then the journal's order never depends
  // on where the steps fell, and a stopped run's journal is a prefix of the whole run's.
  const flush = (upTo = Infinity, atUpTo = true): void => {
    for (const r of mergeByTime(lanes.map((l) => l.buffer.take(upTo, atUpTo)))) {
      journal.record(r.t, r.at, r.fields);
      opts.observer?.onRecord?.(r.t, r.at, r.fields as Record<string, unknown>);
    }
  };

  /** Advances every lane towards `t` by at most `stepEvents` events; true when all stand at `t`. */
  const step = (t: number): boolean => {
    let all = true;
    for (const lane of lanes) {
      const r = lane.advance(t, stepEvents);
      events += r.events;
      if (!r.reachedT) all = false;
    }
    at = Math.min(...lanes.map((l) => l.sim.now));
    return all;
  };

  /** The safety limit the run has passed, as its error message, if any. */
  const passedLimit = (): string | undefined => {
    const where = `at ${at.toFixed(0)}s of simulated time`;
    if (events > scenario.limits.maxEvents) {
      return `the run passed the safety limit of ${scenario.limits.maxEvents.toLocaleString("en-US")} events ${where}; raise it with --max-events or limits.maxEvents`;
    }
    const rss = process.memoryUsage.rss();
    if (rss > scenario.limits.maxMemoryBytes) {
      const mib = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString("en-US")} MiB`;
      return `the run passed the safety limit of ${mib(scenario.limits.maxMemoryBytes)} of memory (resident ${mib(rss)}) ${where}; raise it with --max-memory or limits.maxMemory`;
    }
    return undefined;
  };

  try {
    while (at < horizon) {
      const limit = opts.pace ? await opts.pace(at) : Infinity;
      if (opts.shouldStop?.()) return finish("interrupted");
      const target = Math.min(nextSnapshot, horizon, Math.max(limit, at));
      // Advance every lane to `target`, a slice of simulated time at a time. A slice takes
      // steps, yielding between them, until every lane stands at its end; only there may the
      // run stop, so a stopped run's lanes stand at one time and can be compared.
      do {
        const sliceStart = at;
        const sliceEnd = Math.min(target, at + span);
        const before = lanes.map((l) => l.sim.eventsProcessed);
        let together = false;
        while (!together) {
          together = step(sliceEnd);
          const passed = passedLimit();
          if (passed !== undefined) return await stop(passed);
          flush(at, together);
          opts.observer?.onProgress?.(at, events);
          await yieldToEventLoop();
        }
        const densest = Math.max(...lanes.map((l, i) => l.sim.eventsProcessed - before[i]));
        if (sliceEnd > sliceStart) span = nextSpan(span, sliceEnd - sliceStart, densest, stepEvents);
        if (opts.shouldStop?.()) return finish("interrupted");
      } while (at < target);
      if (target >= nextSnapshot) {
        for (const lane of lanes) {
          const fields = lane.snapshot();
          lane.buffer.record("snapshot", target, fields);
          opts.observer?.onSnapshot?.({ at: target, policy: lane.policy, fields: fields as Record<string, unknown> });
        }
        flush();
        nextSnapshot += snapshotEvery;
      }
    }
    return finish("complete");
  } catch (e) {
    // The journal refused a record at its size limit: the run stops there, as at any safety limit.
    if (e instanceof JournalFullError) return await stop(`${e.message}; raise it with --max-journal or limits.maxJournal`);
    const footer = journal.abort("failed", { at, error: (e as Error).message, simEvents: events });
    return { status: "failed", at, events, metrics: {}, verdicts: [], traceDigest: "", footer, error: (e as Error).stack };
  }

  /**
   * Ends a run that passed a safety limit in the middle of a slice, with its lanes perhaps
   * at different times: the trailing lanes catch up with the leading one, for one more
   * step's events at most, and the run is compared there. Lanes still apart then cannot be
   * compared: the run fails with its records up to the slowest lane and no metrics.
   */
  async function stop(passed: string): Promise<RunOutcome> {
    const lead = Math.max(...lanes.map((l) => l.sim.now));
    const budget = events + stepEvents * lanes.length;
    while (!step(lead)) {
      if (events >= budget) return finishApart(passed, lead);
      flush(at, false);
      opts.observer?.onProgress?.(at, events);
      await yieldToEventLoop();
    }
    return finish("failed", passed);
  }

  function finishApart(error: string, lead: number): RunOutcome {
    flush(at, false);
    const msg = `${error}; the policies stopped at different simulated times (${at.toFixed(0)}s to ${lead.toFixed(0)}s), so they are not compared`;
    const footer = journal.abort("failed", { at, error: msg, simEvents: events });
    return { status: "failed", at, events, metrics: {}, verdicts: [], traceDigest: "", footer, error: msg };
  }

  function finish(status: RunStatus, error?: string): RunOutcome {
    flush();
    const metrics: Record<string, LaneMetrics> = {};
    for (const lane of lanes) metrics[lane.policy ?? "default"] = lane.metrics(at);
    const digests = new Set(lanes.map((l) => l.layer.trace.digestHex()));
    const traceDigest = lanes[0].layer.trace.digestHex();
    if (digests.size > 1) {
      const msg = `internal error: the policies produced different fault traces (${[...digests].map((d) => d.slice(0, 12)).join(" vs ")}); faults must not depend on policy`;
      const footer = journal.abort("failed", { at, error: msg, simEvents: events, metrics: metrics as unknown as JsonObject });
      return { status: "failed", at, events, metrics, verdicts: [], traceDigest, footer, error: msg };
    }
    const jsonMetrics = { ...(metrics as unknown as JsonObject), traceDigest } as JsonObject;
    const vs = verdicts(scenario.slo, metrics);
    const jsonVerdicts = vs as unknown as JsonObject[];
    const footer =
      status === "complete"
        ? journal.close({ at, metrics: jsonMetrics, verdicts: jsonVerdicts, simEvents: events })
        : journal.abort(status, { at, metrics: jsonMetrics, verdicts: jsonVerdicts, simEvents: events, error });
    return { status, at, events, metrics, verdicts: vs, traceDigest, footer, error };
  }
}

/** The first slice of a run: one simulated second; each next one is sized by nextSpan. */
const FIRST_SPAN_SEC = 1;
/** The shortest slice: far above the rounding of a simulated time (~6e-8 s at ten years). */
const MIN_SPAN_SEC = 1e-3;

/**
 * The next slice's length: as long as the densest lane of the last slice (`densest` events
 * in `sliceSec`) would take `stepEvents` events for, but at most four times longer or
 * shorter than the last span, so a burst of events neither stalls nor floods the loop.
 */
export function nextSpan(span: number, sliceSec: number, densest: number, stepEvents: number): number {
  const fit = densest > 0 ? (sliceSec * stepEvents) / densest : Infinity;
  return Math.max(MIN_SPAN_SEC, Math.min(span * 4, Math.max(span / 4, fit)));
}

/** Merges per-lane buffers (each already in time order) by time; ties keep lane order. */
export function mergeByTime(buffers: BufferedRecord[][]): BufferedRecord[] {
  if (buffers.length === 1) return buffers[0];
  const out: BufferedRecord[] = [];
  const pos = buffers.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < buffers.length; i++) {
      if (pos[i] < buffers[i].length && (best < 0 || buffers[i][pos[i]].at < buffers[best][pos[best]].at)) best = i;
    }
    if (best < 0) return out;
    out.push(buffers[best][pos[best]++]);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
