// Fan failures: a host's fans stop, it overheats and shuts itself down until a technician
// replaces the fan. A toy model, the worked example of docs/ARCHITECTURE.md ("adding a
// fault kind"): it is not registered, and its rate is illustrative, not field data.
//
// Model. Every host's fans fail as a Poisson process of rate 1 / `mtbf`, superposed over
// the fleet (one process of rate hosts / mtbf, each failure picking its host uniformly).
// A failure takes the host down through `trace.down` for `repair`. Its kind declares the
// effect `down:hosts`, so every layer that reacts to hosts going down (training jobs,
// services, stores, the dashboard map) reacts to it with no change of theirs.
//
// Defaults: mtbf 50y and repair 4h, illustrative.
import { duration, map, object, opt } from "../../src/base/schema.js";
import type { FaultEnv, FaultModel, Injector } from "../../src/faults/injector.js";
import { defineKind } from "../../src/faults/kind.js";

const YEAR = 365 * 86400;

/** A host's fans failed: it is down until the fan is replaced. */
export const FAN_FAIL = defineKind("fan.fail", {
  code: 62,
  summary: "a host's fans failed: it shut down until the fan is replaced",
  effect: { class: "down", on: "hosts" },
  episode: "repair",
  fields: { cause: "fan, or incident" },
});

export interface FanSettings {
  mtbfSec: number;
  repairSec: number;
}

const schema = map(
  object({
    mtbf: opt(duration({ positive: true }), 50 * YEAR, "mean time between fan failures of one host (50y, illustrative)"),
    repair: opt(duration({ positive: true }), 4 * 3600, "time until the host is back (4h, illustrative)"),
  }),
  (s): FanSettings => ({ mtbfSec: s.mtbf, repairSec: s.repair }),
);

class FanInjector implements Injector {
  readonly name = "fan";
  private env!: FaultEnv;
  private kind = 0;

  constructor(private readonly s: FanSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    this.kind = env.sim.defineEvent("fan.fail", () => this.fail());
    this.next();
  }

  expected(fleet: { hostCount: number }, horizonSec: number): Record<string, number> {
    return { [FAN_FAIL.name]: (fleet.hostCount * horizonSec) / this.s.mtbfSec };
  }

  hostLossRatePerSec(_fleet: unknown, hosts: { start: number; end: number }): number {
    return (hosts.end - hosts.start) / this.s.mtbfSec;
  }

  private fail(): void {
    const { fleet, rng, trace } = this.env;
    trace.down(FAN_FAIL, { kind: "host", index: rng.int(fleet.hostCount) }, { repairSec: this.s.repairSec, detail: { cause: "fan" } });
    this.next();
  }

  private next(): void {
    const { sim, rng, fleet, horizonSec } = this.env;
    const t = sim.now + rng.exp(this.s.mtbfSec / fleet.hostCount);
    if (t <= horizonSec) sim.scheduleAt(t, this.kind, 0, 0);
  }
}

export const fanModel: FaultModel<FanSettings> = {
  kind: "fan",
  summary: "host fan failures: the host shuts down until the fan is replaced (a toy example)",
  kinds: [FAN_FAIL],
  schema,
  create: (s) => new FanInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => FAN_FAIL,
    params: { repair: opt(duration({ positive: true }), 4 * 3600, "time until the host is back (4h)") },
    fire(env, ref, params) {
      env.trace.down(FAN_FAIL, ref, { repairSec: params.repair as number, detail: { cause: "incident" } });
    },
  },
};
