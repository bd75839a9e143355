// A synchronous data-parallel training job over a contiguous block of hosts: the
// mechanism. What to do on a loss, where to restart, when to checkpoint and whom to drain
// are the policy's decisions (src/recovery/training.ts); the job asks and carries them out.
//
// Model. The job advances in steps; every step waits for the slowest participant, so a
// step takes stepTime x (largest slowdown among participants) x (1 + the policy's
// detection cost) (x hosts/active when shrunk). Between two changes (a fault, a
// checkpoint, the steps target) nothing changes, so the job advances analytically in
// chunks: one sim event per checkpoint or per fault, never per step or per host; the
// largest slowdown is kept in a small map of slow hosts. Every `interval` of compute the
// job checkpoints (sync: stalls for the write; async: stalls for a snapshot, durable a
// write later). Losing a participant (any fault whose effect takes hosts down: host crash,
// machine check, PDU, bus bar, utility, rack) interrupts the job: work since the last
// durable checkpoint is lost, and it restarts after `restart` on spares (the policy's hot
// spares, which fail like any host), or waits for repair, or shrinks. Silent corruption
// (a `mercurial.corrupt` on a participant, or a participant the memory detector handed
// corrupted data, told through `memoryCorrupted` or seen flagged HostFlag.CORRUPT at the
// next checkpoint) corrupts model state: a detection the policy runs catches it after its
// delay and the job rolls back to the newest checkpoint taken before the corruption;
// without one it is a silent escape. Lost work is wall time: the work redone plus the
// time spent restarting or waiting. Goodput = kept steps x stepTime / wall time.
//
// Defaults (checkpointWrite 90s, restart 5m) are illustrative, from DESIGN.md's example
// (./schema.ts); failure rates come from the fault injectors, never from here.
//
// Spanning datacenters. Hosts are numbered densely across datacenters, so a job whose
// participants cross a datacenter boundary spans k > 1 datacenters; each step then also
// pays the inter-datacenter gradient exchange of `gradientGB` over a ring of the links
// between them (./exchange.ts: 2(k-1) x max hop (latency + 8G/(k bandwidth))), of which
// `overlap` is hidden behind compute: step = compute step + (1 - overlap) x exchange. A
// `link.latency` spike on a ring link raises the exchange while it lasts (the largest
// extra in force per link; the step time is re-planned at its start and end). A
// `link.cut` on a ring link interrupts the job like a lost participant (cause
// `link.cut`): work since the last durable checkpoint is lost, the job waits (WAIT) until
// the link is repaired at the cut's `untilSec`, then restarts from that checkpoint after
// `restart`. Spares do not route around a cut (kept simple). The datacenters spanned are
// those of the participants, recomputed at each restart (./links.ts).
//
// Left out: per-step jitter, step-level granularity of checkpoints (chunks are fluid in
// time), the partial step in progress at a checkpoint, and routing around a cut link.
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import { HostFlag, HostState } from "../../fleet/state.js";
import { type EffectKey, takesHostsDown } from "../../faults/kind.js";
import type { FaultEvent, FaultListener } from "../../faults/trace.js";
import { type TrainingPolicy, TrainingRecovery } from "../../recovery/training.js";
import type { Sim } from "../../sim/sim.js";
import type { Workload, WorkloadEnv } from "../workload.js";
import { JobLinks } from "./links.js";
import { DEFAULT_GRADIENT_GB, DEFAULT_OVERLAP, type TrainingSpec } from "./schema.js";

/** The fault effects a training job reacts to (src/faults/kind.ts). */
export const TRAINING_CONSUMES: readonly EffectKey[] = ["down:hosts", "slow:host", "link:cut", "link:latency", "corrupt:result"];

interface Checkpoint {
  /** Wall time from which work after it would be redone (end of a sync write; snapshot time of an async one). */
  at: number;
  progress: number;
  /** Taken with no known corruption in the model state. */
  clean: boolean;
  /** The job's downtime total (restart, wait) when it was taken: not counted twice as lost work. */
  downSec: number;
}

const RUN = 0;
const CKPT = 1;
const RESTART = 2;
const WAIT = 3;
const DONE = 4;
type Phase = 0 | 1 | 2 | 3 | 4;

const MAX_CHECKPOINTS = 16;
/** A milestone record every this many checkpoints (and at the first). */
const MILESTONE_EVERY = 24;
const EPS = 1e-9;

export class TrainingJob implements Workload, FaultListener {
  readonly name: string;
  readonly pool0: number;
  readonly poolSize: number;
  readonly spareCount: number;
  private readonly sim: Sim;
  private readonly fleet: Fleet;
  private readonly record: WorkloadEnv["record"];
  /** The policy's decisions for this job. */
  private readonly recovery: TrainingRecovery;
  private readonly active: Uint8Array;
  private readonly excluded: Uint8Array;
  private readonly seenCorrupt: Uint8Array;
  private activeCount = 0;
  /** Pool hosts running slow (factor > 1), by host index. */
  private readonly slow = new Map<number, number>();
  private maxSlow = 1;
  private stepSec: number;
  private readonly detectCost: number;
  private readonly detectDelaySteps: number;
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
  /** Whether the lane tells the job of silent memory escapes as they happen (see memoryCorrupted). */
  private notified: boolean;

  private phase: Phase = WAIT;
  private phaseEnd = 0;
  private lastSettle: number;
  private progress = 0;
  private runSinceCkpt = 0;
  private tickGen = 0;
  private asyncGen = 0;
  private corruptGen = 0;
  private checkpoints: Checkpoint[] = [];
  private pending: Checkpoint | undefined;
  private corruptAt = NaN;
  private culprit = -1;
  private lastScanAt: number;
  private fastRestart = false;
  private intervalSec: number;
  private doneAt = NaN;

  // metrics
  private lostSec = 0;
  /** Seconds spent restarting or waiting (part of lostSec). */
  private downSec = 0;
  private interruptions = 0;
  private readonly byCause = new Map<string, number>();
  private silentEscapes = 0;
  /** Escapes that came from a defective core rather than memory (memory's are counted by the detector). */
  private coreEscapes = 0;
  /** Participants swapped out for running slow (policy drainSlowerThan). */
  private slowDrains = 0;
  private corruptions = 0;
  private rollbacks = 0;
  private drains = 0;
  private checkpointsTaken = 0;
  private stallSec = 0;
  private exchangeSec = 0;

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
    this.notified = env.notifiesSilentCorruption ?? false;
    this.recovery = new TrainingRecovery(policy);
    const spares = this.recovery.spares(spec.hosts);
    this.spareCount = spares;
    this.pool0 = spec.firstHost;
    this.poolSize = spec.hosts + spares;
    if (this.pool0 + this.poolSize > fleet.hostCount) {
      throw new RangeError(
        `training job ${spec.name} needs hosts ${this.pool0}..${this.pool0 + this.poolSize - 1} (${spec.hosts} + ${spares} spares) but the fleet has ${fleet.hostCount} hosts`,
      );
    }
    this.active = new Uint8Array(this.poolSize);
    this.excluded = new Uint8Array(this.poolSize);
    this.seenCorrupt = new Uint8Array(this.poolSize);
    const det = this.recovery.detection;
    this.detectCost = det.costPerStep;
    this.detectDelaySteps = det.delaySteps;
    this.stepSec = spec.stepTimeSec * (1 + this.detectCost);
    this.startAt = sim.now;
    this.lastSettle = sim.now;
    this.lastScanAt = sim.now;
    this.checkpoints.push({ at: sim.now, progress: 0, clean: true, downSec: 0 });
    this.intervalSec = this.computeInterval();
    this.tickKind = sim.defineEvent(`training.${spec.name}.tick`, (_t, gen) => this.tick(gen));
    this.slowKind = sim.defineEvent(`training.${spec.name}.slowEnd`, (host) => this.slowChanged(host));
    this.durableKind = sim.defineEvent(`training.${spec.name}.durable`, (_t, gen) => this.durable(gen));
    this.detectKind = sim.defineEvent(`training.${spec.name}.detect`, (_t, gen) => this.detected(gen));
    this.linkEndKind = sim.defineEvent(`training.${spec.name}.linkEnd`, (link) => this.linkEnd(link));
    this.overlap = spec.overlap ?? DEFAULT_OVERLAP;
    if (!(this.overlap >= 0 && this.overlap <= 1)) throw new RangeError(`training job ${spec.name}: overlap must be in 0..1, got ${this.overlap}`);
    this.links = new JobLinks(fleet, (spec.gradientGB ?? DEFAULT_GRADIENT_GB) * 1e9);
    this.links.checkJoined(spec.name, spec.firstHost, spec.hosts);
    for (let i = 0; i < this.poolSize; i++) {
      const f = fleet.slowdown[this.pool0 + i];
      if (f > 1) this.slow.set(this.pool0 + i, f);
    }
    env.trace.addListener(this);
    this.tryRestart(0);
  }

  /** Hosts taking part now (tests and the dashboard). */
  participants(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.poolSize; i++) if (this.active[i]) out.push(this.pool0 + i);
    return out;
  }

  /** Times of the checkpoints kept (oldest first) and whether each is clean. */
  checkpointTimes(): { at: number; progress: number; clean: boolean }[] {
    return this.checkpoints.map((c) => ({ ...c }));
  }

  /** Compute seconds between checkpoints now in force. */
  get checkpointIntervalSec(): number {
    return this.intervalSec;
  }

  /** The stall each checkpoint costs the job (seconds). */
  get checkpointStallSec(): number {
    return this.recovery.checkpointStallSec(this.spec.checkpointWriteSec);
  }

  /** Largest slowdown among participants now. */
  get slowdown(): number {
    return this.maxSlow;
  }

  /** Datacenters the participants span now (tests and the dashboard). */
  datacenters(): number[] {
    return this.links.datacenters();
  }

  // ---- fault listener ----

  onFault(e: FaultEvent): void {
    if (this.phase === DONE) return;
    const effect = e.kind.effect;
    if (effect.class === "slow" && effect.on === "host") {
      if (this.inPool(e.host)) {
        this.slowChanged(e.host);
        if (e.untilSec < Infinity) this.sim.scheduleAt(Math.max(e.untilSec, this.sim.now), this.slowKind, e.host, 0);
      }
      return;
    }
    if (effect.class === "link" && (effect.on === "cut" || effect.on === "latency")) {
      this.linkFault(e, effect.on);
      return;
    }
    if (effect.class === "corrupt" && effect.on === "result") {
      if (this.inPool(e.host) && this.active[e.host - this.pool0]) this.silentCorruption(e.host, this.sim.now, "core");
      return;
    }
    if (!takesHostsDown(e.kind) || !e.ref) return;
    let lost = 0;
    this.forPoolHosts(e.ref, (h) => {
      const i = h - this.pool0;
      if (this.active[i] && this.fleet.state[h] === HostState.DOWN) {
        this.active[i] = 0;
        this.activeCount--;
        lost++;
      }
    });
    if (lost > 0) this.interrupt(e.kind.name, e.ref.kind === "host");
  }

  onRepair(ref: FleetRef): void {
    if (this.phase !== WAIT) return;
    let mine = false;
    this.forPoolHosts(ref, () => void (mine = true));
    if (mine) this.tryRestart(this.restartDelay());
  }

  /**
   * The memory detector handed `host` silently corrupted data just now. A job whose lane
   * says so (env.notifiesSilentCorruption) learns of each corruption at the time it
   * happens and never scans the participants' CORRUPT flags (an O(hosts) pass).
   */
  memoryCorrupted(host: number): void {
    this.notified = true;
    const i = host - this.pool0;
    if (i < 0 || i >= this.poolSize || !this.active[i] || this.seenCorrupt[i]) return;
    this.seenCorrupt[i] = 1;
    this.silentCorruption(host);
  }

  /**
   * A participant's computation silently corrupted model state at `atSec` (a memory
   * escape, a defective core, or any other source). Outside RUN/CKPT the job computes
   * nothing: ignored.
   */
  silentCorruption(host: number, atSec = this.sim.now, source: "memory" | "core" = "memory"): void {
    if (this.phase !== RUN && this.phase !== CKPT) return;
    this.corruptions++;
    if (this.detectDelaySteps === Infinity) {
      this.silentEscapes++;
      if (source === "core") this.coreEscapes++;
      return;
    }
    if (!Number.isNaN(this.corruptAt)) return; // already corrupt; the first one is what detection finds
    this.corruptAt = atSec;
    this.culprit = host;
    const due = Math.max(this.sim.now, atSec + this.detectDelaySteps * this.stepSec);
    this.sim.scheduleAt(due, this.detectKind, 0, ++this.corruptGen);
  }

  // ---- metrics ----

  metrics(): Record<string, number> {
    this.settle();
    const end = Number.isNaN(this.doneAt) ? this.sim.now : this.doneAt;
    const wall = end - this.startAt;
    const m: Record<string, number> = {
      "training.goodput": wall > 0 ? (Math.floor(this.progress + EPS) * this.spec.stepTimeSec) / wall : 1,
      "training.lostWorkHours": this.lostSec / 3600,
      "training.interruptions": this.interruptions,
      "training.silentEscapes": this.silentEscapes,
      "training.silentEscapesFromCores": this.coreEscapes,
      "training.slowDrains": this.slowDrains,
      "training.corruptions": this.corruptions,
      "training.rollbacks": this.rollbacks,
      "training.drains": this.drains,
      "training.checkpoints": this.checkpointsTaken,
      "training.checkpointStallHours": this.stallSec / 3600,
      "training.stepsDone": Math.floor(this.progress + EPS),
      "training.checkpointIntervalSec": this.intervalSec,
      "training.exchangeHours": this.exchangeSec / 3600,
    };
    if (!Number.isNaN(this.doneAt)) m["training.timeToStepsHours"] = (this.doneAt - this.startAt) / 3600;
    for (const k of [...this.byCause.keys()].sort()) m[`training.interruptions.${k}`] = this.byCause.get(k)!;
    return m;
  }

  // ---- the state machine ----

  /** Folds the time since the last settle into progress (running) or lost work (down). */
  private settle(): void {
    const now = this.sim.now;
    const dt = now - this.lastSettle;
    this.lastSettle = now;
    if (dt <= 0) return;
    if (this.phase === RUN) {
      this.progress += dt / this.stepSec;
      this.runSinceCkpt += dt;
      this.exchangeSec += (dt * this.exposedExchangeSec) / this.stepSec;
      if (this.spec.steps !== undefined && this.progress > this.spec.steps) this.progress = this.spec.steps;
    } else if (this.phase === RESTART || this.phase === WAIT) {
      this.lostSec += dt;
      this.downSec += dt;
    } else if (this.phase === CKPT) {
      this.stallSec += dt;
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
      const sync = !this.recovery.asyncCheckpoints;
      if (sync) this.commit({ at: now, progress: this.progress, clean: this.pending!.clean, downSec: this.downSec });
      this.pending = sync ? undefined : this.pending;
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
    if (!this.notified) this.scanFlags();
    const snap: Checkpoint = { at: now, progress: this.progress, clean: Number.isNaN(this.corruptAt), downSec: this.downSec };
    this.pending = snap;
    this.phase = CKPT;
    this.phaseEnd = now + this.checkpointStallSec;
    this.runSinceCkpt = 0;
    if (this.recovery.asyncCheckpoints) {
      this.sim.scheduleAt(now + this.spec.checkpointWriteSec, this.durableKind, 0, ++this.asyncGen);
    }
  }

  /** After a checkpoint's stall: the drains the policy asks for, growing back a shrunk job. */
  private afterCheckpoint(): void {
    this.phase = RUN;
    this.runSinceCkpt = 0;
    const r = this.recovery;
    const asks = r.drains;
    let drained = 0;
    const drainedIds: string[] = [];
    if (asks.errors) {
      for (let i = 0; i < this.poolSize; i++) {
        const h = this.pool0 + i;
        if (this.active[i] && r.drainsForErrors({ corrected: this.fleet.correctable[h], slowdown: this.slow.get(h) ?? 1 }) && this.idleUp() > 0) {
          this.active[i] = 0;
          this.excluded[i] = 1;
          this.activeCount--;
          drained++;
          drainedIds.push(this.fleet.hostId(this.pool0 + i));
        }
      }
    }
    // Slow participants: only the few hosts in `slow` are looked at, never the whole pool.
    if (asks.slowness) {
      for (const [h, f] of this.slow) {
        const i = h - this.pool0;
        if (i >= 0 && i < this.poolSize && r.drainsForSlowness({ corrected: this.fleet.correctable[h], slowdown: f }) && this.active[i] && this.idleUp() > 0) {
          this.active[i] = 0; // not excluded: usable() takes it back once it runs normally
          this.activeCount--;
          drained++;
          drainedIds.push(this.fleet.hostId(h));
          this.slowDrains++;
        }
      }
    }
    if (drained > 0) {
      this.drains += drained;
      this.record("recovery", this.sim.now, { job: this.spec.name, action: "drain", hosts: drained, targets: drainedIds });
      this.fastRestart = r.drainRestoresFromPeer;
      this.tryRestart(this.restartDelay());
      return;
    }
    if (r.growsBack && this.activeCount < this.spec.hosts && this.idleUp() > 0) {
      this.fillActive(this.spec.hosts);
      this.computeSpan();
      if (this.links.ringCut(this.sim.now)) {
        this.interrupt("link.cut", false);
        return;
      }
      this.refreshStep();
    }
  }

  private commit(c: Checkpoint): void {
    this.checkpoints.push(c);
    if (this.checkpoints.length > MAX_CHECKPOINTS) this.checkpoints.shift();
    this.checkpointsTaken++;
    if (this.checkpointsTaken === 1 || this.checkpointsTaken % MILESTONE_EVERY === 0) {
      this.record("milestone", this.sim.now, {
        job: this.spec.name,
        event: "checkpoint",
        checkpoint: this.checkpointsTaken,
        step: Math.floor(c.progress + EPS),
      });
    }
  }

  private durable(gen: number): void {
    if (gen !== this.asyncGen || !this.pending) return;
    this.commit(this.pending);
    this.pending = undefined;
  }

  /** A participant was lost: restore the newest durable checkpoint and restart (or wait). */
  private interrupt(cause: string, singleHost: boolean): void {
    if (this.phase === DONE) return;
    this.settle();
    const now = this.sim.now;
    if (this.phase === WAIT) return; // already down: the lost host just is not there any more
    this.interruptions++;
    this.byCause.set(cause, (this.byCause.get(cause) ?? 0) + 1);
    let lostSec = 0;
    let from = NaN;
    if (this.phase === RUN || this.phase === CKPT) {
      this.pending = undefined;
      this.asyncGen++;
      const c = this.checkpoints[this.checkpoints.length - 1];
      lostSec = this.restore(c);
      from = c.at;
    }
    this.fastRestart = this.recovery.restoresFromPeer(singleHost);
    this.record("recovery", now, { job: this.spec.name, action: "restart", cause, ...(Number.isNaN(from) ? {} : { restoredFrom: from, lostSec }) });
    this.tryRestart(this.restartDelay());
  }

  /**
   * Rolls back to `c` and drops newer checkpoints; a clean `c` wipes a pending corruption.
   * Returns the work lost: wall time since `c` less the downtime already counted.
   */
  private restore(c: Checkpoint): number {
    const lost = this.sim.now - c.at - (this.downSec - c.downSec);
    this.lostSec += lost;
    this.progress = c.progress;
    this.runSinceCkpt = 0;
    const i = this.checkpoints.indexOf(c);
    this.checkpoints.length = i + 1;
    if (c.clean && !Number.isNaN(this.corruptAt)) {
      this.corruptAt = NaN;
      this.corruptGen++;
    }
    return lost;
  }

  private detected(gen: number): void {
    if (gen !== this.corruptGen || Number.isNaN(this.corruptAt) || this.phase === DONE) return;
    this.settle();
    const now = this.sim.now;
    const phase: Phase = this.phase;
    let c = this.checkpoints[0];
    for (let i = this.checkpoints.length - 1; i >= 0; i--) {
      if (this.checkpoints[i].clean) {
        c = this.checkpoints[i];
        break;
      }
    }
    const corruptedAt = this.corruptAt;
    if (phase === RUN || phase === CKPT) {
      this.pending = undefined;
      this.asyncGen++;
    }
    const lostSec = this.restore(c);
    this.corruptAt = NaN;
    this.rollbacks++;
    // Quarantine the culprit when another host can take its place.
    const ci = this.culprit - this.pool0;
    if (ci >= 0 && ci < this.poolSize && this.active[ci] && this.idleUp() > 0) {
      this.active[ci] = 0;
      this.excluded[ci] = 1;
      this.activeCount--;
    }
    this.record("recovery", now, { job: this.spec.name, action: "rollback", corruptedAt, restoredFrom: c.at, lostSec, host: this.fleet.hostId(this.culprit) });
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
    if (this.activeCount + this.idleUp() < need) {
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    this.fillActive(this.spec.hosts);
    this.computeSpan();
    if (this.links.ringCut(this.sim.now)) {
      // A link between the job's datacenters is cut: wait for its repair (linkEnd).
      this.phase = WAIT;
      this.tickGen++;
      return;
    }
    this.refreshStep();
    this.phase = RESTART;
    this.phaseEnd = this.sim.now + delaySec;
    this.plan();
  }

  /**
   * A pool host the job may take: up, not excluded, and accepted by the policy for its
   * speed now (a host swapped out for slowness comes back when it runs normally).
   */
  private usable(i: number): boolean {
    const h = this.pool0 + i;
    if (this.excluded[i] || this.fleet.state[h] !== HostState.UP) return false;
    return this.recovery.accepts(this.slow.get(h) ?? 1);
  }

  /** Up, usable pool hosts not taking part. O(pool): called on restarts and checkpoints only. */
  private idleUp(): number {
    let n = 0;
    for (let i = 0; i < this.poolSize; i++) if (!this.active[i] && this.usable(i)) n++;
    return n;
  }

  /** Takes the hosts the policy picks until `target` take part. */
  private fillActive(target: number): void {
    const picked = this.recovery.pickRestartHosts(
      this.poolSize,
      this.activeCount,
      target,
      (i) => this.usable(i),
      (i) => this.active[i] === 1,
    );
    for (const i of picked) {
      this.active[i] = 1;
      this.activeCount++;
    }
  }

  private slowChanged(host: number): void {
    const f = this.fleet.slowdown[host];
    if (f > 1) this.slow.set(host, f);
    else this.slow.delete(host);
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
    let m = 1;
    for (const [h, f] of this.slow) if (f > m && this.active[h - this.pool0]) m = f;
    this.maxSlow = m;
    const shrink = this.activeCount > 0 && this.activeCount < this.spec.hosts ? this.spec.hosts / this.activeCount : 1;
    this.exposedExchangeSec = (1 - this.overlap) * this.links.exchangePerStep(this.sim.now);
    this.stepSec = this.spec.stepTimeSec * m * shrink * (1 + this.detectCost) + this.exposedExchangeSec;
    if (this.recovery.adaptive) this.intervalSec = this.computeInterval();
  }

  /** Participants flagged CORRUPT by the memory detector since the last scan (O(pool), at checkpoints only). */
  private scanFlags(): void {
    const since = this.lastScanAt;
    this.lastScanAt = this.sim.now;
    for (let i = 0; i < this.poolSize; i++) {
      const h = this.pool0 + i;
      if (this.active[i] && !this.seenCorrupt[i] && this.fleet.flags[h] & HostFlag.CORRUPT) {
        this.seenCorrupt[i] = 1;
        this.silentCorruption(h, since);
      }
    }
  }

  private computeInterval(): number {
    return this.recovery.checkpointIntervalSec({
      stallSec: this.checkpointStallSec,
      accelerators: this.fleet.hostSpec(this.pool0).accelerators,
      hosts: this.spec.hosts,
      seenSec: this.sim.now - this.startAt,
      interruptions: this.interruptions,
    });
  }

  // ---- datacenters and links ----

  /** Datacenters of the participants and the ring over them (O(pool): at restarts only). */
  private computeSpan(): void {
    const hosts: number[] = [];
    for (let i = 0; i < this.poolSize; i++) if (this.active[i]) hosts.push(this.pool0 + i);
    this.links.span(hosts);
  }

  private linkFault(e: FaultEvent, on: "cut" | "latency"): void {
    const ref = e.ref;
    if (!ref || ref.kind !== "link" || !this.links.has(ref.index)) return;
    const l = ref.index;
    const now = this.sim.now;
    if (e.untilSec > now && e.untilSec < Infinity) this.sim.scheduleAt(e.untilSec, this.linkEndKind, l, 0);
    const used = this.links.uses(l);
    if (on === "cut") {
      this.links.cut(l, e.untilSec);
      if (used && e.untilSec > now) this.interrupt("link.cut", false);
      return;
    }
    const extra = Number(e.detail.extraSec ?? 0);
    if (!(extra > 0) || !(e.untilSec > now)) return;
    this.links.spike(l, extra, e.untilSec);
    if (used) this.stepChanged();
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

  private inPool(h: number): boolean {
    return h >= this.pool0 && h < this.pool0 + this.poolSize;
  }

  private forPoolHosts(ref: FleetRef, fn: (h: number) => void): void {
    const lo = this.pool0;
    const hi = this.pool0 + this.poolSize;
    this.fleet.forEachHostRange(ref, (s, e) => {
      const a = Math.max(s, lo);
      const b = Math.min(e, hi);
      for (let h = a; h < b; h++) fn(h);
    });
  }
}
