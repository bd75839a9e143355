// A run of a scenario: one lane per recovery policy, advanced in lockstep over simulated
// time, their journal records merged in time order, snapshots at a fixed simulated
// interval, and a footer with the final metrics, verdicts and digest.
//
// The loop runs in steps of at most `stepEvents` events and yields to the event loop
// between steps, so Ctrl-C (and a dashboard) are served while a run is going; the loop
// reads no wall clock. Every lane must produce the same fault trace: if their trace
// digests differ, that is a bug in fleet (a fault depending on a policy), and the run
// fails loudly. A counterfactual run (`exclude`: correlated incidents left out of the
// trace, src/faults/exclude.ts) says so in its header's options.
import type { EventType, JournalSink, JsonObject, FooterRecord } from "../journal/index.js";
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
  /** Checked between steps; true stops the run as interrupted. */
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
  let at = 0;

  // Records up to the slowest lane's clock are final: no lane can still write before it.
  const flush = (upTo = Infinity): void => {
    for (const r of mergeByTime(lanes.map((l) => l.buffer.take(upTo)))) {
      journal.record(r.t, r.at, r.fields);
      opts.observer?.onRecord?.(r.t, r.at, r.fields as Record<string, unknown>);
    }
  };

  try {
    while (at < horizon) {
      const limit = opts.pace ? await opts.pace(at) : Infinity;
      if (opts.shouldStop?.()) return finish("interrupted");
      const target = Math.min(nextSnapshot, horizon, Math.max(limit, at));
      // Advance every lane to `target`, in steps, yielding between them.
      let all = false;
      while (!all) {
        all = true;
        for (const lane of lanes) {
          const r = lane.advance(target, stepEvents);
          events += r.events;
          if (!r.reachedT) all = false;
        }
        if (events > scenario.limits.maxEvents) {
          throw new LimitError(
            `the run passed the safety limit of ${scenario.limits.maxEvents.toLocaleString("en-US")} events at ${at.toFixed(0)}s of simulated time; raise it with --max-events or limits.maxEvents`,
          );
        }
        const rss = process.memoryUsage.rss();
        if (rss > scenario.limits.maxMemoryBytes) {
          const mib = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString("en-US")} MiB`;
          throw new LimitError(
            `the run passed the safety limit of ${mib(scenario.limits.maxMemoryBytes)} of memory (resident ${mib(rss)}) at ${at.toFixed(0)}s of simulated time; raise it with --max-memory or limits.maxMemory`,
          );
        }
        at = Math.min(...lanes.map((l) => l.sim.now));
        flush(at);
        opts.observer?.onProgress?.(at, events);
        await yieldToEventLoop();
        if (opts.shouldStop?.()) {
          return finish("interrupted");
        }
      }
      at = target;
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
    if (e instanceof LimitError) return finish("failed", e.message);
    const footer = journal.abort("failed", { at, error: (e as Error).message, simEvents: events });
    return { status: "failed", at, events, metrics: {}, verdicts: [], traceDigest: "", footer, error: (e as Error).stack };
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

class LimitError extends Error {}

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
