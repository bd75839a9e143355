// A training job's answer to power warnings: `power.warning` (src/faults/power.ts) says the
// hosts of a bus bar, a PDU or a datacenter lose power at `failsAt` (a temperature alarm,
// a scheduled incident's warning, a datacenter overheating: src/faults/overheat.ts). The
// policy decides (src/recovery/training.ts, onPowerWarning); this carries it out with the
// job (./job.ts):
//   - a warning naming none of the job's participants is not the job's business;
//   - checkpoint: the job checkpoints at once (a checkpoint under way does instead), so
//     the trip loses only what it computes after that;
//   - migrate: the same checkpoint, and the warned pool hosts are marked so the job takes
//     none of them until the trip (./pool.ts); at the end of the checkpoint the
//     participants on them are swapped for idle hosts like a drain (one restart delay, no
//     work lost), so the trip misses the job. Without enough idle hosts outside the
//     warning the policy checkpoints only.
// A warning that comes while the job restarts or waits is counted but not acted on (it has
// no work at risk; a migrating policy still keeps its restarts off the warned hosts).
// What it did is counted in the metrics declared here, where they are computed.
import { metric } from "../../base/metric.js";
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import type { EffectKey } from "../../faults/kind.js";
import type { FaultEvent } from "../../faults/trace.js";
import type { TrainingRecovery } from "../../recovery/training.js";
import type { Sim } from "../../sim/sim.js";
import type { WorkloadEnv } from "../workload.js";
import type { JobPool } from "./pool.js";

/** The effect of a power warning (src/faults/kind.ts), in the job's `consumes`. */
export const WARNED: EffectKey = "warning:power";

export const POWER_WARNING_METRICS = [
  metric("training.powerWarnings", "count", "power warnings (a bus bar's or PDU's alarm, a datacenter overheating) naming hosts the job ran on"),
  metric(
    "training.powerWarningsActed",
    "count",
    "of training.powerWarnings, those the policy acted on while the job computed (onPowerWarning: checkpoint or migrate)",
  ),
  metric("training.powerMigrations", "count", "participants moved off warned hosts before their power went (onPowerWarning: migrate)"),
];

export class PowerWarnings {
  private warnings = 0;
  private acted = 0;
  private migrated = 0;
  /** Warnings the pool keeps clear of (migrate), until their trip. */
  private readonly marks: (FleetRef | undefined)[] = [];
  private readonly endKind: number;

  constructor(
    private readonly sim: Sim,
    private readonly fleet: Fleet,
    private readonly job: string,
    private readonly pool: JobPool,
    private readonly recovery: TrainingRecovery,
    private readonly record: WorkloadEnv["record"],
  ) {
    this.endKind = sim.defineEvent(`training.${job}.warningEnd`, (slot) => this.tripped(slot));
  }

  /** A power warning: marks what the policy asks; returns whether the job should checkpoint at once (`computing`: it has work at risk). */
  heard(e: FaultEvent, computing: boolean): boolean {
    if (!e.ref) return false;
    const warned = this.pool.activeUnder(e.ref);
    if (warned === 0) return false;
    this.warnings++;
    // Marked first, so that the hosts that could replace them leave the warned ones out.
    this.pool.warn(e.ref, 1);
    const action = this.recovery.onPowerWarning(warned, this.pool.hasIdle(warned));
    if (action === "migrate") {
      this.marks.push(e.ref);
      this.sim.scheduleAt(Math.max(e.untilSec, this.sim.now), this.endKind, this.marks.length - 1, 0);
    } else {
      this.pool.warn(e.ref, -1);
    }
    if (action === "ignore" || !computing) return false;
    this.acted++;
    this.record("recovery", this.sim.now, { job: this.job, action: "power-warning", response: action, target: this.fleet.idOf(e.ref), failsAt: e.untilSec });
    return true;
  }

  /** At the end of a checkpoint: moves the participants off warned hosts if idle ones can take over; returns how many. */
  migrate(): number {
    const hosts = this.pool.dropWarned();
    if (hosts.length === 0) return 0;
    this.migrated += hosts.length;
    this.record("recovery", this.sim.now, { job: this.job, action: "migrate", hosts: hosts.length, targets: hosts.map((h) => this.fleet.hostId(h)) });
    return hosts.length;
  }

  private tripped(slot: number): void {
    const ref = this.marks[slot];
    if (ref) this.pool.warn(ref, -1);
    this.marks[slot] = undefined;
  }

  metrics(): Record<string, number> {
    return { "training.powerWarnings": this.warnings, "training.powerWarningsActed": this.acted, "training.powerMigrations": this.migrated };
  }
}
