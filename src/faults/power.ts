// Power faults down the power tree (utility -> PDU -> bus bar -> rack, see
// src/fleet/power.ts): three models in one file because they share one mechanism
// (PowerInjector, which the datacenter overheating of ./overheat.ts runs on too).
//
// Model. Each element of a level (every bus bar, every PDU, every datacenter's utility
// feed) fails as a Poisson process of rate 1 / `mtbf`; the processes of a level are
// superposed into one of rate count / mtbf and each failure picks its element uniformly,
// so a failure costs O(hosts it takes down). A failure takes down every host the element
// feeds, through `trace.down`, which brings them back after `repair` unless something
// else still holds them down (a host down from a rack failure and its bus bar comes back
// when both are repaired). Each is also a `correlated` timeline entry.
//   busbar  (`power.busbar`): overheating of a bus bar. With `warning` > 0, a
//           `power.warning` record (the temperature alarm) comes exactly `warning` before
//           the failure, so a policy may act first. The alarms form the Poisson process
//           (started `warning` before the run) and each failure follows its alarm, so
//           failures are a Poisson process over the whole run, and the alarm of a failure
//           in the first `warning` of the run fell before it began and is not recorded.
//   pdu     (`power.pdu`): a PDU fails; the racks of every bus bar it feeds go down
//           (500-1,000 hosts on the default tree).
//   utility (`power.utility`): the datacenter's utility feed is lost. The UPS and the
//           generators ride through a fraction `masked` of losses: such a loss is recorded
//           (`masked: true`) and nothing goes down. Otherwise every host of the datacenter
//           is down for `repair`.
// An element may fail again while it is under repair (chance about repair / mtbf); the
// hosts then stay down until the later repair. The injectors never read host state.
// `power.warning` (the alarm) says when the trip comes (`failsAt`); policies may act on it
// (onPowerWarning, src/recovery/training.ts: training checkpoints or migrates, serving
// drains the warned replicas, storage copies blocks off the warned hosts). Scheduled bus bar and PDU incidents may carry
// one too: `- { at: 20h, busbar: dc1/row02/busbar-a, repair: 6h, warning: 10m }` emits it
// at 19h50m (src/faults/timeline/warning.ts); the overheating model (./overheat.ts) emits
// it on the datacenter before the room heats up. A run that excludes an incident
// (./exclude.ts) drops its warning too: the warning names the incident's kind, target and
// time (`failsAt`), and is not emitted when that incident is excluded.
//
// Defaults and sources.
//   busbar mtbf 3y, repair 6h: the 3 years per bus bar is our own engineering choice (no
//     field figure per bus bar that we know of). The 6 hours is Dean's figure for a PDU
//     failure ("~500-1000 machines suddenly disappear, ~6 hours to come back"; Dean,
//     "Designs, Lessons and Advice from Building Large Distributed Systems", LADIS 2009
//     keynote, "typical first year for a new cluster"), borrowed for a bus bar.
//   busbar warning 10m: our own choice (a temperature alarm minutes before the trip); set
//     0 to turn warnings off. Dean's overheating events "power down most machines in < 5
//     mins", so alarms are short. A scheduled incident's `warning` defaults to 0 (none:
//     an incident replays what happened, and says so when an alarm came first).
//   pdu mtbf 2y, repair 6h: Dean (above) counts ~1 PDU failure per cluster-year, taking
//     down 500-1000 machines, ~6 hours to come back. His clusters hold ~1,800 machines
//     (Data Center Knowledge, "Failure Rates in Google Data Centers", May 2008, reporting
//     the same list from his Google I/O 2008 talk), so ~2 of our default PDUs (at most 1,000 hosts
//     each, src/fleet/power.ts): one failure a year among 2 PDUs is 2 years per PDU, about
//     0.5 host-downs per host-year. Which PDU count to match is our reading of his figure.
//   utility mtbf 1y, masked 99%, repair 4h: our own engineering choices. Barroso, Clidaras
//     & Hölzle, "The Datacenter as a Computer", 2nd ed. 2013, ch. 4 and 7, describe the UPS
//     bridging a utility loss until the diesel generators take the load (tens of seconds)
//     and count power among the rarer causes of service disruption; they give no per-site
//     rate we can plug in. Set these from your site's history.
//
// Left out: partial losses (one phase, one of two feeds of dual-corded racks: every rack
// here has one feed), brownouts and voltage sags that crash some hosts and not others,
// cooling failures below a whole datacenter (a room's are ./overheat.ts), failures that
// cascade up the tree, repair times that vary, and aging of the gear.
import { boolean, duration, fraction, map, object, opt } from "../base/schema.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetKind, FleetRef } from "../fleet/ref.js";
import { type AsScheduledContext, episodeSec, type FaultEnv, type FaultModel, type Injector, type ScheduledForm } from "./injector.js";
import type { FaultEvent } from "./trace.js";
import { defineKind, type FaultKindDecl } from "./kind.js";
import { mtbfOrOff } from "./host.js";
import type { WarnedIncident } from "./timeline/warning.js";

const MINUTE = 60;
const HOUR = 3600;
const YEAR = 365 * 86400;

export interface BusbarSettings {
  /** Mean time between failures of one bus bar, seconds (Infinity: off). */
  mtbfSec: number;
  /** Time until its hosts come back, seconds. */
  repairSec: number;
  /** How long before a failure its `power.warning` comes, seconds (0: no warnings). */
  warningSec: number;
}

export interface PduSettings {
  /** Mean time between failures of one PDU, seconds (Infinity: off). */
  mtbfSec: number;
  repairSec: number;
}

export interface UtilitySettings {
  /** Mean time between utility losses of one datacenter, seconds (Infinity: off). */
  mtbfSec: number;
  /** Fraction of losses the UPS and generators mask (nothing goes down). */
  maskedFraction: number;
  /** Time an unmasked loss keeps the datacenter's hosts down, seconds. */
  repairSec: number;
}

/**
 * What fails in one level of the power tree (bus bars, PDUs, utility feeds) or in a
 * datacenter's cooling (./overheat.ts): `countOf` elements, each a Poisson process of rate
 * 1 / mtbf.
 */
export interface PowerLevel {
  /** Prefix of its simulator events. */
  name: string;
  mtbfSec: number;
  /** How long before a failure its `power.warning` comes (0: none). */
  warningSec: number;
  /** The kind its failures record (counted by `expected`). */
  kind: FaultKindDecl;
  countOf(fleet: Fleet): number;
  /** The element as a warning names it. */
  refOf(index: number): FleetRef;
  fail(env: FaultEnv, index: number): void;
  /** The rate at which its failures take down at least one of `hosts` (Injector.hostLossRatePerSec). */
  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }): number;
  /** Records of `kind` one failure makes, summed over the elements (default: one each). */
  recordsOfAll?(fleet: Fleet): number;
}

/**
 * A level as a superposed Poisson process. `warningSec` > 0 runs the process on the alarm
 * clock (see the file comment) and fails each element that long after its alarm.
 */
export class PowerInjector implements Injector {
  readonly name: string;
  private env!: FaultEnv;
  private count = 0;
  private meanGapSec = Infinity;
  private tickKind = 0;
  private failKind = 0;
  /** Time of the next alarm (or failure, without warnings) on the process's clock. */
  private nextSec = 0;

  constructor(private readonly level: PowerLevel) {
    this.name = level.name;
  }

  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }): number {
    return this.level.hostLossRatePerSec(fleet, hosts);
  }

  start(env: FaultEnv): void {
    this.env = env;
    const { mtbfSec, warningSec: w } = this.level;
    this.count = this.level.countOf(env.fleet);
    if (this.count === 0 || mtbfSec === Infinity) return;
    this.meanGapSec = mtbfSec / this.count;
    this.failKind = env.sim.defineEvent(`${this.name}.fail`, (index) => this.level.fail(env, index));
    this.tickKind = env.sim.defineEvent(`${this.name}.next`, () => this.tick());
    // Alarms that rang before the run began: their failures fall in [0, w), unannounced.
    this.nextSec = -w + env.rng.exp(this.meanGapSec);
    while (this.nextSec < 0) {
      const index = env.rng.int(this.count);
      if (this.nextSec + w <= env.horizonSec) env.sim.scheduleAt(this.nextSec + w, this.failKind, index, 0);
      this.nextSec += env.rng.exp(this.meanGapSec);
    }
    if (this.nextSec + w <= env.horizonSec) env.sim.scheduleAt(this.nextSec, this.tickKind, 0, 0);
  }

  expected(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    const { mtbfSec, warningSec, kind } = this.level;
    const n = this.level.countOf(fleet);
    const records = this.level.recordsOfAll?.(fleet) ?? n;
    const out: Partial<Record<string, number>> = { [kind.name]: (records * horizonSec) / mtbfSec };
    if (warningSec > 0) out[WARNING.name] = (n * Math.max(0, horizonSec - warningSec)) / mtbfSec;
    return out;
  }

  /** An alarm (with warnings) or a failure (without) is due now. */
  private tick(): void {
    const { sim, rng, horizonSec } = this.env;
    const w = this.level.warningSec;
    const index = rng.int(this.count);
    if (w > 0) {
      sim.scheduleAt(sim.now + w, this.failKind, index, 0);
      warnPowerLoss(this.env, this.level.kind, this.level.refOf(index), sim.now + w, "temperature");
    } else {
      this.level.fail(this.env, index);
    }
    this.nextSec = sim.now + rng.exp(this.meanGapSec);
    if (this.nextSec + w <= horizonSec) sim.scheduleAt(this.nextSec, this.tickKind, 0, 0);
  }
}

/** The loss rate of a level whose element `elementOf(host)` feeds each host, a share `downShare` of its failures taking them down. */
function fedLossRate(mtbfSec: number, elementOf: (fleet: Fleet, host: number) => number, downShare = 1): PowerLevel["hostLossRatePerSec"] {
  return (fleet, hosts) => {
    const elements = new Set<number>();
    for (let h = hosts.start; h < hosts.end; h++) elements.add(elementOf(fleet, h));
    return (elements.size * downShare) / mtbfSec;
  };
}

const POWER_FIELDS = { cause: "overheat or failure from the model, incident when scheduled" };
/** A bus bar failed: every rack it feeds is down until repaired. */
export const BUSBAR = defineKind("power.busbar", {
  code: 8,
  summary: "a bus bar failed: every rack it feeds is down until repaired",
  effect: { class: "down", on: "hosts" },
  correlated: true,
  power: true,
  episode: "repair",
  fields: POWER_FIELDS,
});
/** A PDU failed: the racks it feeds are down until repaired. */
export const PDU = defineKind("power.pdu", {
  code: 9,
  summary: "a PDU failed: the racks it feeds are down until repaired",
  effect: { class: "down", on: "hosts" },
  correlated: true,
  power: true,
  episode: "repair",
  fields: POWER_FIELDS,
});
/** A datacenter lost its utility feed: masked by the UPS and generators, or down. */
export const UTILITY = defineKind("power.utility", {
  code: 10,
  summary: "utility feed lost: masked by UPS and generators (nothing goes down), or the datacenter goes down",
  effect: { class: "down", on: "hosts" },
  correlated: true,
  power: true,
  episode: "repair",
  fields: { masked: "true: the UPS and generators rode through it", ...POWER_FIELDS },
});
/**
 * A warning that hosts are about to lose power, `failsAt`: a bus bar's temperature alarm
 * (the model's, or a scheduled incident's `warning`), a scheduled PDU incident's, or a
 * datacenter overheating (./overheat.ts). Training may checkpoint or migrate on it.
 */
export const WARNING = defineKind("power.warning", {
  code: 11,
  summary: "a warning that the hosts of a bus bar, PDU or datacenter lose power at failsAt (temperature alarm)",
  effect: { class: "warning", on: "power" },
  fields: { failsAt: "simulated second the power is lost", cause: "temperature, or incident when scheduled" },
});

/**
 * Emits `power.warning` on `ref`: its hosts lose power at `failsAtSec`, in an incident of
 * `kind` on `ref` at that time (none when that incident is excluded from the run).
 */
export function warnPowerLoss(env: FaultEnv, kind: FaultKindDecl, ref: FleetRef, failsAtSec: number, cause: string): void {
  if (env.trace.excluded(kind, ref, failsAtSec)) return;
  env.trace.emit(WARNING, ref, { untilSec: failsAtSec, detail: { cause, failsAt: failsAtSec } });
}

/** The `warning` key of a scheduled power incident. */
const incidentWarning = opt(duration(), 0, "emit power.warning this long before the fault (0: none)");

const busbarSchema = map(
  object({
    mtbf: opt(mtbfOrOff, 3 * YEAR, "mean time between failures of one bus bar (3y, our choice; `off` to disable)"),
    repair: opt(duration({ positive: true }), 6 * HOUR, "time until its hosts come back (6h, Dean 2009's PDU figure)"),
    warning: opt(duration(), 10 * MINUTE, "temperature alarm this long before the failure (10m; 0 for none)"),
  }),
  (s): BusbarSettings => ({ mtbfSec: s.mtbf, repairSec: s.repair, warningSec: s.warning }),
);

const pduSchema = map(
  object({
    mtbf: opt(mtbfOrOff, 2 * YEAR, "mean time between failures of one PDU (2y: Dean 2009's ~1 a cluster-year over ~2 PDUs, our reading; `off` to disable)"),
    repair: opt(duration({ positive: true }), 6 * HOUR, "time until its hosts come back (6h, Dean 2009)"),
  }),
  (s): PduSettings => ({ mtbfSec: s.mtbf, repairSec: s.repair }),
);

const utilitySchema = map(
  object({
    mtbf: opt(mtbfOrOff, YEAR, "mean time between utility losses of one datacenter (1y, our choice; `off` to disable)"),
    masked: opt(fraction(), 0.99, "fraction of losses the UPS and generators ride through (99%, our choice)"),
    repair: opt(duration({ positive: true }), 4 * HOUR, "time an unmasked loss keeps the datacenter down (4h, our choice)"),
  }),
  (s): UtilitySettings => ({ mtbfSec: s.mtbf, maskedFraction: s.masked, repairSec: s.repair }),
);

function failElement(env: FaultEnv, kind: FaultKindDecl, refKind: FleetKind, index: number, repairSec: number, cause: string): void {
  env.trace.down(kind, { kind: refKind, index }, { repairSec, detail: { cause } });
}

/** An unmasked loss takes the datacenter down; a masked one is only recorded. */
function loseUtility(env: FaultEnv, dc: number, masked: boolean, repairSec: number, cause: string): void {
  const ref: FleetRef = { kind: "utility", index: dc };
  if (masked) env.trace.emit(UTILITY, ref, { detail: { masked: true, cause } });
  else env.trace.down(UTILITY, ref, { repairSec, detail: { masked: false, cause } });
}

/** A scheduled failure of one bus bar or PDU, with its warning if the entry gives one. */
function elementIncident(kind: FaultKindDecl, refKind: "busbar" | "pdu"): WarnedIncident {
  return {
    targets: [refKind],
    kindOf: () => kind,
    params: { repair: opt(duration({ positive: true }), 6 * HOUR, "time until its hosts come back (6h)"), warning: incidentWarning },
    fire(env, ref, params) {
      failElement(env, kind, refKind, ref.index, params.repair as number, "incident");
    },
    warn: (env, ref, _params, failsAtSec) => warnPowerLoss(env, kind, ref, failsAtSec, "incident"),
    asScheduled: powerAsScheduled,
  };
}

/**
 * A power loss written back as a scheduled entry: its repair and, when its warning came
 * first, `warning`: how long before. A warning is "none": its loss's entry makes it.
 */
function powerAsScheduled(e: FaultEvent, ctx: AsScheduledContext): ScheduledForm | "none" | undefined {
  if (e.kind === WARNING) return "none";
  if (!e.ref) return undefined;
  const target = ctx.fleet.idOf(e.ref);
  if (e.kind === UTILITY) {
    const masked = e.detail.masked === true;
    return { target, params: masked ? { masked } : { masked, repair: episodeSec(e, ctx) } };
  }
  const warnedAt = ctx.warnedAt(target, e.at);
  return { target, params: { repair: episodeSec(e, ctx), ...(warnedAt === undefined ? {} : { warning: e.at - warnedAt }) } };
}

export const busbarModel: FaultModel<BusbarSettings> = {
  kind: "busbar",
  summary: "bus bar failures (overheating): every rack it feeds goes down until repaired, after a temperature warning",
  kinds: [BUSBAR, WARNING],
  schema: busbarSchema,
  create: (s) =>
    new PowerInjector({
      name: "busbar",
      mtbfSec: s.mtbfSec,
      warningSec: s.warningSec,
      kind: BUSBAR,
      countOf: (f) => f.busbarCount,
      refOf: (index) => ({ kind: "busbar", index }),
      fail: (env, b) => failElement(env, BUSBAR, "busbar", b, s.repairSec, "overheat"),
      hostLossRatePerSec: fedLossRate(s.mtbfSec, (f, h) => f.busbarOfHost(h)),
    }),
  incident: elementIncident(BUSBAR, "busbar"),
};

export const pduModel: FaultModel<PduSettings> = {
  kind: "pdu",
  summary: "PDU failures: the racks a PDU feeds go down until repaired",
  kinds: [PDU],
  schema: pduSchema,
  create: (s) =>
    new PowerInjector({
      name: "pdu",
      mtbfSec: s.mtbfSec,
      warningSec: 0,
      kind: PDU,
      countOf: (f) => f.pduCount,
      refOf: (index) => ({ kind: "pdu", index }),
      fail: (env, p) => failElement(env, PDU, "pdu", p, s.repairSec, "failure"),
      hostLossRatePerSec: fedLossRate(s.mtbfSec, (f, h) => f.pduOfHost(h)),
    }),
  incident: elementIncident(PDU, "pdu"),
};

export const utilityModel: FaultModel<UtilitySettings> = {
  kind: "utility",
  summary: "utility power losses: mostly masked by UPS and generators, else the datacenter goes down",
  kinds: [UTILITY],
  schema: utilitySchema,
  create: (s) =>
    new PowerInjector({
      name: "utility",
      mtbfSec: s.mtbfSec,
      warningSec: 0,
      kind: UTILITY,
      countOf: (f) => f.dcCount,
      refOf: (index) => ({ kind: "dc", index }),
      fail: (env, dc) => loseUtility(env, dc, env.rng.next() < s.maskedFraction, s.repairSec, "loss"),
      hostLossRatePerSec: fedLossRate(s.mtbfSec, (f, h) => f.dcOfHost(h), 1 - s.maskedFraction),
    }),
  incident: {
    targets: ["dc", "utility"],
    kindOf: () => UTILITY,
    params: {
      repair: opt(duration({ positive: true }), 4 * HOUR, "time until the datacenter's hosts come back (4h)"),
      masked: opt(boolean(), false, "the UPS and generators ride through it: recorded, nothing goes down (false)"),
    },
    fire(env, ref, params) {
      loseUtility(env, ref.index, params.masked as boolean, params.repair as number, "incident");
    },
    asScheduled: powerAsScheduled,
  },
};
