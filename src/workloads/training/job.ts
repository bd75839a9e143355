// A synchronous data-parallel training job: the mechanism. What to do on a loss, where to
// restart, when to checkpoint and whom to drain are the policy's decisions
// (src/recovery/training.ts); the job asks and carries them out. Its hosts and spares are
// ./pool.ts, its checkpoints ./checkpoints.ts, silent corruption ./corruption.ts, the
// inter-datacenter exchange ./links.ts, power warnings ./power-warnings.ts, counts ./tally.ts.
//
// Model. Every step waits for the slowest participant: stepTime x (largest slowdown) x
// (1 + the policy's detection cost) (x hosts/active when shrunk), plus the exchange not
// hidden by compute. Between two changes (a fault, a checkpoint, the steps target) nothing
// changes, so the job advances analytically in chunks: one sim event per checkpoint or per
// fault, never per step or per host. Every `interval` of compute it checkpoints (sync:
// stalls for the write; async: for a snapshot, durable a write later). Losing a
// participant (a fault whose effect takes hosts down) interrupts it: work since the last
// durable checkpoint is lost, and it restarts after `restart` on spares, or waits for
// repair, or shrinks; warned of a power loss, it may checkpoint or move off first. A silent
// corruption of model state is caught by a detection the policy runs (the job rolls back
// to the newest clean checkpoint) or escapes. Goodput = kept steps x stepTime / wall time.
//
// Defaults (checkpointWrite 90s, restart 5m) are illustrative, from DESIGN.md's example
// (./schema.ts); failure rates come from the fault injectors, never from here.
//
// Left out: per-step jitter, step-level granularity of checkpoints (chunks are fluid in
// time), the partial step in progress at a checkpoint, and routing around a cut link.
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import { HostState } from "../../fleet/state.js";
import { type EffectKey, takesHostsDown } from "../../faults/kind.js";
import type { FaultEvent, FaultListener } from "../../faults/trace.js";
import { type TrainingPolicy, TrainingRecovery } from "../../recovery/training.js";
import type { Sim } from "../../sim/sim.js";
import type { Workload, WorkloadEnv } from "../workload.js";
import { type Checkpoint, CheckpointLog } from "./checkpoints.js";
import { CorruptionWatch } from "./corruption.js";
import { JobLinks } from "./links.js";
import { JobPool } from "./pool.js";
import { PowerWarnings, WARNED } from "./power-warnings.js";
import { JobTally } from "./tally.js";
import { DEFAULT_GRADIENT_GB, DEFAULT_OVERLAP, type TrainingSpec } from "./schema.js";

/** The fault effects a training job reacts to (src/faults/kind.ts). */
export const TRAINING_CONSUMES: readonly EffectKey[] = ["down:hosts", "slow:host", "link:cut", "link:latency", "link:rack-loss", "corrupt:result", WARNED];

const RUN = 0;
const CKPT = 1;
const RESTART = 2;
const WAIT = 3;
const DONE = 4;
type Phase = 0 | 1 | 2 | 3 | 4;

const EPS = 1e-9;

export class TrainingJob implements Workload, FaultListener {
  readonly name: string;
  readonly spareCount: number;
  /** The job's hosts and spares: who takes part, who is excluded, who runs slow. */
  readonly pool: JobPool;
  private readonly sim: Sim;
  private readonly fleet: Fleet;
  private readonly record: WorkloadEnv["record"];
  /** The policy's decisions for this job. */
  private readonly recovery: TrainingRecovery;
  private maxSlow = 1;
  private stepSec: number;
  /** How many times slower than ideal a step runs now (the slowest participant, shrink). */
  private stepSlow = 1;
  private readonly detectCost: number;
  private readonly startAt: number;
  private readonly tickKind: number;
  private readonly slowKind: number;
  private readonly durableKind: number;
  private readonly detectKind: number;
  private readonly linkEndKind: number;
  private readonly overlap: number;
  private readonly links: JobLinks;
  /** Exchange seconds per step not hidden by compute, in force now. */
  private exposedExchangeSec = 0;
  /** Silent corruption of the model state: what is pending, what escaped. */
  private readonly corruption: CorruptionWatch;
  private readonly warnings: PowerWarnings;

  private phase: Phase = WAIT;
  private phaseEnd = 0;
  private lastSettle: number;
  private progress = 0;
  private runSinceCkpt = 0;
  private tickGen = 0;
  private readonly checkpoints: CheckpointLog;
  private fastRestart = false;
  private intervalSec: number;
  /** The job's mean time between interruptions for young/daly/adaptive (TrainingRecovery.mtbfSec). */
  private readonly mtbfSec: number;
  private doneAt = NaN;

  /** Lost work, downtime, interruptions, drains, stalls: what the metrics are made of. */
  private readonly tally = new JobTally();

  constructor(
    env: WorkloadEnv,
    private readonly spec: TrainingSpec,
    policy: TrainingPolicy,
  ) {
    const { sim, fleet } = env;
    this.name = spec.name;
    this.sim = sim;
    this.fleet = fleet;
    this.record = env.record;
    this.recovery = new TrainingRecovery(policy);
    const spares = this.recovery.spares(spec.hosts);
    this.spareCount = spares;
    const size = spec.hosts + spares;
    if (spec.firstHost + size > fleet.hostCount) {
      throw new RangeError(
        `training job ${spec.name} needs hosts ${spec.firstHost}..${spec.firstHost + size - 1} (${spec.hosts} + ${spares} spares) but the fleet has ${fleet.hostCount} hosts`,
      );
    }
    const det = this.recovery.detection;
    this.detectCost = det.costPerStep;
    this.corruption = new CorruptionWatch(det.delaySteps, env.notifiesSilentCorruption ?? false, sim.now);
    this.stepSec = spec.stepTimeSec * (1 + this.detectCost);
    this.startAt = sim.now;
    this.lastSettle = sim.now;
    this.checkpoints = new CheckpointLog({ at: sim.now, progress: 0, clean: true }, (checkpoint, c) =>
      this.record("milestone", this.sim.now, { job: spec.name, event: "checkpoint", checkpoint, step: Math.floor(c.progress + EPS) }),
    );
    this.pool = JobPool.forJob(fleet, spec, spares, env.reserved ?? [], this.recovery);
    this.warnings = new PowerWarnings(sim, fleet, spec.name, this.pool, this.recovery, env.record);
    this.mtbfSec = this.recovery.mtbfSec({
      accelerators: fleet.hostSpec(spec.firstHost).accelerators,
      hosts: spec.hosts,
      hostLossRatePerSec: env.hostLossRatePerSec?.({ start: spec.firstHost, end: spec.firstHost + spec.hosts }),
    });
    this.intervalSec = this.computeInterval();
    this.tickKind = sim.defineEvent(`training.${spec.name}.tick`, (_t, gen) => this.tick(gen));
    this.slowKind = sim.defineEvent(`training.${spec.name}.slowEnd`, (host) => this.slowChanged(host));
    this.durableKind = sim.defineEvent(`training.${spec.name}.durable`, (_t, gen) => this.checkpoints.durable(gen));
    this.detectKind = sim.defineEvent(`training.${spec.name}.detect`, (_t, gen) => this.detected(gen));
    this.linkEndKind = sim.defineEvent(`training.${spec.name}.linkEnd`, (link) => this.linkEnd(link));
    this.overlap = spec.overlap ?? DEFAULT_OVERLAP;
    if (!(this.overlap >= 0 && this.overlap <= 1)) throw new RangeError(`training job ${spec.name}: overlap must be in 0..1, got ${this.overlap}`);
    this.links = new JobLinks(fleet, (spec.gradientGB ?? DEFAULT_GRADIENT_GB) * 1e9);
    this.links.checkJoined(spec.name, spec.firstHost, spec.hosts);
    env.trace.addListener(this);
    this.tryRestart(0);
  }

  // What tests and the dashboard read: participants, checkpoints kept (oldest first), the
  // interval and stall in force, steps kept (with the fraction of the step in progress),
  // the largest slowdown among participants, the datacenters they span.
  participants = (): number[] => this.pool.participants();
  checkpointTimes = (): { at: number; progress: number; clean: boolean }[] => this.checkpoints.copies();
  datacenters = (): number[] => this.links.datacenters();
  get checkpointIntervalSec(): number {
    return this.intervalSec;
  }
  get checkpointStallSec(): number {
    return this.recovery.checkpointStallSec(this.spec.checkpointWriteSec);
  }
  get progressSteps(): number {
    this.settle();
    return this.progress;
  }
  get slowdown(): number {
    return this.maxSlow;
  }

  // ---- fault listener ----

  onFault(e: FaultEvent): void {
    if (this.phase === DONE) return;
    const effect = e.kind.effect;
    // A straggler, or a lossy rack (./pool.ts): its pool hosts run slower while it lasts.
    if ((effect.class === "slow" && effect.on === "host") || (effect.class === "link" && effect.on === "rack-loss")) {
      if (!e.ref) return;
      this.pool.forHostsOf(e.ref, (h) => {
        this.slowChanged(h);
        if (e.untilSec < Infinity) this.sim.scheduleAt(Math.max(e.untilSec, this.sim.now), this.slowKind, h, 0);
      });
      return;
    }
    if (effect.class === "link" && (effect.on === "cut" || effect.on === "latency")) {
      this.linkFault(e, effect.on);
      return;
    }
    if (effect.class === "warning") return void (this.warnings.heard(e, this.phase === RUN || this.phase === CKPT) && this.checkpointNow());
    if (effect.class === "corrupt" && effect.on === "result") {
      if (this.pool.isActive(e.host)) this.silentCorruption(e.host, this.sim.now, "core");
      return;
    }
    if (!takesHostsDown(e.kind) || !e.ref) return;
    let lost = 0;
    this.pool.forHostsOf(e.ref, (h) => {
      if (this.pool.isActive(h) && this.fleet.state[h] === HostState.DOWN) {
        this.pool.drop(h, false);
        lost++;
      }
    });
    if (lost > 0) this.interrupt(e.kind.name, e.ref.kind === "host");
  }

  onRepair(ref: FleetRef): void {
    if (this.phase !== WAIT) return;
    let mine = false;
    this.pool.forHostsOf(ref, () => void (mine = true));
    if (mine) this.tryRestart(this.restartDelay());
  }

  /**
   * Silently corrupted words on `host` (./corruption.ts): on a participant while computing,
   * model state, corrupted anew each time (the state is rewritten every step). Returns whether it reached the job.
   */
  memoryCorrupted(host: number, _count = 1): boolean {
    this.corruption.notified = true;
    return this.pool.isActive(host) && this.silentCorruption(host);
  }

  /** Model state corrupted at `atSec` by `host` (memory, a defective core); ignored unless computing. Returns whether it was taken. */
  silentCorruption(host: number, atSec = this.sim.now, source: "memory" | "core" = "memory"): boolean {
    if (this.phase !== RUN && this.phase !== CKPT) return false;
    const due = this.corruption.corrupted(host, atSec, source, this.sim.now, this.stepSec);
    if (due !== undefined) this.sim.scheduleAt(due, this.detectKind, 0, ++this.corruption.gen);
    return true;
  }

  // ---- metrics ----

  metrics(): Record<string, number> {
    this.settle();
    const m = this.tally.metrics({
      progress: this.progress,
      stepTimeSec: this.spec.stepTimeSec,
      startAt: this.startAt,
      endAt: Number.isNaN(this.doneAt) ? this.sim.now : this.doneAt,
      doneAt: this.doneAt,
      checkpoints: this.checkpoints.taken,
      intervalSec: this.intervalSec,
      mtbfSec: this.recovery.mtbfInForceSec(this.intervalInputs()),
      corruption: this.corruption,
    });
    return Object.assign(m, this.warnings.metrics());
  }

  // ---- the state machine ----

  /** Folds the time since the last settle into progress (running) or lost work (down). */
  private settle(): void {
    const now = this.sim.now;
    const dt = now - this.lastSettle;
    this.lastSettle = now;
    if (dt <= 0) return;
    if (this.phase === RUN) {
      const steps = dt / this.stepSec;
      this.progress += steps;
      this.runSinceCkpt += dt;
      this.tally.ran(steps, this.spec.stepTimeSec, this.stepSlow, this.detectCost, this.exposedExchangeSec);
      if (this.spec.steps !== undefined && this.progress > this.spec.steps) this.progress = this.spec.steps;
    } else if (this.phase === RESTART) {
      this.tally.restartSec += dt;
    } else if (this.phase === WAIT) {
      this.tally.waitSec += dt;
    } else if (this.phase === CKPT) {
      this.tally.stallSec += dt;
    }
  }

  /** Schedules the next transition of the current phase (stale ticks are ignored by generation). */
  private plan(): void {
    const gen = ++this.tickGen;
    const now = this.sim.now;
    if (this.phase === RUN) {
      let dt = Math.max(0, this.intervalSec - this.runSinceCkpt);
      if (this.spec.steps !== undefined) dt = Math.min(dt, Math.max(0, (this.spec.steps - this.progress) * this.stepSec));
      this.sim.scheduleAt(now + dt, this.tickKind, 0, gen);
    } else if (this.phase === CKPT || this.phase === RESTART) {
      this.sim.scheduleAt(Math.max(now, this.phaseEnd), this.tickKind, 0, gen);
    }
  }

  private tick(gen: number): void {
    if (gen !== this.tickGen) return;
    this.settle();
    const now = this.sim.now;
    if (this.phase === RUN) {
      if (this.spec.steps !== undefined && this.progress >= this.spec.steps - 1e-6) {
        this.progress = this.spec.steps;
        this.phase = DONE;
        this.doneAt = now;
        this.record("milestone", now, { job: this.spec.name, event: "steps", steps: this.spec.steps, hours: (now - this.startAt) / 3600 });
        return;
      }
      this.startCheckpoint();
    } else if (this.phase === CKPT) {
      if (!this.recovery.asyncCheckpoints) this.checkpoints.commitPending(now); // sync: durable at the end of its stall
      this.afterCheckpoint();
    } else if (this.phase === RESTART) {
      this.phase = RUN;
      this.runSinceCkpt = 0;
    }
    const next = this.phase as Phase;
    if (next === RUN || next === CKPT || next === RESTART) this.plan();
  }

  private startCheckpoint(): void {
    const now = this.sim.now;
    if (!this.corruption.notified) this.corruption.scan(this.pool, this.fleet, now, (h, since) => this.silentCorruption(h, since));
    const snap: Checkpoint = { at: now, progress: this.progress, clean: this.corruption.clean };
    this.checkpoints.pending = snap;
    this.phase = CKPT;
    this.phaseEnd = now + this.checkpointStallSec;
    this.runSinceCkpt = 0;
    if (this.recovery.asyncCheckpoints) {
      this.sim.scheduleAt(now + this.spec.checkpointWriteSec, this.durableKind, 0, ++this.checkpoints.asyncGen);
    }
  }

  /** Checkpoints at once when running (a power warning); a checkpoint under way stands for it. */
  private checkpointNow(): void {
    if (this.phase !== RUN) return;
    this.settle();
    this.startCheckpoint();
    this.plan();
  }

  /** After a checkpoint's stall: the drains the policy asks for, moves off warned hosts, growing back a shrunk job. */
  private afterCheckpoint(): void {
    this.phase = RUN;
    this.runSinceCkpt = 0;
    const r = this.recovery;
    const pool = this.pool;
    const { hosts: drainedHosts, slow } = pool.drain(r);
    const drained = drainedHosts.length;
    this.tally.slowDrains += slow;
    const drainedIds = drainedHosts.map((h) => this.fleet.hostId(h));
    if (drained > 0) {
      this.tally.drains += drained;
      this.record("recovery", this.sim.now, { job: this.spec.name, action: "drain", hosts: drained, targets: drainedIds });
    }
    if (drained + this.warnings.migrate() > 0) {
      this.fastRestart = r.drainRestoresFromPeer;
      this.tryRestart(this.restartDelay());
      return;
    }
    if (r.growsBack && pool.activeCount < this.spec.hosts && pool.hasIdle(1)) {
      pool.fill(this.spec.hosts);
      this.computeSpan();
      if (this.links.ringCut(this.sim.now)) {
        this.interrupt("link.cut", false);
        return;
      }
      this.refreshStep();
    }
  }

  /** A participant was lost: restore the newest durable checkpoint and restart (or wait). */
  private interrupt(cause: string, singleHost: boolean): void {
    if (this.phase === DONE) return;
    this.settle();
    const now = this.sim.now;
    this.tally.interrupted(cause); // counted in every phase: a loss while waiting is a loss too
    if (this.phase === WAIT) return; // already down: the lost host just is not there any more
    let lostSec = 0;
    let from = NaN;
    if (this.phase === RUN || this.phase === CKPT) {
      this.checkpoints.abandonPending();
      const c = this.checkpoints.newest();
      lostSec = this.restore(c);
      from = c.at;
    }
    this.fastRestart = this.recovery.restoresFromPeer(singleHost);
    this.record("recovery", now, { job: this.spec.name, action: "restart", cause, ...(Number.isNaN(from) ? {} : { restoredFrom: from, lostSec }) });
    this.tryRestart(this.restartDelay());
  }

  /** Rolls back to `c` (a clean one wipes a pending corruption); returns the ideal time of the steps thrown away. */
  private restore(c: Checkpoint): number {
    const lost = (this.progress - c.progress) * this.spec.stepTimeSec;
    this.tally.redoSec += lost;
    this.progress = c.progress;
    this.runSinceCkpt = 0;
    this.checkpoints.truncateAfter(c);
    if (c.clean && !this.corruption.clean) this.corruption.cleared();
    return lost;
  }

  private detected(gen: number): void {
    const watch = this.corruption;
    if (gen !== watch.gen || watch.clean || this.phase === DONE) return;
    this.settle();
    const now = this.sim.now;
    const phase: Phase = this.phase;
    const c = this.checkpoints.newestClean();
    const corruptedAt = watch.corruptAt;
    if (phase === RUN || phase === CKPT) this.checkpoints.abandonPending();
    const lostSec = this.restore(c);
    watch.corruptAt = NaN;
    watch.rollbacks++;
    // Quarantine the culprit when another host can take its place.
    if (this.pool.isActive(watch.culprit) && this.pool.hasIdle(1)) this.pool.drop(watch.culprit, true);
    this.record("recovery", now, { job: this.spec.name, action: "rollback", corruptedAt, restoredFrom: c.at, lostSec, host: this.fleet.hostId(watch.culprit) });
    this.fastRestart = false; // an older checkpoint comes from storage
    // Running: restart from storage; restarting or waiting: that goes on, from the older checkpoint.
    if (phase === RUN || phase === CKPT) this.tryRestart(this.restartDelay());
  }

  private restartDelay(): number {
    return this.recovery.restartSec(this.spec.restartSec, this.fastRestart);
  }

  /** Restart after `delaySec` if enough hosts are up, else wait for repairs. */
  private tryRestart(delaySec: number): void {
    this.settle();
    const need = this.recovery.minHosts(this.spec.hosts);
    // Active hosts are up (a lost one is unmarked when it goes down).
    if (!this.pool.hasIdle(need - this.pool.activeCount)) {
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    const cold = this.pool.fill(this.spec.hosts);
    this.computeSpan();
    if (this.links.ringCut(this.sim.now)) {
      // A link between the job's datacenters is cut: wait for its repair (linkEnd).
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    this.refreshStep();
    this.phase = RESTART;
    // A cold host from the pool has to be provisioned first; hot spares are ready.
    this.phaseEnd = this.sim.now + delaySec + (cold > 0 ? this.spec.coldStartSec : 0);
    this.plan();
  }

  private slowChanged(host: number): void {
    this.pool.slowChanged(host);
    this.stepChanged();
  }

  /** Re-plans after the step time may have changed (a straggler, a latency spike). */
  private stepChanged(): void {
    if (this.phase === DONE) return;
    const before = this.stepSec;
    this.settle();
    this.refreshStep();
    if (this.phase === RUN && this.stepSec !== before) this.plan();
  }

  /** Step time from the largest slowdown among participants (the slow map is small). */
  private refreshStep(): void {
    const m = this.pool.maxActiveSlowdown();
    this.maxSlow = m;
    const active = this.pool.activeCount;
    const shrink = active > 0 && active < this.spec.hosts ? this.spec.hosts / active : 1;
    this.exposedExchangeSec = (1 - this.overlap) * this.links.exchangePerStep(this.sim.now);
    this.stepSlow = m * shrink;
    this.stepSec = this.spec.stepTimeSec * this.stepSlow * (1 + this.detectCost) + this.exposedExchangeSec;
    if (this.recovery.adaptive) this.intervalSec = this.computeInterval();
  }

  private computeInterval(): number {
    return this.recovery.checkpointIntervalSec(this.intervalInputs());
  }

  private intervalInputs() {
    return { stallSec: this.checkpointStallSec, mtbfSec: this.mtbfSec, seenSec: this.sim.now - this.startAt, interruptions: this.tally.interruptions };
  }

  // ---- datacenters and links ----

  /** Datacenters of the participants and the ring over them (O(pool): at restarts only). */
  private computeSpan(): void {
    this.links.span(this.pool.activeDatacenters());
  }

  private linkFault(e: FaultEvent, on: "cut" | "latency"): void {
    const now = this.sim.now;
    const r = this.links.apply(e, on, now);
    if (r.endsAt !== undefined) this.sim.scheduleAt(r.endsAt, this.linkEndKind, r.link, 0);
    if (r.then === "interrupt") this.interrupt("link.cut", false);
    else if (r.then === "replan") this.stepChanged();
  }

  /** A cut or a spike on link `l` may have ended. */
  private linkEnd(l: number): void {
    const now = this.sim.now;
    this.links.prune(l, now);
    if (this.phase === DONE) return;
    if (this.phase === WAIT) {
      if (!this.links.isCut(l, now)) this.tryRestart(this.restartDelay());
      return;
    }
    if (this.links.uses(l)) this.stepChanged();
  }
}
