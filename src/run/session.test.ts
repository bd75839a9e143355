// The run loop (./session.ts) with two policies whose lanes run different numbers of events
// per simulated second: wherever a run stops between steps (Ctrl-C, a safety limit), its
// lanes stand at one simulated time, so their fault traces and metrics are compared there,
// the exit is the stop's own (interrupted; failed naming the limit), and its journal holds
// exactly a prefix of the whole run's records.
import { describe, expect, it } from "vitest";
import { MemoryJournal } from "../journal/index.js";
import { type Limits, loadScenarioText } from "../scenario/load.js";
import { nextSpan, type RunOptions, runScenario } from "./session.js";

/**
 * Two policies: one checkpoints every 10 s (an event each), the other hourly, so a step of
 * a few events takes one lane minutes and the other hours; host crashes fall in between.
 */
const SCENARIO = `name: apart
seed: 5
duration: 3d
snapshotEvery: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 4, hostsPerRack: 16 }
workloads:
  - training: { name: job, hosts: 64, stepTime: 1s, checkpointWrite: 1s, restart: 5m }
faults:
  - host: { mtbf: 30d }
policies:
  hourly: { checkpoint: 1h }
  often: { checkpoint: 10s }
`;
/** A step bound far below the scenario's events per snapshot interval. */
const STEP_EVENTS = 50;

async function run(opts: Partial<RunOptions> = {}, limits: Partial<Limits> = {}) {
  const loaded = loadScenarioText(SCENARIO, "apart.yaml", { limits });
  if (!loaded.ok) throw new Error(`the scenario must load: ${JSON.stringify(loaded.issues)}`);
  const journal = new MemoryJournal();
  const outcome = await runScenario(loaded.value, { seed: 5, durationSec: loaded.value.durationSec, journal, fleetVersion: "test", ...opts });
  // The records between header and footer, without their CRCs.
  const records = journal.lines.slice(1, -1).map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r.crc;
    return JSON.stringify(r);
  });
  return { outcome, records };
}

/** Stops the run at its n-th check between steps, as Ctrl-C does. */
const stopAt = (n: number) => {
  let checks = 0;
  return () => ++checks >= n;
};

describe("a run stopped between steps", () => {
  it("stops where every lane stands at one time: interrupted, policies compared, a prefix of the whole run", async () => {
    // The whole run in its own steps: its journal does not depend on where steps fall.
    const whole = await run();
    expect(whole.outcome.status).toBe("complete");
    let checks = 0;
    await run({ stepEvents: STEP_EVENTS, shouldStop: () => (checks++, false) });
    for (const n of [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.ceil(checks * f))) {
      const { outcome, records } = await run({ stepEvents: STEP_EVENTS, shouldStop: stopAt(n) });
      expect(outcome.error, `stopped at check ${n}`).toBeUndefined();
      expect(outcome.status).toBe("interrupted");
      expect(outcome.at).toBeGreaterThan(0);
      expect(outcome.at).toBeLessThan(whole.outcome.at);
      expect(Object.keys(outcome.metrics)).toEqual(["hourly", "often"]);
      expect(records.length).toBeGreaterThan(0);
      expect(records, `stopped at check ${n}`).toEqual(whole.records.slice(0, records.length));
      // Nothing the whole run has before the stop is missing.
      expect((JSON.parse(whole.records[records.length]) as { at: number }).at).toBeGreaterThanOrEqual(outcome.at);
    }
  });

  it("that passed the events limit fails naming it, with the policies compared where they stand together", async () => {
    const whole = await run();
    const { outcome, records } = await run({ stepEvents: STEP_EVENTS }, { maxEvents: 2_000 });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(/^the run passed the safety limit of 2,000 events at \d+s of simulated time; raise it with --max-events/);
    expect(outcome.footer?.status).toBe("failed");
    expect(Object.keys(outcome.metrics)).toEqual(["hourly", "often"]);
    expect(outcome.traceDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(records).toEqual(whole.records.slice(0, records.length));
  });

  it("sizes each slice for about a step of the densest lane's events, changing at most fourfold", () => {
    expect(nextSpan(10, 10, 0, 1000)).toBe(40); // no events: four times longer
    expect(nextSpan(10, 10, 500, 1000)).toBe(20); // half a step's events: twice as long
    expect(nextSpan(10, 10, 4000, 1000)).toBe(2.5); // four steps' events: a quarter
    expect(nextSpan(10, 10, 1e9, 1000)).toBe(2.5); // a burst: at most a quarter
    expect(nextSpan(10, 2, 100, 1000)).toBe(20); // a slice cut short by a snapshot: sized by its own length
  });
});
