// Datacenter overheating: a datacenter's cooling fails, the room heats up, and most of its
// machines shut down within minutes; they come back over the next day or two.
//
// Model. Each datacenter overheats as a Poisson process of rate 1 / `mtbf`, superposed
// over the datacenters (one process of rate datacenters / mtbf, each event picking its
// datacenter uniformly). An event begins with a `power.warning` on the datacenter (the
// temperature rising, `warning` before the first shutdown; ./power.ts declares the kind).
// Then a fraction `fraction` of its racks, drawn at random, shut down one by one at times
// spread uniformly over `spread` (`cooling.overheat`, one record per rack, through
// `trace.down`), and each comes back after a time drawn uniformly between `repairFrom` and
// `repair`. The rack is the unit because its hosts share one inlet temperature (our
// choice). As with the bus bar's alarms, the warnings form the Poisson process (started
// `warning` before the run), so the shutdowns follow it exactly. Draws come only from the
// injector's own stream (`faults.overheat`), never from host state. A scheduled entry
// (`- { at: 20h, overheat: dc1, warning: 10m }`) shuts down from `at` on, with the same
// parameters and its own warning (src/faults/timeline/warning.ts). Each shutdown is one
// correlated entry, `partOf` the overheating (its datacenter and start): a run may exclude
// one rack's shutdown, or the whole overheating with its warning (./exclude.ts).
//
// Defaults and sources: Dean, "Designs, Lessons and Advice from Building Large Distributed
// Systems", LADIS 2009 keynote, "typical first year for a new cluster": "~0.5 overheating
// (power down most machines in <5 mins, ~1-2 days to recover)".
//   mtbf 2y per datacenter: Dean's ~0.5 per cluster-year, each datacenter of a scenario
//     counting as one of his clusters (our choice: his clusters hold ~1,800 machines, a
//     large datacenter may have several cooling domains in life, one here).
//   spread 5m: Dean's "< 5 mins" (every shutdown of an event falls within it).
//   repairFrom 1d, repair 2d: Dean's "~1-2 days to recover"; uniform in between is our choice.
//   fraction 90%: his "most machines"; the figure is our choice (illustrative).
//   warning 10m: illustrative, like the bus bar's alarm (no field figure); 0 for none.
//
// Left out: overheating of one aisle or row only, thermal throttling before the shutdown
// (slow hosts), damage from the heat (more failures in the weeks after), and redundant
// cooling (N+1 chillers) that rides through some failures.
import { duration, fraction, map, object, opt } from "../base/schema.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import type { Rng } from "../sim/rng.js";
import { mtbfOrOff } from "./host.js";
import type { FaultEnv, FaultModel } from "./injector.js";
import { defineKind } from "./kind.js";
import { PowerInjector, warnPowerLoss } from "./power.js";
import type { WarnedIncident } from "./timeline/warning.js";

const MINUTE = 60;
const DAY = 86400;
const YEAR = 365 * DAY;

/** How one overheating plays out in its datacenter. */
export interface Cascade {
  /** Fraction of the datacenter's racks that shut down. */
  fraction: number;
  /** The shutdowns fall uniformly in [start, start + spreadSec]. */
  spreadSec: number;
  /** Each rack comes back after a time uniform in [repairFromSec, repairSec]. */
  repairFromSec: number;
  repairSec: number;
}

export interface OverheatSettings extends Cascade {
  /** Mean time between overheatings of one datacenter, seconds (Infinity: off). */
  mtbfSec: number;
  /** How long before the first shutdown the warning comes, seconds (0: none). */
  warningSec: number;
}

/** A rack shut down because its datacenter overheated. */
export const OVERHEAT = defineKind("cooling.overheat", {
  code: 30,
  summary: "a datacenter overheated: most of its racks shut down within minutes, back after 1-2 days",
  effect: { class: "down", on: "hosts" },
  correlated: true,
  power: true,
  episode: "repair",
  fields: { cause: "overheat from the model, incident when scheduled" },
});

const cascadeFields = (warningDefault: number, warningDoc: string) => ({
  fraction: opt(fraction(), 0.9, "fraction of the datacenter's racks that shut down (90%: Dean's 'most machines', the figure our choice)"),
  spread: opt(duration(), 5 * MINUTE, "the shutdowns fall within this (5m: Dean 2009, '< 5 mins')"),
  repairFrom: opt(duration({ positive: true }), DAY, "the first racks are back after this (1d: Dean 2009, '~1-2 days to recover')"),
  repair: opt(duration({ positive: true }), 2 * DAY, "the last racks are back by this (2d: Dean 2009); each rack uniform in between (our choice)"),
  warning: opt(duration(), warningDefault, warningDoc),
});

const schema = map(
  object({
    mtbf: opt(
      mtbfOrOff,
      2 * YEAR,
      "mean time between overheatings of one datacenter (2y: Dean 2009's ~0.5 per cluster-year, a datacenter counted as one cluster, our choice; `off` to disable)",
    ),
    ...cascadeFields(10 * MINUTE, "power.warning this long before the first shutdown (10m, illustrative; 0 for none)"),
  }),
  (s): OverheatSettings => ({
    mtbfSec: s.mtbf,
    fraction: s.fraction,
    spreadSec: s.spread,
    repairFromSec: Math.min(s.repairFrom, s.repair),
    repairSec: Math.max(s.repairFrom, s.repair),
    warningSec: s.warning,
  }),
);

/**
 * Overheats datacenter `dc` from now: draws its shutting racks (a partial shuffle) and
 * their times and repairs from `rng`, and schedules each shutdown (before `horizonSec`).
 */
function overheat(env: FaultEnv, rng: Rng, dc: number, c: Cascade, cause: string): void {
  const { sim, fleet, trace } = env;
  const partOf = { ref: { kind: "dc", index: dc } as FleetRef, at: sim.now };
  const racks = fleet.racksOfDc(dc);
  const n = racks.end - racks.start;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = racks.start + i;
  const k = Math.round(c.fraction * n);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const rack = order[j];
    order[j] = order[i];
    order[i] = rack;
    const at = sim.now + rng.next() * c.spreadSec;
    const repairSec = c.repairFromSec + rng.next() * (c.repairSec - c.repairFromSec);
    if (at <= env.horizonSec) sim.at(at, () => trace.down(OVERHEAT, { kind: "rack", index: rack }, { repairSec, detail: { cause }, partOf }));
  }
}

/** Chance that a shutdown of k of n racks takes at least one of m given racks. */
function hitChance(n: number, k: number, m: number): number {
  let miss = 1;
  for (let i = 0; i < m; i++) miss *= Math.max(0, n - k - i) / (n - i);
  return 1 - miss;
}

/** The rate at which an overheating takes down at least one of `hosts` (partial racks count whole). */
function overheatLossRate(s: OverheatSettings) {
  return (fleet: Fleet, hosts: { start: number; end: number }): number => {
    let rate = 0;
    for (let d = 0; d < fleet.dcCount; d++) {
      const from = Math.max(hosts.start, fleet.dcFirstHost[d]);
      const to = Math.min(hosts.end, fleet.dcFirstHost[d + 1]);
      if (from >= to) continue;
      const n = fleet.dcFirstRack[d + 1] - fleet.dcFirstRack[d];
      const m = fleet.rackOf[to - 1] - fleet.rackOf[from] + 1;
      rate += hitChance(n, Math.round(s.fraction * n), m) / s.mtbfSec;
    }
    return rate;
  };
}

/** Racks that shut down in one overheating, summed over the datacenters. */
function racksShutOfAll(s: OverheatSettings) {
  return (fleet: Fleet): number => {
    let racks = 0;
    for (let d = 0; d < fleet.dcCount; d++) racks += Math.round(s.fraction * (fleet.dcFirstRack[d + 1] - fleet.dcFirstRack[d]));
    return racks;
  };
}

function cascadeOf(params: Record<string, unknown>): Cascade {
  const from = params.repairFrom as number;
  const to = params.repair as number;
  return { fraction: params.fraction as number, spreadSec: params.spread as number, repairFromSec: Math.min(from, to), repairSec: Math.max(from, to) };
}

const incident: WarnedIncident = {
  targets: ["dc"],
  kindOf: () => OVERHEAT,
  params: cascadeFields(0, "power.warning this long before `at` (0: none)"),
  fire(env, ref: FleetRef, params) {
    overheat(env, env.rng, ref.index, cascadeOf(params), "incident");
  },
  warn: (env, ref, _params, failsAtSec) => warnPowerLoss(env, OVERHEAT, ref, failsAtSec, "incident"),
};

export const overheatModel: FaultModel<OverheatSettings> = {
  kind: "overheat",
  summary: "datacenter overheating (Dean 2009): most racks shut down within minutes, back after 1-2 days, after a warning",
  kinds: [OVERHEAT],
  schema,
  // The datacenters' alarm clock is a power level's (./power.ts); a failure is the cascade.
  create: (s) =>
    new PowerInjector({
      name: "overheat",
      mtbfSec: s.mtbfSec,
      warningSec: s.warningSec,
      kind: OVERHEAT,
      countOf: (f) => f.dcCount,
      refOf: (index) => ({ kind: "dc", index }),
      fail: (env, dc) => overheat(env, env.rng, dc, s, "overheat"),
      hostLossRatePerSec: overheatLossRate(s),
      recordsOfAll: racksShutOfAll(s),
    }),
  incident,
};
