// Rack faults: a whole rack disappears (top-of-rack switch, rack power strip), or a rack
// goes "wonky" and drops a large share of its packets while its hosts stay up.
//
// Model. Every rack fails as a Poisson process of rate 1 / `mtbf` and goes wonky as
// another of rate 1 / `wonkyMtbf`; each is superposed over all racks (rate racks / mtbf)
// and each event picks its rack uniformly, so an event costs O(hosts of the rack).
//   rack.fail:  every host of the rack goes down through `trace.down` and comes back
//               after a repair time drawn uniformly from `repair` (a range like 1h..6h,
//               or one duration); a host also down from another fault comes back only
//               when both are repaired.
//   rack.wonky: a `correlated` record with the packet `loss` fraction, lasting
//               `wonkyFor`; hosts stay up, and the rack's loss in force is kept in
//               fleet.rackLoss (trace.packetLoss: the largest of overlapping episodes).
//               Services see their leaf answers from its hosts lost and resent
//               (src/workloads/serving/window.ts); a training job's participants there run
//               their steps slower (src/workloads/training/pool.ts).
// A rack may fail or go wonky again while still failed or wonky; the injector never reads
// host state, so the trace does not depend on any policy.
//
// Defaults and sources. Dean, "Designs, Lessons and Advice from Building Large
// Distributed Systems", LADIS 2009 keynote, "typical first year for a new cluster":
// "~20 rack failures (40-80 machines instantly disappear, 1-6 hours to get back)" and
// "~5 racks go wonky (40-80 machines see 50% packetloss)". The slide does not give the
// cluster's size; we assume ~1,800 machines (as host.ts does), about 40 racks of 40-80
// machines, so:
//   mtbf 2y: 20 failures / 40 racks = 0.5 per rack-year.
//   repair 1h..6h: Dean's range, uniform over it (the shape of the spread is our choice).
//   wonkyMtbf 8y: 5 wonky racks / 40 racks = 0.125 per rack-year.
//   loss 50%: Dean's figure.
//   wonkyFor 4h: our own engineering choice (Dean gives no duration: until someone
//     notices and drains or fixes the rack).
// With a larger cluster per Dean's counts, the per-rack rates would be lower: set them
// from your own fleet.
//
// Left out: racks that fail because their PDU or bus bar did (power.ts), partial rack
// failures (half a rack behind one of two switches), loss that varies over time or by
// direction, latency without loss, and racks that fail repeatedly (a bad switch model).
import { isScalar } from "yaml";
import type { Fleet } from "../fleet/fleet.js";
import { BAD, duration, fraction, map, maybe, object, opt, type Validator } from "../base/schema.js";
import { EXPECT_DURATION, parseDuration, UnitError } from "../base/units.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";
import { mtbfOrOff } from "./host.js";

const HOUR = 3600;
const YEAR = 365 * 86400;

/** `1h..6h` (uniform over the range) or one duration like `3h`, as [min, max] seconds. */
export const durationRange: Validator<[number, number]> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && typeof node.value === "string" && node.value.includes("..")) {
    const parts = node.value.split("..");
    let lo: number, hi: number;
    try {
      if (parts.length !== 2) throw new UnitError(`expected a range like 1h..6h, found "${node.value}"`, EXPECT_DURATION);
      lo = parseDuration(parts[0]);
      hi = parseDuration(parts[1]);
    } catch (e) {
      return ctx.report(e instanceof UnitError ? "bad_unit" : "invalid_value", path, node, (e as Error).message, "write a range like 1h..6h");
    }
    if (!(lo > 0) || hi < lo)
      return ctx.report("invalid_value", path, node, `expected a range of positive durations, low..high, found "${node.value}"`, "write a range like 1h..6h");
    return [lo, hi];
  }
  const v = duration({ positive: true })(node, path, ctx);
  return v === BAD ? BAD : [v, v];
};

export interface RackSettings {
  /** Mean time between failures of one rack, seconds (Infinity: off). */
  mtbfSec: number;
  /** Repair time of a failed rack, drawn uniformly from [min, max] seconds. */
  repairSecMin: number;
  repairSecMax: number;
  /** Mean time between wonky episodes of one rack, seconds (Infinity: off). */
  wonkyMtbfSec: number;
  /** Packet loss of a wonky rack, a fraction. */
  lossFraction: number;
  /** How long a wonky episode lasts, seconds. */
  wonkySec: number;
}

const schema = map(
  object({
    mtbf: opt(mtbfOrOff, 2 * YEAR, "mean time between failures of one rack (2y, from Dean 2009; `off` to disable)"),
    repair: opt(durationRange, [HOUR, 6 * HOUR] as [number, number], "time a failed rack takes to come back, uniform over a range (1h..6h, Dean 2009)"),
    wonkyMtbf: opt(mtbfOrOff, 8 * YEAR, "mean time between wonky episodes of one rack (8y, from Dean 2009; `off` to disable)"),
    loss: opt(fraction(), 0.5, "packet loss of a wonky rack (50%, Dean 2009)"),
    wonkyFor: opt(duration({ positive: true }), 4 * HOUR, "how long a wonky episode lasts (4h, our choice)"),
  }),
  (s): RackSettings => ({
    mtbfSec: s.mtbf,
    repairSecMin: s.repair[0],
    repairSecMax: s.repair[1],
    wonkyMtbfSec: s.wonkyMtbf,
    lossFraction: s.loss,
    wonkySec: s.wonkyFor,
  }),
);

function failRack(env: FaultEnv, rack: number, repairSec: number, cause: string): void {
  env.trace.down(RACK_FAIL, { kind: "rack", index: rack }, { repairSec, detail: { cause } });
}

function wonkyRack(env: FaultEnv, rack: number, loss: number, forSec: number, cause: string): void {
  env.trace.packetLoss(RACK_WONKY, rack, loss, env.sim.now + forSec, { cause });
}

class RackInjector implements Injector {
  readonly name = "rack";
  private env!: FaultEnv;
  private failKind = 0;
  private wonkyKind = 0;

  constructor(private readonly s: RackSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    const racks = env.fleet.rackCount;
    if (racks === 0) return;
    this.failKind = env.sim.defineEvent("rack.fail", () => this.fail());
    this.wonkyKind = env.sim.defineEvent("rack.wonky", () => this.wonky());
    this.next(this.failKind, this.s.mtbfSec);
    this.next(this.wonkyKind, this.s.wonkyMtbfSec);
  }

  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }): number {
    if (hosts.end <= hosts.start) return 0;
    // Racks are numbered densely with hosts: those of a host range are consecutive.
    const racks = fleet.rackOf[hosts.end - 1] - fleet.rackOf[hosts.start] + 1;
    return racks / this.s.mtbfSec;
  }

  expected(fleet: Fleet, horizonSec: number): { "rack.fail": number; "rack.wonky": number } {
    return {
      "rack.fail": (fleet.rackCount * horizonSec) / this.s.mtbfSec,
      "rack.wonky": (fleet.rackCount * horizonSec) / this.s.wonkyMtbfSec,
    };
  }

  private fail(): void {
    const { fleet, rng } = this.env;
    const s = this.s;
    const rack = rng.int(fleet.rackCount);
    failRack(this.env, rack, s.repairSecMin + (s.repairSecMax - s.repairSecMin) * rng.next(), "failure");
    this.next(this.failKind, s.mtbfSec);
  }

  private wonky(): void {
    const { fleet, rng } = this.env;
    wonkyRack(this.env, rng.int(fleet.rackCount), this.s.lossFraction, this.s.wonkySec, "wonky");
    this.next(this.wonkyKind, this.s.wonkyMtbfSec);
  }

  /** Schedules the next event of a process whose per-rack MTBF is `mtbfSec`. */
  private next(kind: number, mtbfSec: number): void {
    if (mtbfSec === Infinity) return;
    const { sim, rng, fleet, horizonSec } = this.env;
    const dt = rng.exp(mtbfSec / fleet.rackCount);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, kind, 0, 0);
  }
}

/** A whole rack is down (top-of-rack switch, rack power). */
export const RACK_FAIL = defineKind("rack.fail", {
  code: 13,
  summary: "a whole rack is down (top-of-rack switch, rack power strip)",
  effect: { class: "down", on: "hosts" },
  correlated: true,
  episode: "repair",
  fields: { cause: "failure, or incident" },
});
/** A rack drops a share of its packets; its hosts stay up. */
export const RACK_WONKY = defineKind("rack.wonky", {
  code: 14,
  summary: "a rack drops a share of its packets while its hosts stay up",
  effect: { class: "link", on: "rack-loss" },
  correlated: true,
  episode: "duration",
  fields: { loss: "fraction of packets lost", cause: "wonky, or incident" },
});

export const rackModel: FaultModel<RackSettings> = {
  kind: "rack",
  kinds: [RACK_FAIL, RACK_WONKY],
  summary: "rack failures (tens of hosts down for hours) and wonky racks (heavy packet loss, hosts up)",
  schema,
  create: (s) => new RackInjector(s),
  incident: {
    // `- at: 5h, rack: dc1/row02/rack03, repair: 3h`               the rack fails
    // `- at: 5h, rack: dc1/row02/rack03, wonky: 50%, duration: 2h`  the rack goes wonky
    targets: ["rack"],
    kindOf: (params) => (params.wonky !== undefined ? RACK_WONKY : RACK_FAIL),
    params: {
      repair: opt(duration({ positive: true }), 3 * HOUR, "time the failed rack takes to come back (3h; ignored with wonky)"),
      wonky: maybe(fraction(), "packet loss: the rack goes wonky instead of failing (e.g. 50%)"),
      duration: opt(duration({ positive: true }), 4 * HOUR, "how long a wonky episode lasts (4h; only with wonky)"),
    },
    fire(env, ref, params) {
      if (params.wonky !== undefined) wonkyRack(env, ref.index, params.wonky as number, params.duration as number, "incident");
      else failRack(env, ref.index, params.repair as number, "incident");
    },
    asScheduled: (e, ctx) => {
      if (!e.ref) return undefined;
      const target = ctx.fleet.idOf(e.ref);
      if (e.kind === RACK_WONKY) return { target, params: { wonky: e.detail.loss, duration: episodeSec(e, ctx) } };
      return { target, params: { repair: episodeSec(e, ctx) } };
    },
  },
};
