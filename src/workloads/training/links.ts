// The inter-datacenter links a training job's gradient exchange runs over, as the job
// sees them: which are cut (until when), which carry a latency spike (how much, until
// when), the datacenters the participants span and the ring of links between them, and
// the exchange time per step that results (./exchange.ts). The job (./job.ts) feeds it
// the link faults and asks it whether the ring is whole and what a step's exchange costs.
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
// those of the participants, recomputed at each restart.
import { dropEnded, largestInForce } from "../../faults/episodes.js";
import type { FaultEvent } from "../../faults/trace.js";
import type { Fleet } from "../../fleet/fleet.js";
import { type ExchangeHop, ringAllReduceSec, ringLinks } from "./exchange.js";

export class JobLinks {
  /** Per fleet link: when its cuts in force end (0: not cut). */
  private readonly cutUntil: Float64Array;
  /** Per fleet link: latency spikes as flat [extraSec, untilSec, ...]. */
  private readonly spikes: number[][];
  /** Datacenters the participants span (at the last restart) and the links of their ring (-1: none). */
  private spanDcs: number[] = [];
  private ring: number[] = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly gradientBytes: number,
  ) {
    this.cutUntil = new Float64Array(fleet.linkCount);
    this.spikes = fleet.links.map(() => []);
  }

  /** Throws a RangeError when the datacenters of hosts [first, first + hosts) are not joined by links. */
  checkJoined(jobName: string, firstHost: number, hosts: number): void {
    const nominal: number[] = [];
    for (let d = this.fleet.dcOfHost(firstHost); d <= this.fleet.dcOfHost(firstHost + hosts - 1); d++) nominal.push(d);
    const missing = ringLinks(nominal, (a, b) => this.linkIndexBetween(a, b)).indexOf(-1);
    if (missing >= 0) {
      const a = nominal[missing];
      const b = nominal[(missing + 1) % nominal.length];
      throw new RangeError(`training job ${jobName} spans datacenters ${this.fleet.dcId(a)} and ${this.fleet.dcId(b)} but no link joins them`);
    }
  }

  private linkIndexBetween(a: number, b: number): number {
    const l = this.fleet.linkBetween(a, b);
    return l ? this.fleet.links.indexOf(l) : -1;
  }

  /** Sets the datacenters the participants span, ascending (at restarts). */
  span(dcs: number[]): void {
    this.spanDcs = dcs;
    this.ring = ringLinks(dcs, (a, b) => this.linkIndexBetween(a, b));
  }

  /** Datacenters the participants span now. */
  datacenters(): number[] {
    return [...this.spanDcs];
  }

  /** Whether the job's ring uses link `l`. */
  uses(l: number): boolean {
    return this.ring.includes(l);
  }

  /** A ring link is cut now (or missing). */
  ringCut(now: number): boolean {
    for (const l of this.ring) if (l < 0 || this.cutUntil[l] > now) return true;
    return false;
  }

  /** Whether link `l` is cut at `now`. */
  isCut(l: number, now: number): boolean {
    return this.cutUntil[l] > now;
  }

  /** Whether `l` is a link of the fleet. */
  has(l: number): boolean {
    return l >= 0 && l < this.cutUntil.length;
  }

  /** A cut of link `l` until `untilSec`. */
  cut(l: number, untilSec: number): void {
    if (untilSec > this.cutUntil[l]) this.cutUntil[l] = untilSec;
  }

  /** A latency spike of `extraSec` on link `l` until `untilSec`. */
  spike(l: number, extraSec: number, untilSec: number): void {
    this.spikes[l].push(extraSec, untilSec);
  }

  /** Drops the spikes of link `l` that have ended by `now`. */
  prune(l: number, now: number): void {
    dropEnded(this.spikes[l], now);
  }

  /** Seconds of one inter-datacenter exchange with the latency spikes in force at `now`. */
  exchangePerStep(now: number): number {
    const k = this.spanDcs.length;
    if (k <= 1) return 0;
    const hops: ExchangeHop[] = [];
    for (const l of this.ring) {
      if (l < 0) continue;
      const link = this.fleet.links[l];
      const extra = largestInForce(this.spikes[l], 0, now);
      hops.push({ latencySec: link.latencySec, bandwidthBitsPerSec: link.bandwidthBitsPerSec, extraLatencySec: extra });
    }
    return hops.length > 0 ? ringAllReduceSec(k, this.gradientBytes, hops) : 0;
  }

  /**
   * A link fault on the fleet: records the cut or the spike and says what the job must do
   * now (interrupt: a cut of a ring link; replan: a spike on one) and when to look again.
   */
  apply(e: FaultEvent, on: "cut" | "latency", now: number): { link: number; endsAt?: number; then?: "interrupt" | "replan" } {
    const ref = e.ref;
    if (!ref || ref.kind !== "link" || !this.has(ref.index)) return { link: -1 };
    const l = ref.index;
    const endsAt = e.untilSec > now && e.untilSec < Infinity ? e.untilSec : undefined;
    const used = this.uses(l);
    if (on === "cut") {
      this.cut(l, e.untilSec);
      return { link: l, endsAt, then: used && e.untilSec > now ? "interrupt" : undefined };
    }
    const extra = Number(e.detail.extraSec ?? 0);
    if (!(extra > 0) || !(e.untilSec > now)) return { link: l, endsAt };
    this.spike(l, extra, e.untilSec);
    return { link: l, endsAt, then: used ? "replan" : undefined };
  }
}
