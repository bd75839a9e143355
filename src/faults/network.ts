// Network faults on the links between datacenters (`fleet.links`): cuts and latency
// spikes. A fleet with one datacenter has no links, and then this injector does nothing.
//
// Model. Every link is cut as a Poisson process of rate 1 / `mtbf` and has a latency
// spike as another of rate 1 / `latencyMtbf`; each is superposed over all links and each
// event picks its link uniformly.
//   link.cut:     the link carries nothing for `repair` (a `correlated` record with
//                 `untilSec`; hosts stay up).
//   link.latency: the link's latency rises by `latency` (added to its base latency) for
//                 `latencyFor` (a `correlated` record with the extra in `detail.extraSec`).
// Links have no state in the fleet: the workload and network layers read the records
// (listeners) and apply them. Overlapping events on one link are all recorded; a reader
// takes the link as cut while any cut is in force and adds the largest extra in force.
//
// Defaults and sources. Dean, "Designs, Lessons and Advice from Building Large
// Distributed Systems", LADIS 2009 keynote, counts per cluster-year "~8 network
// maintenances (4 might cause ~30-minute random connectivity losses)" and "~3 router
// failures (have to immediately pull traffic for an hour)", but nothing per
// inter-datacenter link. So:
//   mtbf 180d, repair 6h: our own engineering choices (a long-haul path lost about twice
//     a year, back after a fibre repair or a reroute of some hours).
//   latencyMtbf 7d, latency 50ms, latencyFor 30m: our own choices; the 30 minutes are
//     borrowed from Dean's maintenance-induced connectivity losses.
// Set them from your WAN's history.
//
// Left out: partial loss and bandwidth reduction on a link, cuts that take several links
// at once (a shared fibre conduit), failures inside a datacenter's network (rack.wonky
// stands for the rack level), and routing around a cut (the workload layer's business).
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { duration, map, maybe, object, opt } from "../base/schema.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";
import { mtbfOrOff } from "./host.js";

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

export interface LinkSettings {
  /** Mean time between cuts of one link, seconds (Infinity: off). */
  mtbfSec: number;
  /** How long a cut lasts, seconds. */
  repairSec: number;
  /** Mean time between latency spikes of one link, seconds (Infinity: off). */
  latencyMtbfSec: number;
  /** Latency added during a spike, seconds. */
  extraLatencySec: number;
  /** How long a spike lasts, seconds. */
  latencySec: number;
}

const schema = map(
  object({
    mtbf: opt(mtbfOrOff, 180 * DAY, "mean time between cuts of one link (180d, our choice; `off` to disable)"),
    repair: opt(duration({ positive: true }), 6 * HOUR, "how long a cut lasts (6h, our choice)"),
    latencyMtbf: opt(mtbfOrOff, 7 * DAY, "mean time between latency spikes of one link (7d, our choice; `off` to disable)"),
    latency: opt(duration({ positive: true }), 0.05, "latency added during a spike (50ms, our choice)"),
    latencyFor: opt(duration({ positive: true }), 30 * MINUTE, "how long a spike lasts (30m, after Dean 2009)"),
  }),
  (s): LinkSettings => ({
    mtbfSec: s.mtbf,
    repairSec: s.repair,
    latencyMtbfSec: s.latencyMtbf,
    extraLatencySec: s.latency,
    latencySec: s.latencyFor,
  }),
);

function cutLink(env: FaultEnv, link: number, repairSec: number, cause: string): void {
  const ref: FleetRef = { kind: "link", index: link };
  env.trace.emit(LINK_CUT, ref, { untilSec: env.sim.now + repairSec, detail: { cause } });
}

function slowLink(env: FaultEnv, link: number, extraSec: number, forSec: number, cause: string): void {
  const ref: FleetRef = { kind: "link", index: link };
  env.trace.emit(LINK_LATENCY, ref, { untilSec: env.sim.now + forSec, detail: { extraSec, cause } });
}

class LinkInjector implements Injector {
  readonly name = "link";
  private env!: FaultEnv;
  private cutKind = 0;
  private latencyKind = 0;

  constructor(private readonly s: LinkSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    if (env.fleet.linkCount === 0) return;
    this.cutKind = env.sim.defineEvent("link.cut", () => this.cut());
    this.latencyKind = env.sim.defineEvent("link.latency", () => this.spike());
    this.next(this.cutKind, this.s.mtbfSec);
    this.next(this.latencyKind, this.s.latencyMtbfSec);
  }

  expected(fleet: Fleet, horizonSec: number): { "link.cut": number; "link.latency": number } {
    return {
      "link.cut": (fleet.linkCount * horizonSec) / this.s.mtbfSec,
      "link.latency": (fleet.linkCount * horizonSec) / this.s.latencyMtbfSec,
    };
  }

  private cut(): void {
    cutLink(this.env, this.env.rng.int(this.env.fleet.linkCount), this.s.repairSec, "cut");
    this.next(this.cutKind, this.s.mtbfSec);
  }

  private spike(): void {
    slowLink(this.env, this.env.rng.int(this.env.fleet.linkCount), this.s.extraLatencySec, this.s.latencySec, "spike");
    this.next(this.latencyKind, this.s.latencyMtbfSec);
  }

  private next(kind: number, mtbfSec: number): void {
    if (mtbfSec === Infinity) return;
    const { sim, rng, fleet, horizonSec } = this.env;
    const dt = rng.exp(mtbfSec / fleet.linkCount);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, kind, 0, 0);
  }
}

/** An inter-datacenter link is cut until repaired. */
export const LINK_CUT = defineKind("link.cut", {
  code: 15,
  summary: "an inter-datacenter link is cut until repaired",
  effect: { class: "link", on: "cut" },
  correlated: true,
  episode: "repair",
  fields: { cause: "cut, or incident" },
});
/** An inter-datacenter link's latency spikes for a while. */
export const LINK_LATENCY = defineKind("link.latency", {
  code: 16,
  summary: "an inter-datacenter link's latency spikes for a while",
  effect: { class: "link", on: "latency" },
  correlated: true,
  episode: "duration",
  fields: { extraSec: "latency added, seconds", cause: "spike, or incident" },
});

export const linkModel: FaultModel<LinkSettings> = {
  kind: "link",
  kinds: [LINK_CUT, LINK_LATENCY],
  summary: "inter-datacenter link cuts and latency spikes",
  schema,
  create: (s) => new LinkInjector(s),
  incident: {
    // `- at: 5h, link: link/dc1-dc2, repair: 2h`                 the link is cut
    // `- at: 5h, link: link/dc1-dc2, latency: 80ms, duration: 30m` its latency rises
    targets: ["link"],
    kindOf: (params) => (params.latency !== undefined ? LINK_LATENCY : LINK_CUT),
    params: {
      repair: opt(duration({ positive: true }), 6 * HOUR, "how long the cut lasts (6h; ignored with latency)"),
      latency: maybe(duration({ positive: true }), "extra latency: a spike instead of a cut (e.g. 80ms)"),
      duration: opt(duration({ positive: true }), 30 * MINUTE, "how long the spike lasts (30m; only with latency)"),
    },
    fire(env, ref, params) {
      if (params.latency !== undefined) slowLink(env, ref.index, params.latency as number, params.duration as number, "incident");
      else cutLink(env, ref.index, params.repair as number, "incident");
    },
    asScheduled: (e, ctx) => {
      if (!e.ref) return undefined;
      const target = ctx.fleet.idOf(e.ref);
      if (e.kind === LINK_LATENCY) return { target, params: { latency: e.detail.extraSec, duration: episodeSec(e, ctx) } };
      return { target, params: { repair: episodeSec(e, ctx) } };
    },
  },
};
