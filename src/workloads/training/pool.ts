// The hosts a training job may run on, in the order it takes them: its own block first
// (its hosts, then its backup workers' when the policy runs some), then its hot spares
// (the block after it), then every other idle host of its pool (its
// datacenter by default, the spec's `pool`) that no other exclusive workload runs on. A
// job restarts on any healthy idle hosts of its pool, as a cluster scheduler would place
// it: hot spares are only the faster path (they are provisioned and waiting; a cold host
// costs the spec's `coldStart` on top of the restart). The pool knows which hosts take
// part now, which are excluded (drained for corrected errors, or quarantined after a
// corruption), which run slow, and which the job may take: up, not excluded, and accepted
// by the policy for their speed (src/recovery/training.ts), and not under a power warning
// the job is migrating away from (./power-warnings.ts). A policy that waits for repair
// never takes another host: its pool is its block.
//
// A host runs slow for itself (fleet.slowdown: a straggler episode, throttling) or for its
// network: on a wonky rack losing a fraction p of its packets (fleet.rackLoss) each
// message of its gradient exchange fails a try (request or reply lost) with probability
// q = 1 - (1 - p)^2 and needs 1 / (1 - q) = 1 / (1 - p)^2 tries on average, so its steps
// take that many times longer: 4x at Dean's 50% (LADIS 2009). Our model, charged to the
// whole step as if the job were bound by communication; it leaves out retransmission
// timeouts, which make a lossy exchange slower still, so it is a lower bound. A policy
// that drains slow hosts (drainSlowerThan) drains such a participant like a straggler.
// With backup workers a step waits for all but the b slowest participants: the (b+1)-th
// largest slowdown (activeSlowdownRank), found among the few hosts of the slow map
// (everyone else runs at 1).
import type { Fleet } from "../../fleet/fleet.js";
import type { FleetRef } from "../../fleet/ref.js";
import { HostState } from "../../fleet/state.js";
import type { HostRange } from "../../recovery/placement.js";
import type { TrainingRecovery } from "../../recovery/training.js";
import type { TrainingSpec } from "./schema.js";

/** How many times longer a step takes behind a rack losing a fraction `loss` of its packets (see above). */
export function lossSlowdown(loss: number): number {
  return loss > 0 ? 1 / ((1 - Math.min(loss, 0.99)) * (1 - Math.min(loss, 0.99))) : 1;
}

/** The hosts a job's spec lets it take besides its block and spares (undefined: none). */
export function eligibleHosts(spec: Pick<TrainingSpec, "pool" | "firstHost">, fleet: { hostCount: number; dcs: readonly HostRange[] }): HostRange | undefined {
  if (spec.pool === "block") return undefined;
  if (spec.pool === "fleet") return { start: 0, end: fleet.hostCount };
  return fleet.dcs.find((d) => spec.firstHost >= d.start && spec.firstHost < d.end);
}

/** Where a pool host comes from: the job's block, its hot spares, or the rest of the pool. */
export const BLOCK = 0;
export const SPARE = 1;
export const COLD = 2;

export interface PoolLayout {
  /** The job's own hosts, [start, end). */
  block: HostRange;
  /** Hot spares after the block. */
  spares: number;
  /** The hosts it may also take, cold (its datacenter, the fleet, or none), before removing `reserved`. */
  eligible: HostRange | undefined;
  /** Hosts other exclusive workloads run on. */
  reserved: readonly HostRange[];
}

export class JobPool {
  /** Pool hosts in the order the job takes them (position -> host). */
  readonly hosts: Int32Array;
  /** BLOCK, SPARE or COLD per position. */
  readonly origin: Uint8Array;
  /** Position of each fleet host in the pool, -1 when not in it. */
  private readonly posOf: Int32Array;
  /** 1 for a position taking part now. */
  readonly active: Uint8Array;
  /** 1 for a position the job will not take again. */
  readonly excluded: Uint8Array;
  /** 1 for a position whose silent memory corruption the job has already seen. */
  readonly seenCorrupt: Uint8Array;
  /** Per position, the power warnings (migrate) it sits under: not taken until they trip. */
  private readonly warned: Uint8Array;
  private warnedPositions = 0;
  activeCount = 0;
  /** Pool hosts running slow (factor > 1), by host index: a small map, never a scan. */
  readonly slow = new Map<number, number>();
  /** The first host of the job's block. */
  readonly first: number;
  readonly size: number;

  /**
   * The pool of a job: its block (its hosts and the policy's backup workers), `spares` after
   * it, and its spec's pool less `reserved` (none under wait-for-repair).
   */
  static forJob(fleet: Fleet, spec: TrainingSpec, spares: number, reserved: readonly HostRange[], recovery: TrainingRecovery): JobPool {
    const dcs = Array.from({ length: fleet.dcCount }, (_, d) => fleet.hostsOfDc(d));
    const block = { start: spec.firstHost, end: spec.firstHost + spec.hosts + recovery.backups(spec.hosts) };
    const eligible = recovery.takesOtherHosts ? eligibleHosts(spec, { hostCount: fleet.hostCount, dcs }) : undefined;
    return new JobPool(fleet, { block, spares, eligible, reserved }, recovery);
  }

  constructor(
    private readonly fleet: Fleet,
    layout: PoolLayout,
    private readonly recovery: TrainingRecovery,
  ) {
    const { block, spares } = layout;
    this.first = block.start;
    const hosts: number[] = [];
    const origin: number[] = [];
    for (let h = block.start; h < block.end; h++) hosts.push(h), origin.push(BLOCK);
    for (let h = block.end; h < block.end + spares; h++) hosts.push(h), origin.push(SPARE);
    const own = { start: block.start, end: block.end + spares };
    const e = layout.eligible;
    if (e && e.end > e.start) {
      // Cold hosts from just after the spares, wrapping around the eligible range.
      const span = e.end - e.start;
      const from = Math.min(Math.max(own.end, e.start), e.end);
      for (let k = 0; k < span; k++) {
        const h = from + k < e.end ? from + k : from + k - span;
        if (h >= own.start && h < own.end) continue;
        if (layout.reserved.some((r) => h >= r.start && h < r.end)) continue;
        hosts.push(h);
        origin.push(COLD);
      }
    }
    this.hosts = Int32Array.from(hosts);
    this.origin = Uint8Array.from(origin);
    this.size = hosts.length;
    this.posOf = new Int32Array(fleet.hostCount).fill(-1);
    for (let i = 0; i < this.size; i++) this.posOf[this.hosts[i]] = i;
    this.active = new Uint8Array(this.size);
    this.excluded = new Uint8Array(this.size);
    this.seenCorrupt = new Uint8Array(this.size);
    this.warned = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) this.slowChanged(this.hosts[i]);
  }

  /** Position of host `h` in the pool, -1 when not in it. */
  pos(h: number): number {
    return h >= 0 && h < this.posOf.length ? this.posOf[h] : -1;
  }

  has(h: number): boolean {
    return this.pos(h) >= 0;
  }

  isActive(h: number): boolean {
    const i = this.pos(h);
    return i >= 0 && this.active[i] === 1;
  }

  /**
   * The datacenters of the hosts taking part now, ascending (datacenters are contiguous in
   * host order, so this is their order along the hosts). O(pool), no sort: at restarts.
   */
  activeDatacenters(): number[] {
    const fleet = this.fleet;
    if (fleet.dcCount === 1) return this.activeCount > 0 ? [0] : [];
    const seen = new Uint8Array(fleet.dcCount);
    for (let i = 0; i < this.size; i++) if (this.active[i]) seen[fleet.dcOfHost(this.hosts[i])] = 1;
    const out: number[] = [];
    for (let d = 0; d < seen.length; d++) if (seen[d]) out.push(d);
    return out;
  }

  /** Hosts taking part now, ascending. */
  participants(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.active[i]) out.push(this.hosts[i]);
    return out.sort((a, b) => a - b);
  }

  /** Host `h` no longer takes part; `exclude`: nor will it again. */
  drop(h: number, exclude: boolean): void {
    const i = this.posOf[h];
    this.active[i] = 0;
    if (exclude) this.excluded[i] = 1;
    this.activeCount--;
  }

  /**
   * A pool host the job may take: up, not excluded, and accepted by the policy for its
   * speed now (a host swapped out for slowness comes back when it runs normally).
   */
  usable(i: number): boolean {
    const h = this.hosts[i];
    if (this.excluded[i] || this.warned[i] || this.fleet.state[h] !== HostState.UP) return false;
    return this.recovery.accepts(this.slow.get(h) ?? 1);
  }

  /** Whether at least `k` usable pool hosts are idle (stops counting there). */
  hasIdle(k: number): boolean {
    if (k <= 0) return true;
    let n = 0;
    for (let i = 0; i < this.size; i++) if (!this.active[i] && this.usable(i) && ++n >= k) return true;
    return false;
  }

  /** Takes the hosts the policy picks until `target` take part; returns how many of them are cold. */
  fill(target: number): number {
    const picked = this.recovery.pickRestartHosts(
      this.size,
      this.activeCount,
      target,
      (i) => this.usable(i),
      (i) => this.active[i] === 1,
    );
    let cold = 0;
    for (const i of picked) {
      this.active[i] = 1;
      this.activeCount++;
      if (this.origin[i] === COLD) cold++;
    }
    return cold;
  }

  /** Updates host `h`'s entry in the slow map from the fleet: its own slowdown and its rack's packet loss. */
  slowChanged(h: number): void {
    const f = Math.max(this.fleet.slowdown[h], lossSlowdown(this.fleet.rackLoss[this.fleet.rackOf[h]]));
    if (f > 1) this.slow.set(h, f);
    else this.slow.delete(h);
  }

  /**
   * The (k+1)-th largest slowdown among the participants: k = 0 the largest, 1 when at
   * most k of them run slow. Sorts only the slow participants (the slow map is small).
   */
  activeSlowdownRank(k: number): number {
    if (k === 0) {
      let m = 1;
      for (const [h, f] of this.slow) if (f > m && this.isActive(h)) m = f;
      return m;
    }
    const slow: number[] = [];
    for (const [h, f] of this.slow) if (this.isActive(h)) slow.push(f);
    if (slow.length <= k) return 1;
    return slow.sort((a, b) => b - a)[k];
  }

  /** Calls `fn` for each pool host of `ref`. */
  forHostsOf(ref: FleetRef, fn: (h: number) => void): void {
    this.fleet.forEachHostRange(ref, (s, e) => {
      for (let h = s; h < e; h++) if (this.posOf[h] >= 0) fn(h);
    });
  }

  /** Participants under `ref`. */
  activeUnder(ref: FleetRef): number {
    let n = 0;
    this.forHostsOf(ref, (h) => void (n += this.active[this.posOf[h]]));
    return n;
  }

  /** Marks (+1) or unmarks (-1) the pool hosts under `ref` as under a power warning the job keeps clear of. */
  warn(ref: FleetRef, delta: 1 | -1): void {
    this.forHostsOf(ref, (h) => {
      const i = this.posOf[h];
      if (delta > 0 && this.warned[i]++ === 0) this.warnedPositions++;
      else if (delta < 0 && this.warned[i] > 0 && --this.warned[i] === 0) this.warnedPositions--;
    });
  }

  /** Drops the participants under a power warning when idle hosts can take all their places; returns them. */
  dropWarned(): number[] {
    if (this.warnedPositions === 0) return [];
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.active[i] && this.warned[i]) out.push(this.hosts[i]);
    if (!this.hasIdle(out.length)) return [];
    for (const h of out) this.drop(h, false);
    return out;
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
        const h = this.hosts[i];
        if (this.active[i] && recovery.drainsForErrors({ corrected: this.fleet.correctable[h], slowdown: this.slow.get(h) ?? 1 }) && this.hasIdle(1)) {
          this.drop(h, true);
          hosts.push(h);
        }
      }
    }
    if (asks.slowness) {
      for (const [h, f] of this.slow) {
        if (this.has(h) && recovery.drainsForSlowness({ corrected: this.fleet.correctable[h], slowdown: f }) && this.isActive(h) && this.hasIdle(1)) {
          this.drop(h, false);
          hosts.push(h);
          slow++;
        }
      }
    }
    return { hosts, slow };
  }
}
