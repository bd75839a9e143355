// The hosts a training job may run on: its block and its hot spares after it. The pool
// knows which take part now, which are excluded (drained for corrected errors, or
// quarantined after a corruption), which run slow, and which the job may take: up, not
// excluded, and accepted by the policy for their speed (src/recovery/training.ts).
//
// A host runs slow for itself (fleet.slowdown: a straggler episode, throttling) or for its
// network: on a wonky rack losing a fraction p of its packets (fleet.rackLoss) each
// message of its gradient exchange fails a try (request or reply lost) with probability
// q = 1 - (1 - p)^2 and needs 1 / (1 - q) = 1 / (1 - p)^2 tries on average, so its steps
// take that many times longer: 4x at Dean's 50% (LADIS 2009). Our model, charged to the
// whole step as if the job were bound by communication; it leaves out retransmission
// timeouts, which make a lossy exchange slower still, so it is a lower bound. A policy
// that drains slow hosts (drainSlowerThan) drains such a participant like a straggler.
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import { HostState } from "../../fleet/state.js";
import type { TrainingRecovery } from "../../recovery/training.js";

/** How many times longer a step takes behind a rack losing a fraction `loss` of its packets (see above). */
export function lossSlowdown(loss: number): number {
  return loss > 0 ? 1 / ((1 - Math.min(loss, 0.99)) * (1 - Math.min(loss, 0.99))) : 1;
}

export class JobPool {
  /** 1 for a pool host taking part now (index host - first). */
  readonly active: Uint8Array;
  /** 1 for a pool host the job will not take again. */
  readonly excluded: Uint8Array;
  /** 1 for a pool host whose silent memory corruption the job has already seen. */
  readonly seenCorrupt: Uint8Array;
  activeCount = 0;
  /** Pool hosts running slow (factor > 1), by host index: a small map, never a scan. */
  readonly slow = new Map<number, number>();

  constructor(
    private readonly fleet: Fleet,
    /** First host of the pool. */
    readonly first: number,
    readonly size: number,
    private readonly recovery: TrainingRecovery,
  ) {
    this.active = new Uint8Array(size);
    this.excluded = new Uint8Array(size);
    this.seenCorrupt = new Uint8Array(size);
    for (let i = 0; i < size; i++) this.slowChanged(first + i);
  }

  has(h: number): boolean {
    return h >= this.first && h < this.first + this.size;
  }

  isActive(h: number): boolean {
    return this.has(h) && this.active[h - this.first] === 1;
  }

  /** Hosts taking part now, ascending. */
  participants(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.active[i]) out.push(this.first + i);
    return out;
  }

  /** Host `h` no longer takes part; `exclude`: nor will it again. */
  drop(h: number, exclude: boolean): void {
    const i = h - this.first;
    this.active[i] = 0;
    if (exclude) this.excluded[i] = 1;
    this.activeCount--;
  }

  /**
   * A pool host the job may take: up, not excluded, and accepted by the policy for its
   * speed now (a host swapped out for slowness comes back when it runs normally).
   */
  usable(i: number): boolean {
    const h = this.first + i;
    if (this.excluded[i] || this.fleet.state[h] !== HostState.UP) return false;
    return this.recovery.accepts(this.slow.get(h) ?? 1);
  }

  /** Up, usable pool hosts not taking part. O(pool): called on restarts and checkpoints only. */
  idleUp(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (!this.active[i] && this.usable(i)) n++;
    return n;
  }

  /** Takes the hosts the policy picks until `target` take part. */
  fill(target: number): void {
    const picked = this.recovery.pickRestartHosts(
      this.size,
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

  /** Updates host `h`'s entry in the slow map from the fleet: its own slowdown and its rack's packet loss. */
  slowChanged(h: number): void {
    const f = Math.max(this.fleet.slowdown[h], lossSlowdown(this.fleet.rackLoss[this.fleet.rackOf[h]]));
    if (f > 1) this.slow.set(h, f);
    else this.slow.delete(h);
  }

  /** Largest slowdown among the participants (1: none slow). */
  maxActiveSlowdown(): number {
    let m = 1;
    for (const [h, f] of this.slow) if (f > m && this.active[h - this.first]) m = f;
    return m;
  }

  /** Calls `fn` for each pool host of `ref`. */
  forHostsOf(ref: FleetRef, fn: (h: number) => void): void {
    const lo = this.first;
    const hi = this.first + this.size;
    this.fleet.forEachHostRange(ref, (s, e) => {
      const a = Math.max(s, lo);
      const b = Math.min(e, hi);
      for (let h = a; h < b; h++) fn(h);
    });
  }

  /**
   * After a checkpoint: the participants the policy swaps out while another host can take
   * their place, first for corrected errors (excluded for good), then for running slow
   * (back once they run normally; only the few hosts in the slow map are looked at).
   * Returns the hosts drained, in that order, and how many for slowness.
   */
  drain(recovery: TrainingRecovery): { hosts: number[]; slow: number } {
    const asks = recovery.drains;
    const hosts: number[] = [];
    let slow = 0;
    if (asks.errors) {
      for (let i = 0; i < this.size; i++) {
        const h = this.first + i;
        if (this.active[i] && recovery.drainsForErrors({ corrected: this.fleet.correctable[h], slowdown: this.slow.get(h) ?? 1 }) && this.idleUp() > 0) {
          this.drop(h, true);
          hosts.push(h);
        }
      }
    }
    if (asks.slowness) {
      for (const [h, f] of this.slow) {
        if (this.has(h) && recovery.drainsForSlowness({ corrected: this.fleet.correctable[h], slowdown: f }) && this.isActive(h) && this.idleUp() > 0) {
          this.drop(h, false);
          hosts.push(h);
          slow++;
        }
      }
    }
    return { hosts, slow };
  }
}
