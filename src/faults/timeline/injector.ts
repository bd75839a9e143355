// The injector of a scenario's scheduled faults: fires each at its exact time on its
// target through its model's `incident.fire`, in time order, entries at the same time in
// the order they were written; an entry with a `warning` has its model's warning emitted
// that long before (./warning.ts); on stream "faults.timeline".
import type { FleetRef } from "../../fleet/ref.js";
import type { FaultEnv, Injector } from "../injector.js";
import { modelOf, type ScheduledFault } from "./entry.js";
import { targetProblem } from "./targets.js";
import { isWarned, warningLeadSec } from "./warning.js";

class TimelineInjector implements Injector {
  readonly name = "timeline";
  private readonly entries: ScheduledFault[];
  private refs: FleetRef[] = [];
  private env!: FaultEnv;
  private firing = false;
  /** Faults emitted by the scheduled entries as they fired, by kind. */
  private readonly fired = new Map<string, number>();

  constructor(entries: ScheduledFault[]) {
    // Stable: entries at the same time keep the order they were written in.
    this.entries = [...entries].sort((a, b) => a.atSec - b.atSec);
  }

  start(env: FaultEnv): void {
    this.env = env;
    this.refs = this.entries.map((e) => {
      const problem = targetProblem(env.fleet, e);
      if (problem) throw new Error(`scheduled ${e.kind} fault: ${problem.message}${problem.hint ? ` (${problem.hint})` : ""}`);
      return env.fleet.resolve(e.target)!;
    });
    env.trace.addListener({
      onFault: (f) => {
        // Emitted by an entry as it fires, or later by one that plays out over time (an
        // overheating's shutdowns over minutes): those say `cause: incident`.
        if (this.firing || f.detail.cause === "incident") this.fired.set(f.kind.name, (this.fired.get(f.kind.name) ?? 0) + 1);
      },
    });
    const kind = env.sim.defineEvent("timeline.fire", (i) => this.fire(i));
    const warnKind = env.sim.defineEvent("timeline.warn", (i) => this.fire(i, true));
    // Warnings first, in entry order, so a warning due at the same time as another entry's
    // fault comes before it (an event scheduled earlier runs first at equal times).
    this.entries.forEach((e, i) => {
      const lead = warningLeadSec(modelOf(e.kind)!.incident, e.params);
      if (lead > 0 && e.atSec <= env.horizonSec && e.atSec - lead >= env.sim.now) env.sim.scheduleAt(e.atSec - lead, warnKind, i, 0);
    });
    // An entry due at the start is in force when the run starts, as a model's faults made
    // in its own start are (a straggler episode already under way): it fires now.
    this.entries.forEach((e, i) => {
      if (e.atSec <= env.sim.now) this.fire(i);
      else if (e.atSec <= env.horizonSec) env.sim.scheduleAt(e.atSec, kind, i, 0);
    });
  }

  /**
   * Scheduled faults are certain, so their expected count is exactly what they emit when
   * they fire (known once the run has passed them; before, only the entries fired so far).
   */
  expected(): Partial<Record<string, number>> {
    return Object.fromEntries(this.fired);
  }

  /** Fires entry `i` (or, with `warning`, emits its warning ahead of it). */
  private fire(i: number, warning = false): void {
    const e = this.entries[i];
    const incident = modelOf(e.kind)!.incident!;
    this.firing = true;
    try {
      if (!warning) incident.fire(this.env, this.refs[i], e.params);
      else if (isWarned(incident)) incident.warn(this.env, this.refs[i], e.params, e.atSec);
    } finally {
      this.firing = false;
    }
  }
}

/** One injector for every scheduled fault of a scenario, on stream "faults.timeline". */
export function timelineInjector(entries: ScheduledFault[]): Injector {
  return new TimelineInjector(entries);
}
