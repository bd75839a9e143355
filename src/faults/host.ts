// Host crashes: kernel panics, hangs caught by a watchdog, and hardware faults that take
// one machine down.
//
// Model. Every host crashes as a Poisson process of rate 1 / `mtbf`; the processes of all
// hosts are superposed into one of rate hosts / mtbf and each crash picks its host
// uniformly, so a crash costs O(1) whatever the fleet size. A crash takes the host down
// through `trace.down("host.crash", host)`: most come back after `reboot`; a fraction
// `repairFraction` needs hands-on repair (a part swapped) and comes back after `repair`.
// A host already down (a rack or power fault) may still "crash": the trace keeps it down
// until the later of the two repairs. The injector never reads host state, so the trace
// does not depend on what a policy did to a host.
//
// Defaults and sources.
//   mtbf 1.8y: Dean, "Designs, Lessons and Advice from Building Large Distributed
//     Systems", LADIS 2009 keynote (the same list is in his 2008 talks), "typical first
//     year for a new cluster": ~1000 individual machine failures. The slide does not give
//     the cluster's size; we assume ~1,800 machines (press accounts of the talk say
//     "several thousand"), so 1000 / 1800 = 0.56 failures per host-year, an MTBF of 1.8
//     years. With 5,000 machines it would be 5 years: set `mtbf` from your own fleet.
//   reboot 10m: our own engineering choice (watchdog or remote power cycle, BIOS, kernel
//     and service start; a few minutes on common servers).
//   repairFraction 10%, repair 2d: our own engineering choice (a technician swaps a part
//     within a working day or two). No field source behind the split.
//
// Left out: crash rates that differ between hosts (bad batches, "lemon" machines that
// crash again and again), reboot times that vary, crashes triggered by load or by other
// faults (a machine check from memory errors is the detection layer's `machine.check`),
// and planned reboots (kernel upgrades), which are maintenance rather than faults.
import { isScalar } from "yaml";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { duration, either, fraction, map, object, opt, scalar, type Validator } from "../base/schema.js";
import type { FaultEnv, FaultModel, Injector } from "./injector.js";
import { defineKind } from "./kind.js";

const YEAR = 365 * 86400;

/**
 * A mean time between failures, or `off` (Infinity) to turn that process off. Shared
 * by the power, rack and network models.
 */
export const mtbfOrOff: Validator<number> = either(
  (n) => isScalar(n) && n.value === "off",
  scalar("off", () => Infinity),
  duration({ positive: true }),
);

export interface HostCrashSettings {
  /** Mean time between crashes of one host, seconds (Infinity: off). */
  mtbfSec: number;
  /** Time a crashed host takes to come back, seconds. */
  rebootSec: number;
  /** Fraction of crashes that need a repair instead of a reboot. */
  repairFraction: number;
  /** Time a host needing repair stays down, seconds. */
  repairSec: number;
}

const schema = map(
  object({
    mtbf: opt(mtbfOrOff, 1.8 * YEAR, "mean time between crashes of one host (1.8y, from Dean 2009; `off` to disable)"),
    reboot: opt(duration({ positive: true }), 600, "time a crashed host takes to come back (10m)"),
    repairFraction: opt(fraction(), 0.1, "fraction of crashes that need a hands-on repair (10%)"),
    repair: opt(duration({ positive: true }), 2 * 86400, "time a host needing repair stays down (2d)"),
  }),
  (s): HostCrashSettings => ({ mtbfSec: s.mtbf, rebootSec: s.reboot, repairFraction: s.repairFraction, repairSec: s.repair }),
);

class HostCrashInjector implements Injector {
  readonly name = "host";
  private env!: FaultEnv;
  private kind = 0;
  private meanGapSec = Infinity;

  constructor(private readonly s: HostCrashSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    const n = env.fleet.hostCount;
    if (n === 0 || this.s.mtbfSec === Infinity) return;
    this.meanGapSec = this.s.mtbfSec / n;
    this.kind = env.sim.defineEvent("host.crash", () => this.crash());
    this.next();
  }

  hostLossRatePerSec(_fleet: Fleet, hosts: { start: number; end: number }): number {
    return (hosts.end - hosts.start) / this.s.mtbfSec;
  }

  expected(fleet: Fleet, horizonSec: number): { "host.crash": number } {
    return { "host.crash": (fleet.hostCount * horizonSec) / this.s.mtbfSec };
  }

  private crash(): void {
    const { fleet, rng, trace } = this.env;
    const host = rng.int(fleet.hostCount);
    const repair = rng.next() < this.s.repairFraction;
    const ref: FleetRef = { kind: "host", index: host };
    trace.down(HOST_CRASH, ref, { repairSec: repair ? this.s.repairSec : this.s.rebootSec, detail: { cause: repair ? "repair" : "reboot" } });
    this.next();
  }

  private next(): void {
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(this.meanGapSec);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, this.kind, 0, 0);
  }
}

/** A host crashed: down for a reboot, or for a repair. */
export const HOST_CRASH = defineKind("host.crash", {
  code: 12,
  summary: "a host crashed: down for a reboot, or for a repair",
  effect: { class: "down", on: "hosts" },
  episode: "repair",
  fields: { cause: "reboot or repair (or incident)" },
});

export const hostCrashModel: FaultModel<HostCrashSettings> = {
  kind: "host",
  kinds: [HOST_CRASH],
  summary: "host crashes (kernel panics, hangs, hardware): down for a reboot, a few for a repair",
  schema,
  create: (s) => new HostCrashInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => HOST_CRASH,
    params: {
      repair: opt(duration({ positive: true }), 600, "how long the host stays down (10m, a reboot)"),
    },
    fire(env, ref, params) {
      env.trace.down(HOST_CRASH, ref, { repairSec: params.repair as number, detail: { cause: "incident" } });
    },
  },
};
