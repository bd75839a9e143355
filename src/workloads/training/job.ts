// A synchronous data-parallel training job: the mechanism. What to do on a loss, where to
// restart, when to checkpoint and whom to drain are the policy's decisions
// (src/recovery/training.ts); the job asks and carries them out. This file builds the job,
// hears the fleet (faults, repairs, silent corruption, link cuts and spikes) and reports
// its metrics; its state machine (phases, progress, step time, checkpoints, restores and
// rollbacks) is ./phases.ts. Its hosts and spares are ./pool.ts, its checkpoints
// ./checkpoints.ts and ./shards.ts, silent corruption ./corruption.ts, the inter-datacenter
// exchange ./links.ts, power warnings ./power-warnings.ts, counts ./tally.ts.
//
// Model. Every step waits for the slowest participant: stepTime x (largest slowdown) x
// (1 + the policy's detection cost) (x hosts/active when shrunk), plus the exchange not
// hidden by compute. With b backup workers (policy backupWorkers: N+b participants, the
// first N gradients taken) a step waits for the N-th fastest: the (b+1)-th largest
// slowdown replaces the largest. Between two changes (a fault, a checkpoint, the steps
// target) nothing changes, so the job advances analytically in chunks: one sim event per checkpoint or per
// fault, never per step or per host. Every `interval` of compute it checkpoints (sync:
// stalls for the write; async: for a snapshot, durable a write later). Losing a
// participant (a fault whose effect takes hosts down) interrupts it: work since the last
// durable checkpoint is lost, and it restarts after `restart` on spares, or waits for
// repair, or shrinks; warned of a power loss, it may checkpoint or move off first. A silent
// corruption of model state is caught by a detection the policy runs (the job rolls back
// to the newest clean checkpoint) or escapes. A restore from storage reads the checkpoint's
// shards from disk (./shards.ts): one garbled there is caught by its CRC-32 with
// checkpointChecksum on (the job falls back to the checkpoint before) or restored as good.
// Goodput = kept steps x stepTime / wall time.
//
// Defaults (checkpointWrite 90s, restart 5m) are illustrative, from DESIGN.md's example
// (./schema.ts); failure rates come from the fault injectors, never from here.
//
// Asynchronous training (policy trainingMode: async, ./async.ts): the step pace is the sum
// of the workers' rates instead, each step worth less for the staleness of its updates, and
// each checkpoint interval's update order is logged as a hash chain.
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
import { AsyncTraining } from "./async.js";
import { CheckpointLog } from "./checkpoints.js";
import { CorruptionWatch } from "./corruption.js";
import { CheckpointShards } from "./shards.js";
import { JobLinks } from "./links.js";
import { JobPhases } from "./phases.js";
import { JobPool } from "./pool.js";
import { PowerWarnings, WARNED } from "./power-warnings.js";
import { JobTally, withJobMetrics } from "./tally.js";
import { DEFAULT_CHECKPOINT_SHARD_BYTES, DEFAULT_GRADIENT_GB, DEFAULT_OVERLAP, type TrainingSpec } from "./schema.js";

/** The fault effects a training job reacts to (src/faults/kind.ts). */
export const TRAINING_CONSUMES: readonly EffectKey[] = [
  "down:hosts",
  "slow:host",
  "link:cut",
  "link:latency",
  "link:rack-loss",
  "corrupt:result",
  "corrupt:disk-block",
  WARNED,
];

const EPS = 1e-9;

export class TrainingJob implements Workload, FaultListener {
  readonly name: string;
  readonly spareCount: number;
  /** Backup workers beside the job's hosts (policy backupWorkers; 0: none). */
  readonly backupCount: number;
  /** The job's hosts and spares: who takes part, who is excluded, who runs slow. */
  readonly pool: JobPool;
  private readonly sim: Sim;
  private readonly fleet: Fleet;
  private readonly record: WorkloadEnv["record"];
  private readonly slowKind: number;
  private readonly linkEndKind: number;
  private readonly links: JobLinks;
  /** Silent corruption of the model state: what is pending, what escaped. */
  private readonly corruption: CorruptionWatch;
  private readonly warnings: PowerWarnings;
  /** Asynchronous training's pace, staleness and order log (policy trainingMode: async), or none. */
  private readonly async: AsyncTraining | undefined;
  private readonly checkpoints: CheckpointLog;
  /** Where the checkpoints' shards lie on disk and what their CRCs say at restore. */
  private readonly shards: CheckpointShards;
  /** Lost work, downtime, interruptions, drains, stalls: what the metrics are made of. */
  private readonly tally = new JobTally();
  /** Phases, progress and step time: what the job does with what it hears. */
  private readonly phases: JobPhases;

  constructor(
    env: WorkloadEnv,
    private readonly spec: TrainingSpec,
    policy: TrainingPolicy,
    /** The scenario has several training jobs: each metric is also reported as training.<name>.<metric>. */
    private readonly several = false,
  ) {
    const { sim, fleet } = env;
    this.name = spec.name;
    this.sim = sim;
    this.fleet = fleet;
    this.record = env.record;
    const recovery = new TrainingRecovery(policy);
    const spares = recovery.spares(spec.hosts);
    this.spareCount = spares;
    this.backupCount = recovery.backups(spec.hosts);
    const size = spec.hosts + this.backupCount + spares;
    if (spec.firstHost + size > fleet.hostCount) {
      const backups = this.backupCount > 0 ? ` + ${this.backupCount} backup workers` : "";
      throw new RangeError(
        `training job ${spec.name} needs hosts ${spec.firstHost}..${spec.firstHost + size - 1} (${spec.hosts}${backups} + ${spares} spares) but the fleet has ${fleet.hostCount} hosts`,
      );
    }
    this.corruption = new CorruptionWatch(recovery.detection.delaySteps, env.notifiesSilentCorruption ?? false, sim.now);
    this.checkpoints = new CheckpointLog({ at: sim.now, progress: 0, clean: true }, (checkpoint, c) =>
      this.record("milestone", this.sim.now, { job: spec.name, event: "checkpoint", checkpoint, step: Math.floor(c.progress + EPS) }),
    );
    this.shards = new CheckpointShards(
      spec.firstHost,
      spec.hosts,
      spec.checkpointShardBytes ?? DEFAULT_CHECKPOINT_SHARD_BYTES,
      sim.streams.hash(`training.${spec.name}.checkpoint.bytes`),
    );
    this.tally.checkpointChecks = recovery.checksCheckpoints;
    const orderSeeds = sim.streams.hash(`training.${spec.name}.order`);
    this.async = recovery.asyncUpdates
      ? new AsyncTraining(spec.name, recovery.maxStaleness, orderSeeds, (at, f) => this.record("milestone", at, f))
      : undefined;
    this.pool = JobPool.forJob(fleet, spec, spares, env.reserved ?? [], recovery);
    this.warnings = new PowerWarnings(sim, fleet, spec.name, this.pool, recovery, env.record);
    const mtbfSec = recovery.mtbfSec({
      accelerators: fleet.hostSpec(spec.firstHost).accelerators,
      hosts: spec.hosts,
      hostLossRatePerSec: env.hostLossRatePerSec?.({ start: spec.firstHost, end: spec.firstHost + spec.hosts }),
    });
    const overlap = spec.overlap ?? DEFAULT_OVERLAP;
    if (!(overlap >= 0 && overlap <= 1)) throw new RangeError(`training job ${spec.name}: overlap must be in 0..1, got ${overlap}`);
    this.links = new JobLinks(fleet, (spec.gradientGB ?? DEFAULT_GRADIENT_GB) * 1e9);
    this.links.checkJoined(spec.name, spec.firstHost, spec.hosts);
    this.phases = new JobPhases({
      sim,
      fleet,
      record: env.record,
      spec,
      recovery,
      backupCount: this.backupCount,
      mtbfSec,
      overlap,
      pool: this.pool,
      links: this.links,
      checkpoints: this.checkpoints,
      shards: this.shards,
      corruption: this.corruption,
      warnings: this.warnings,
      tally: this.tally,
      async: this.async,
    });
    this.slowKind = sim.defineEvent(`training.${spec.name}.slowEnd`, (host) => this.slowChanged(host));
    this.linkEndKind = sim.defineEvent(`training.${spec.name}.linkEnd`, (link) => this.linkEnd(link));
    env.trace.addListener(this);
    // Slowdowns already in force when the job is built end without telling it: look again then.
    for (const h of this.pool.slow.keys()) for (const t of env.trace.slowEnds(h)) sim.scheduleAt(Math.max(t, sim.now), this.slowKind, h, 0);
    this.phases.start();
  }

  // What tests and the dashboard read: participants, checkpoints kept (oldest first), the
  // interval and stall in force, steps kept (with the fraction of the step in progress),
  // the slowdown setting the pace (the largest among participants; with backup workers the
  // (b+1)-th largest), the datacenters they span.
  participants = (): number[] => this.pool.participants();
  checkpointTimes = (): { at: number; progress: number; clean: boolean }[] => this.checkpoints.copies();
  datacenters = (): number[] => this.links.datacenters();
  get checkpointIntervalSec(): number {
    return this.phases.checkpointIntervalSec;
  }
  get checkpointStallSec(): number {
    return this.phases.checkpointStallSec;
  }
  get progressSteps(): number {
    return this.phases.progressSteps;
  }
  get slowdown(): number {
    return this.phases.slowdown;
  }

  // ---- fault listener ----

  onFault(e: FaultEvent): void {
    if (this.phases.done) return;
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
    if (effect.class === "warning") return void (this.warnings.heard(e, this.phases.computing) && this.phases.checkpointNow());
    if (effect.class === "corrupt" && effect.on === "disk-block") {
      if (this.shards.corrupted(e, this.checkpoints)) this.tally.checkpointChecks = true;
      return;
    }
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
    if (lost > 0) this.phases.interrupt(e.kind.name, e.ref.kind === "host");
  }

  onRepair(ref: FleetRef): void {
    if (!this.phases.waiting) return;
    let mine = false;
    this.pool.forHostsOf(ref, () => void (mine = true));
    if (mine) this.phases.restart();
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
    return this.phases.corrupted(host, atSec, source);
  }

  private slowChanged(host: number): void {
    this.pool.slowChanged(host);
    this.phases.stepChanged();
  }

  // ---- metrics ----

  metrics(): Record<string, number> {
    const phases = this.phases;
    const progress = phases.progressSteps; // settled first: the rest is as of now
    const m = this.tally.metrics({
      progress,
      stepTimeSec: this.spec.stepTimeSec,
      startAt: phases.startAt,
      endAt: Number.isNaN(phases.doneAt) ? this.sim.now : phases.doneAt,
      doneAt: phases.doneAt,
      checkpoints: this.checkpoints.taken,
      intervalSec: phases.checkpointIntervalSec,
      mtbfSec: phases.mtbfInForceSec(),
      corruption: this.corruption,
    });
    if (this.backupCount > 0) m["training.backupHostHours"] = this.tally.backupHostSec / 3600;
    if (this.async) Object.assign(m, this.async.metrics(this.tally.staleSec));
    Object.assign(m, this.warnings.metrics());
    return this.several ? withJobMetrics(m, this.spec.name) : m;
  }

  // ---- links ----

  private linkFault(e: FaultEvent, on: "cut" | "latency"): void {
    const now = this.sim.now;
    const r = this.links.apply(e, on, now);
    if (r.endsAt !== undefined) this.sim.scheduleAt(r.endsAt, this.linkEndKind, r.link, 0);
    if (r.then === "interrupt") this.phases.interrupt("link.cut", false);
    else if (r.then === "replan") this.phases.stepChanged();
  }

  /** A cut or a spike on link `l` may have ended. */
  private linkEnd(l: number): void {
    const now = this.sim.now;
    this.links.prune(l, now);
    if (this.phases.done) return;
    if (this.phases.waiting) {
      if (!this.links.isCut(l, now)) this.phases.restart();
      return;
    }
    if (this.links.uses(l)) this.phases.stepChanged();
  }
}
