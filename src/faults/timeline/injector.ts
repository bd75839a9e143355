// The injector of a scenario's scheduled faults: fires each at its exact time on its
// target through its model's `incident.fire`, in time order, entries at the same time in
// the order they were written; on stream "faults.timeline".
import type { FleetRef } from "../../fleet/ref.js";
import type { FaultEnv, Injector } from "../injector.js";
import { modelOf, type ScheduledFault } from "./entry.js";
import { targetProblem } from "./targets.js";

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
        if (this.firing) this.fired.set(f.kind.name, (this.fired.get(f.kind.name) ?? 0) + 1);
      },
    });
    const kind = env.sim.defineEvent("timeline.fire", (i) => this.fire(i));
    this.entries.forEach((e, i) => {
      if (e.atSec <= env.horizonSec) env.sim.scheduleAt(Math.max(e.atSec, env.sim.now), kind, i, 0);
    });
  }

  /**
   * Scheduled faults are certain, so their expected count is exactly what they emit when
   * they fire (known once the run has passed them; before, only the entries fired so far).
   */
  expected(): Partial<Record<string, number>> {
    return Object.fromEntries(this.fired);
  }

  private fire(i: number): void {
    const e = this.entries[i];
    this.firing = true;
    try {
      modelOf(e.kind)!.incident!.fire(this.env, this.refs[i], e.params);
    } finally {
      this.firing = false;
    }
  }
}

/** One injector for every scheduled fault of a scenario, on stream "faults.timeline". */
export function timelineInjector(entries: ScheduledFault[]): Injector {
  return new TimelineInjector(entries);
}
