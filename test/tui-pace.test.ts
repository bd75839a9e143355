// The dashboard's pace hook changes nothing in a run: where and how often the run is held
// (paused, slowed to a simulation speed) leaves the journal byte for byte the same.
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/scenario/load.js";
import { MemoryJournal } from "../src/journal/index.js";
import { runScenario } from "../src/run/session.js";
import { Pacer, type Clock } from "../src/tui/pacer.js";
import { withoutWall } from "./helpers.js";

function cosmic12h() {
  const r = loadScenarioFile("scenarios/cosmic.yaml");
  if (!r.ok) throw new Error("cosmic.yaml does not load");
  return r.value;
}

async function journalOf(pace?: (at: number) => Promise<number>, shouldStop?: () => boolean) {
  const journal = new MemoryJournal();
  const outcome = await runScenario(cosmic12h(), { seed: 42, durationSec: 12 * 3600, journal, fleetVersion: "test", pace, shouldStop });
  return { outcome, lines: withoutWall(journal.lines.join("")) };
}

describe("the pace hook", () => {
  it("a run held every 7 simulated minutes journals exactly what a free run journals", async () => {
    const free = await journalOf();
    let holds = 0;
    const paced = await journalOf(async (at) => {
      holds++;
      await new Promise((r) => setImmediate(r));
      return at + 420;
    });
    expect(holds).toBeGreaterThan(100);
    expect(paced.outcome.status).toBe("complete");
    expect(paced.lines).toEqual(free.lines);
    // and the run has what the dashboard shows: the burst, upsets, snapshots with live metrics
    expect(free.lines.some((l) => l.includes('"kind":"cosmic.burst"'))).toBe(true);
    expect(free.lines.find((l) => l.startsWith('{"t":"snapshot"'))).toMatch(/"metrics":\{.*"training\.goodput":/);
  });

  it("a paused run waits; stopping it ends the run as interrupted where it was held", async () => {
    const clock: Clock = { now: () => 0, sleep: async () => {} };
    const pacer = new Pacer(7, clock);
    let stop = false;
    let reached = 0;
    let released = 0; // pace calls that have returned
    let paused = () => {};
    const wasPaused = new Promise<void>((resolve) => (paused = resolve));
    const run = journalOf(
      async (at) => {
        reached = at;
        if (at > 3 * 3600 && !pacer.paused) {
          pacer.setPaused(true);
          paused();
        }
        const limit = await pacer.pace(at);
        released++;
        return limit;
      },
      () => stop,
    );
    await wasPaused;
    const held = reached;
    const releasedWhenPaused = released;
    // One turn of the event loop: the run yields with setImmediate, and this clock's sleeps
    // are immediate, so a run not held would have gone on (its pace call returned) by now.
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(releasedWhenPaused); // the paused pace call has not returned
    expect(reached).toBe(held); // nothing moved while paused
    stop = true;
    pacer.stop();
    const { outcome, lines } = await run;
    expect(outcome.status).toBe("interrupted");
    expect(outcome.at).toBe(held);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ t: "footer", status: "interrupted" });
  });
});
