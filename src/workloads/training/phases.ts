// A training job's state machine (the model is in ./job.ts, which builds it and feeds it
// what the fleet does): its phase (running, checkpointing, restarting, waiting for hosts
// or a link, done), its progress in steps, and the step time in force. It advances
// analytically: `settle` folds the time since the last change into progress or lost time
// (./tally.ts), and `plan` schedules the next transition (the next checkpoint, the steps
// target, the end of a stall or a restart); no event fires in between. Its inputs are what
// the job hears: a participant or a ring link lost (`interrupt`), a power warning
// (`checkpointNow`), hosts or a link back (`restart`), a step time that may have changed
// (`stepChanged`), a silent corruption of model state (`corrupted`: a rollback when the
// policy's detection catches it). The job's collaborators are handed in (JobParts).
import type { Fleet } from "../../fleet/fleet.js";
import type { TrainingRecovery } from "../../recovery/training.js";
import type { Sim } from "../../sim/sim.js";
import type { WorkloadEnv } from "../workload.js";
import type { AsyncTraining } from "./async.js";
import type { Checkpoint, CheckpointLog } from "./checkpoints.js";
import type { CorruptionWatch } from "./corruption.js";
import type { JobLinks } from "./links.js";
import type { JobPool } from "./pool.js";
import type { PowerWarnings } from "./power-warnings.js";
import type { TrainingSpec } from "./schema.js";
import type { CheckpointShards } from "./shards.js";
import type { JobTally } from "./tally.js";

const RUN = 0;
const CKPT = 1;
const RESTART = 2;
const WAIT = 3;
const DONE = 4;
type Phase = 0 | 1 | 2 | 3 | 4;

/** What the state machine works with: the job's setting and the collaborators ./job.ts builds. */
export interface JobParts {
  sim: Sim;
  fleet: Fleet;
  record: WorkloadEnv["record"];
  spec: TrainingSpec;
  /** The policy's decisions for this job. */
  recovery: TrainingRecovery;
  /** Backup workers beside the job's hosts (0: none). */
  backupCount: number;
  /** The job's mean time between interruptions for young/daly/adaptive (TrainingRecovery.mtbfSec). */
  mtbfSec: number;
  /** The fraction of the inter-datacenter exchange hidden by compute. */
  overlap: number;
  pool: JobPool;
  links: JobLinks;
  checkpoints: CheckpointLog;
  shards: CheckpointShards;
  corruption: CorruptionWatch;
  warnings: PowerWarnings;
  tally: JobTally;
  async: AsyncTraining | undefined;
}

export class JobPhases {
  readonly startAt: number;
  private readonly detectCost: number;
  private readonly tickKind: number;
  private readonly durableKind: number;
  private readonly detectKind: number;
  private maxSlow = 1;
  private stepSec: number;
  /** How many times slower than ideal a step runs now (the slowest participant, shrink). */
  private stepSlow = 1;
  /** Exchange seconds per step not hidden by compute, in force now. */
  private exposedExchangeSec = 0;

  private phase: Phase = WAIT;
  private phaseEnd = 0;
  private lastSettle: number;
  private progress = 0;
  private runSinceCkpt = 0;
  private tickGen = 0;
  private fastRestart = false;
  private intervalSec: number;
  private finishedAt = NaN;

  constructor(private readonly job: JobParts) {
    const { sim, spec } = job;
    this.detectCost = job.recovery.detection.costPerStep;
    this.stepSec = spec.stepTimeSec * (1 + this.detectCost);
    this.startAt = sim.now;
    this.lastSettle = sim.now;
    this.intervalSec = this.computeInterval();
    this.tickKind = sim.defineEvent(`training.${spec.name}.tick`, (_t, gen) => this.tick(gen));
    this.durableKind = sim.defineEvent(`training.${spec.name}.durable`, (_t, gen) => job.checkpoints.durable(gen));
    this.detectKind = sim.defineEvent(`training.${spec.name}.detect`, (_t, gen) => this.detected(gen));
  }

  /** Starts the job: on its hosts at once if enough are up, else when they are. */
  start(): void {
    this.tryRestart(0);
  }

  /** Running or checkpointing: work is at risk, and model state can be corrupted. */
  get computing(): boolean {
    return this.phase === RUN || this.phase === CKPT;
  }
  /** Waiting for hosts or a link to come back. */
  get waiting(): boolean {
    return this.phase === WAIT;
  }
  /** The steps target is reached. */
  get done(): boolean {
    return this.phase === DONE;
  }
  /** When the steps target was reached (NaN: not yet). */
  get doneAt(): number {
    return this.finishedAt;
  }
  get checkpointIntervalSec(): number {
    return this.intervalSec;
  }
  get checkpointStallSec(): number {
    return this.job.recovery.checkpointStallSec(this.job.spec.checkpointWriteSec);
  }
  /** Steps kept, with the fraction of the step in progress. */
  get progressSteps(): number {
    this.settle();
    return this.progress;
  }
  /** The slowdown setting the pace: the largest among participants (with backup workers the (b+1)-th largest). */
  get slowdown(): number {
    return this.maxSlow;
  }
  /** The mean time between interruptions the checkpoint interval assumes now. */
  mtbfInForceSec(): number {
    return this.job.recovery.mtbfInForceSec(this.intervalInputs());
  }

  /** Folds the time since the last settle into progress (running) or lost work (down). */
  private settle(): void {
    const { sim, spec, tally } = this.job;
    const now = sim.now;
    const dt = now - this.lastSettle;
    this.lastSettle = now;
    if (dt <= 0) return;
    if (this.phase === RUN || this.phase === CKPT || this.phase === RESTART) tally.backupHostSec += dt * Math.max(0, this.job.pool.activeCount - spec.hosts);
    if (this.phase === RUN) {
      const steps = dt / this.stepSec;
      this.progress += steps;
      this.runSinceCkpt += dt;
      tally.ran(steps, spec.stepTimeSec, this.stepSlow, this.detectCost, this.exposedExchangeSec, this.job.async?.ran(steps, spec.stepTimeSec));
      if (spec.steps !== undefined && this.progress > spec.steps) this.progress = spec.steps;
    } else if (this.phase === RESTART) {
      tally.restartSec += dt;
    } else if (this.phase === WAIT) {
      tally.waitSec += dt;
    } else if (this.phase === CKPT) {
      tally.stallSec += dt;
    }
  }

  /** Schedules the next transition of the current phase (stale ticks are ignored by generation). */
  private plan(): void {
    const { sim, spec } = this.job;
    const gen = ++this.tickGen;
    const now = sim.now;
    if (this.phase === RUN) {
      let dt = Math.max(0, this.intervalSec - this.runSinceCkpt);
      if (spec.steps !== undefined) dt = Math.min(dt, Math.max(0, (spec.steps - this.progress) * this.stepSec));
      sim.scheduleAt(now + dt, this.tickKind, 0, gen);
    } else if (this.phase === CKPT || this.phase === RESTART) {
      sim.scheduleAt(Math.max(now, this.phaseEnd), this.tickKind, 0, gen);
    }
  }

  private tick(gen: number): void {
    if (gen !== this.tickGen) return;
    this.settle();
    const { sim, spec } = this.job;
    const now = sim.now;
    if (this.phase === RUN) {
      if (spec.steps !== undefined && this.progress >= spec.steps - 1e-6) {
        this.progress = spec.steps;
        this.phase = DONE;
        this.finishedAt = now;
        this.job.async?.checkpoint(now, this.progress);
        this.job.record("milestone", now, { job: spec.name, event: "steps", steps: spec.steps, hours: (now - this.startAt) / 3600 });
        return;
      }
      this.startCheckpoint();
    } else if (this.phase === CKPT) {
      if (!this.job.recovery.asyncCheckpoints) this.job.checkpoints.commitPending(now); // sync: durable at the end of its stall
      this.afterCheckpoint();
    } else if (this.phase === RESTART) {
      this.phase = RUN;
      this.runSinceCkpt = 0;
    }
    const next = this.phase as Phase;
    if (next === RUN || next === CKPT || next === RESTART) this.plan();
  }

  private startCheckpoint(): void {
    const { sim, corruption, checkpoints } = this.job;
    const now = sim.now;
    if (!corruption.notified) corruption.scan(this.job.pool, this.job.fleet, now, (h, since) => this.corrupted(h, since));
    const snap: Checkpoint = { at: now, progress: this.progress, clean: corruption.clean };
    checkpoints.pending = snap;
    this.job.async?.checkpoint(now, this.progress);
    this.phase = CKPT;
    this.phaseEnd = now + this.checkpointStallSec;
    this.runSinceCkpt = 0;
    if (this.job.recovery.asyncCheckpoints) {
      sim.scheduleAt(now + this.job.spec.checkpointWriteSec, this.durableKind, 0, ++checkpoints.asyncGen);
    }
  }

  /** Checkpoints at once when running (a power warning); a checkpoint under way stands for it. */
  checkpointNow(): void {
    if (this.phase !== RUN) return;
    this.settle();
    this.startCheckpoint();
    this.plan();
  }

  /** After a checkpoint's stall: the drains the policy asks for, moves off warned hosts, growing back a shrunk job. */
  private afterCheckpoint(): void {
    this.phase = RUN;
    this.runSinceCkpt = 0;
    const { recovery: r, pool, spec } = this.job;
    const { hosts: drainedHosts, slow } = pool.drain(r);
    const drained = drainedHosts.length;
    this.job.tally.slowDrains += slow;
    const drainedIds = drainedHosts.map((h) => this.job.fleet.hostId(h));
    if (drained > 0) {
      this.job.tally.drains += drained;
      this.job.record("recovery", this.job.sim.now, { job: spec.name, action: "drain", hosts: drained, targets: drainedIds });
    }
    if (drained + this.job.warnings.migrate() > 0) {
      this.fastRestart = r.drainRestoresFromPeer;
      this.restart();
      return;
    }
    if (r.growsBack && pool.activeCount < spec.hosts && pool.hasIdle(1)) {
      pool.fill(spec.hosts + this.job.backupCount);
      this.computeSpan();
      if (this.job.links.ringCut(this.job.sim.now)) {
        this.interrupt("link.cut", false);
        return;
      }
      this.refreshStep();
    }
  }

  /** A participant (or a ring link) was lost: restore the newest durable checkpoint and restart (or wait). */
  interrupt(cause: string, singleHost: boolean): void {
    if (this.phase === DONE) return;
    this.settle();
    const { checkpoints } = this.job;
    const now = this.job.sim.now;
    this.job.tally.interrupted(cause); // counted in every phase: a loss while waiting is a loss too
    if (this.phase === WAIT) return; // already down: the lost host just is not there any more
    let lostSec = 0;
    let from = NaN;
    this.fastRestart = this.job.recovery.restoresFromPeer(singleHost);
    if (this.phase === RUN || this.phase === CKPT) {
      checkpoints.abandonPending();
      const newest = checkpoints.newest();
      // A peer's memory holds the newest checkpoint: no shard is read from disk.
      const c = this.fastRestart ? newest : this.readable(newest);
      lostSec = this.restore(c, newest);
      from = c.at;
    }
    this.job.record("recovery", now, { job: this.job.spec.name, action: "restart", cause, ...(Number.isNaN(from) ? {} : { restoredFrom: from, lostSec }) });
    this.restart();
  }

  /** Rolls back to `c` (a clean one wipes a pending corruption); returns the ideal time of the steps thrown away (those between `c` and `meant`, which failed its CRC, lost to that). */
  private restore(c: Checkpoint, meant: Checkpoint = c): number {
    const { spec, tally, corruption } = this.job;
    const lost = (this.progress - c.progress) * spec.stepTimeSec;
    const fallback = (meant.progress - c.progress) * spec.stepTimeSec;
    tally.redoSec += lost - fallback;
    tally.corruptCheckpointSec += fallback;
    this.progress = c.progress;
    this.runSinceCkpt = 0;
    this.job.checkpoints.truncateAfter(c);
    this.job.async?.restart(c.progress);
    if (c.clean && !corruption.clean) corruption.cleared();
    return lost;
  }

  /** Model state corrupted at `atSec` by `host` (memory, a defective core); ignored unless computing. Returns whether it was taken. */
  corrupted(host: number, atSec: number, source: "memory" | "core" = "memory"): boolean {
    if (!this.computing) return false;
    const { sim, corruption } = this.job;
    const due = corruption.corrupted(host, atSec, source, sim.now, this.stepSec);
    if (due !== undefined) sim.scheduleAt(due, this.detectKind, 0, ++corruption.gen);
    return true;
  }

  /** The policy's detection caught the corruption: roll back to the newest clean checkpoint. */
  private detected(gen: number): void {
    const { corruption: watch, checkpoints, pool } = this.job;
    if (gen !== watch.gen || watch.clean || this.phase === DONE) return;
    this.settle();
    const now = this.job.sim.now;
    const phase: Phase = this.phase;
    const meant = checkpoints.newestClean();
    const c = this.readable(meant);
    const corruptedAt = watch.corruptAt;
    if (phase === RUN || phase === CKPT) checkpoints.abandonPending();
    const lostSec = this.restore(c, meant);
    watch.corruptAt = NaN;
    watch.rollbacks++;
    // Quarantine the culprit when another host can take its place.
    if (pool.isActive(watch.culprit) && pool.hasIdle(1)) pool.drop(watch.culprit, true);
    this.job.record("recovery", now, {
      job: this.job.spec.name,
      action: "rollback",
      corruptedAt,
      restoredFrom: c.at,
      lostSec,
      host: this.job.fleet.hostId(watch.culprit),
    });
    this.fastRestart = false; // an older checkpoint comes from storage
    // Running: restart from storage; restarting or waiting: that goes on, from the older checkpoint.
    if (phase === RUN || phase === CKPT) this.restart();
  }

  /** The checkpoint a restore from storage of `c` gets (./shards.ts): an older one when `c` fails its CRC. */
  private readable(c: Checkpoint): Checkpoint {
    const { shards, checkpoints, recovery, tally } = this.job;
    return shards.readable(c, checkpoints, recovery.checksCheckpoints, tally, (bad, before) =>
      this.job.record("recovery", this.job.sim.now, {
        job: this.job.spec.name,
        action: "skip-checkpoint",
        cause: "crc32 mismatch",
        corrupted: bad.at,
        restoredFrom: before.at,
      }),
    );
  }

  /** Restarts after the policy's restart delay (from storage, or a peer's memory) if enough hosts are up, else waits for repairs. */
  restart(): void {
    this.tryRestart(this.job.recovery.restartSec(this.job.spec.restartSec, this.fastRestart));
  }

  /** Restart after `delaySec` if enough hosts are up, else wait for repairs. */
  private tryRestart(delaySec: number): void {
    this.settle();
    const { spec, pool, sim } = this.job;
    const need = this.job.recovery.minHosts(spec.hosts);
    // Active hosts are up (a lost one is unmarked when it goes down).
    if (!pool.hasIdle(need - pool.activeCount)) {
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    const cold = pool.fill(spec.hosts + this.job.backupCount);
    this.computeSpan();
    if (this.job.links.ringCut(sim.now)) {
      // A link between the job's datacenters is cut: wait for its repair (./job.ts, linkEnd).
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    this.refreshStep();
    this.phase = RESTART;
    // A cold host from the pool has to be provisioned first; hot spares are ready.
    this.phaseEnd = sim.now + delaySec + (cold > 0 ? spec.coldStartSec : 0);
    this.plan();
  }

  /** Re-plans after the step time may have changed (a straggler, a latency spike). */
  stepChanged(): void {
    if (this.phase === DONE) return;
    const before = this.stepSec;
    this.settle();
    this.refreshStep();
    if (this.phase === RUN && this.stepSec !== before) this.plan();
  }

  /** Step time from the slowdown setting the pace: the largest among participants, less the backups in use (the slow map is small). */
  private refreshStep(): void {
    const { spec, pool, async } = this.job;
    const active = pool.activeCount;
    const m = pool.activeSlowdownRank(Math.max(0, active - spec.hosts));
    this.maxSlow = m;
    const shrink = active > 0 && active < spec.hosts ? spec.hosts / active : 1;
    this.exposedExchangeSec = (1 - this.job.overlap) * this.job.links.exchangePerStep(this.job.sim.now);
    this.stepSlow = async ? async.refresh(pool, spec.hosts, this.progress) : m * shrink;
    this.stepSec = spec.stepTimeSec * this.stepSlow * (1 + this.detectCost) + this.exposedExchangeSec;
    if (this.job.recovery.adaptive) this.intervalSec = this.computeInterval();
  }

  /** Datacenters of the participants and the ring over them (O(pool): at restarts only). */
  private computeSpan(): void {
    this.job.links.span(this.job.pool.activeDatacenters());
  }

  private computeInterval(): number {
    return this.job.recovery.checkpointIntervalSec(this.intervalInputs());
  }

  private intervalInputs() {
    return {
      stallSec: this.checkpointStallSec,
      mtbfSec: this.job.mtbfSec,
      seenSec: this.job.sim.now - this.startAt,
      interruptions: this.job.tally.interruptions,
    };
  }
}
