// A training job warned of a power loss (onPowerWarning): ignore loses the work since the
// last checkpoint at the trip, checkpoint loses only what it computed after the warning,
// migrate moves off the warned hosts first and loses none; then the same through a
// scenario, its scheduled bus bar incident carrying the warning.
import { describe, expect, it } from "vitest";
import { BUSBAR, WARNING } from "../../faults/power.js";
import { OVERHEAT } from "../../faults/overheat.js";
import { HOUR, MINUTE } from "../../faults/testing.js";
import type { FleetRef } from "../../fleet/ref.js";
import { digestOnlyJournal } from "../../journal/index.js";
import type { OnPowerWarning, TrainingPolicy } from "../../recovery/training.js";
import { runScenario } from "../../run/session.js";
import { formatIssues } from "../../base/issues.js";
import { loadScenarioText } from "../../scenario/load.js";
import { trainingWorld } from "./testing.js";
import type { TrainingSpec } from "./schema.js";

/**
 * One row of 4 racks of 4 hosts, 2 bus bars: busbar-a (index 0) feeds racks 1-2, the job's
 * 8 hosts (0-7); hosts 8-15 are idle in its pool (its datacenter). Hourly checkpoints.
 */
function world(policy: Partial<TrainingPolicy>, spec: Partial<TrainingSpec> = {}) {
  const w = trainingWorld({ spec: { pool: "datacenter", ...spec }, policy: { checkpoint: { kind: "fixed", seconds: HOUR }, ...policy } });
  /** A temperature alarm on `ref` at `atSec`, and the trip `leadSec` later (repaired after 6h). */
  const alarm = (ref: FleetRef, atSec: number, leadSec: number, kind = BUSBAR) => {
    w.sim.at(atSec, () => w.trace.emit(WARNING, ref, { untilSec: atSec + leadSec, detail: { cause: "temperature", failsAt: atSec + leadSec } }));
    w.sim.at(atSec + leadSec, () => w.trace.down(kind, ref, { repairSec: 6 * HOUR }));
  };
  return { ...w, alarm };
}

// Checkpoints: every hour of compute, 90 s each: durable at 1h1m30s (3,690 s), the next
// would start at 7,290 s. The alarm rings at 6,600 s; the bus bar trips 10 minutes later.
const ALARM = 6600;
const TRIP = ALARM + 10 * MINUTE;

function lost(onPowerWarning: OnPowerWarning, spec: Partial<TrainingSpec> = {}) {
  const w = world({ onPowerWarning }, spec);
  w.alarm({ kind: "busbar", index: 0 }, ALARM, 10 * MINUTE);
  w.sim.runUntil(4 * HOUR);
  return { w, m: w.job.metrics() };
}

describe("onPowerWarning", () => {
  it("ignore: the trip throws away everything since the last checkpoint", () => {
    const { m } = lost("ignore");
    expect(m["training.interruptions.power.busbar"]).toBe(1);
    expect(m["training.lost.redoHours"] * 3600).toBeCloseTo(TRIP - 3690, 6); // 3,510 s
    expect(m["training.powerWarnings"]).toBe(1);
    expect(m["training.powerWarningsActed"]).toBe(0);
  });

  it("checkpoint: a checkpoint at the alarm, so the trip loses only the minutes after it", () => {
    const { w, m } = lost("checkpoint");
    expect(m["training.interruptions.power.busbar"]).toBe(1);
    expect(m["training.lost.redoHours"] * 3600).toBeCloseTo(TRIP - (ALARM + 90), 6); // 510 s
    expect(m["training.powerWarningsActed"]).toBe(1);
    expect(w.records.find((r) => r.f.action === "power-warning")).toMatchObject({
      at: ALARM,
      f: { response: "checkpoint", target: "dc1/row01/busbar-a", failsAt: TRIP },
    });
  });

  it("migrate: moves the job off the warned bus bar before the trip, losing no work", () => {
    const { w, m } = lost("migrate");
    expect(m["training.interruptions"]).toBe(0);
    expect(m["training.lost.redoHours"]).toBe(0);
    expect(m["training.powerMigrations"]).toBe(8);
    expect(w.job.participants()).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    // One restart on cold hosts (restart + cold start), begun at the end of the alarm's checkpoint.
    expect(m["training.lost.restartHours"] * 3600).toBeCloseTo(300 + 600, 6);
    expect(w.records.find((r) => r.f.action === "migrate")).toMatchObject({ at: ALARM + 90, f: { hosts: 8 } });
  });

  it("loses much less work than ignoring the warning (the work since the checkpoint, and the redo)", () => {
    const total = (p: OnPowerWarning) => {
      const m = lost(p).m;
      return (m["training.lost.redoHours"] + m["training.lost.restartHours"] + m["training.lost.waitHours"]) * 3600;
    };
    expect(total("ignore")).toBeCloseTo(3510 + 900, 6);
    expect(total("checkpoint")).toBeCloseTo(510 + 900, 6);
    expect(total("migrate")).toBeCloseTo(900, 6);
  });

  it("migrate checkpoints only when no idle hosts outside the warning can take over", () => {
    const { w, m } = lost("migrate", { pool: "block" });
    expect(m["training.powerMigrations"]).toBe(0);
    expect(m["training.powerWarningsActed"]).toBe(1);
    expect(m["training.lost.redoHours"] * 3600).toBeCloseTo(TRIP - (ALARM + 90), 6);
    expect(w.records.find((r) => r.f.action === "power-warning")?.f.response).toBe("checkpoint");
  });

  it("a warning on hosts the job does not run on is not its business", () => {
    const w = world({ onPowerWarning: "migrate" });
    w.alarm({ kind: "busbar", index: 1 }, ALARM, 10 * MINUTE);
    w.sim.runUntil(4 * HOUR);
    const m = w.job.metrics();
    expect([m["training.powerWarnings"], m["training.interruptions"], m["training.checkpoints"]]).toEqual([0, 0, 3]);
  });

  it("a datacenter overheating cannot be migrated away from within the datacenter: it checkpoints", () => {
    const w = world({ onPowerWarning: "migrate" });
    w.alarm({ kind: "dc", index: 0 }, ALARM, 10 * MINUTE, OVERHEAT);
    w.sim.runUntil(4 * HOUR);
    const m = w.job.metrics();
    expect(m["training.powerMigrations"]).toBe(0);
    expect(m["training.lost.redoHours"] * 3600).toBeCloseTo(TRIP - (ALARM + 90), 6);
  });
});

describe("a scheduled bus bar incident with a warning, in a scenario", () => {
  it("lets a migrating policy leave before the trip while the ignoring one loses its work", async () => {
    const r = loadScenarioText(
      `name: warned
seed: 3
duration: 6h
fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2 } }
workloads:
  - training: { name: pretrain, hosts: 8, stepTime: 4s, checkpointWrite: 90s, restart: 5m }
faults:
  - { at: 110m, busbar: dc1/row01/busbar-a, repair: 6h, warning: 10m }
policies:
  ignore: { checkpoint: 1h }
  checkpoint: { checkpoint: 1h, onPowerWarning: checkpoint }
  migrate: { checkpoint: 1h, onPowerWarning: migrate }
`,
      "warned.yaml",
    );
    if (!r.ok) throw new Error(formatIssues("warned.yaml", r.issues));
    const o = await runScenario(r.value, { seed: 3, durationSec: 6 * HOUR, journal: digestOnlyJournal(), fleetVersion: "test" });
    expect(o.status).toBe("complete");
    const redo = (p: string) => o.metrics[p]["training.lost.redoHours"] * 3600;
    expect(redo("ignore")).toBeCloseTo(110 * 60 - 3690, 6); // 2,910 s since the checkpoint
    expect(redo("checkpoint")).toBeCloseTo(10 * 60 - 90, 6); // 510 s
    expect(redo("migrate")).toBe(0);
    expect(o.metrics.migrate["training.interruptions"]).toBe(0);
    expect(o.metrics.ignore["faults.power.warning"]).toBe(1);
  });
});
