// The simulator, told as stories: schedule things, run, look at the clock and the log.
import { describe, expect, it } from "vitest";
import { UnitError } from "../base/units.js";
import { SCRIPT_KIND, Sim } from "./sim.js";

const HOUR = 3600;

describe("Sim scripting", () => {
  it("runs scripted events in time order and leaves the clock at the horizon", () => {
    const sim = new Sim({ seed: 1 });
    const log: string[] = [];
    sim.at("1h", () => log.push(`busbar-a fails at ${sim.now}`));
    sim.at("2h30m", () => log.push(`busbar-a repaired at ${sim.now}`));
    sim.after("30m", () => log.push(`checkpoint at ${sim.now}`));
    sim.at("4h", () => log.push("too late"));

    const r = sim.runUntil("3h");

    expect(log).toEqual(["checkpoint at 1800", "busbar-a fails at 3600", "busbar-a repaired at 9000"]);
    expect(r).toEqual({ reason: "until", events: 3, now: 3 * HOUR });
    expect(sim.now).toBe(3 * HOUR);
    expect(sim.queue.size).toBe(1); // "too late" still pending

    expect(sim.runFor("2h")).toEqual({ reason: "until", events: 1, now: 5 * HOUR });
    expect(log.at(-1)).toBe("too late");
  });

  it("processes events exactly at the horizon, not after it", () => {
    const sim = new Sim();
    const seen: number[] = [];
    sim.at(10, () => seen.push(10));
    sim.at(10.000001, () => seen.push(10.000001));
    sim.runUntil(10);
    expect(seen).toEqual([10]);
  });

  it("runs equal-time events in the order they were scheduled", () => {
    const sim = new Sim();
    const order: string[] = [];
    const kind = sim.defineEvent("note", (target) => order.push(`host${target}`));
    sim.at("1h", () => order.push("script-a"));
    sim.schedule(HOUR, kind, 7);
    sim.at(HOUR, () => order.push("script-b"));
    sim.scheduleAt(HOUR, kind, 8);
    sim.run();
    expect(order).toEqual(["script-a", "host7", "script-b", "host8"]);
  });

  it("lets a handler schedule follow-ups relative to its own time", () => {
    const sim = new Sim();
    const times: number[] = [];
    const ping = sim.defineEvent("ping", (target, arg) => {
      times.push(sim.now);
      if (arg > 0) sim.schedule(60, ping, target, arg - 1);
    });
    sim.schedule(10, ping, 0, 3);
    expect(sim.run()).toEqual({ reason: "empty", events: 4, now: 190 });
    expect(times).toEqual([10, 70, 130, 190]);
    expect(sim.eventName(ping)).toBe("ping");
    expect(sim.eventName(SCRIPT_KIND)).toBe("script");
  });

  it("steps one event at a time", () => {
    const sim = new Sim();
    const log: number[] = [];
    sim.after(5, () => log.push(5));
    sim.after(2, () => log.push(2));
    expect(sim.step()).toBe(true);
    expect(log).toEqual([2]);
    expect(sim.now).toBe(2);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(log).toEqual([2, 5]);
    expect(sim.eventsProcessed).toBe(2);
  });

  it("stops on maxEvents, a predicate, or stop() from a handler", () => {
    const sim = new Sim();
    let count = 0;
    const tick = sim.defineEvent("tick", () => {
      count++;
      if (count === 50) sim.stop();
      sim.schedule(1, tick);
    });
    sim.schedule(1, tick);

    expect(sim.run({ maxEvents: 10 })).toEqual({ reason: "maxEvents", events: 10, now: 10 });
    expect(sim.run({ when: () => count >= 25 })).toEqual({ reason: "predicate", events: 15, now: 25 });
    expect(sim.run({ when: () => count >= 25 })).toEqual({ reason: "predicate", events: 0, now: 25 });
    expect(sim.run()).toEqual({ reason: "stopped", events: 25, now: 50 });
    // The stop request does not leak into the next run.
    expect(sim.run({ until: 60 })).toEqual({ reason: "until", events: 10, now: 60 });
    expect(sim.eventsProcessed).toBe(60);
  });

  it("moves the clock to the horizon even when nothing is scheduled", () => {
    const sim = new Sim();
    expect(sim.runUntil("1d")).toEqual({ reason: "until", events: 0, now: 86400 });
    expect(sim.run()).toEqual({ reason: "empty", events: 0, now: 86400 });
  });

  it("calls periodic work until cancelled", () => {
    const sim = new Sim();
    const snapshots: number[] = [];
    const cancel = sim.every("15m", () => snapshots.push(sim.now / 60));
    sim.runUntil("1h");
    expect(snapshots).toEqual([15, 30, 45, 60]);
    cancel();
    sim.runUntil("2h");
    expect(snapshots).toEqual([15, 30, 45, 60]);

    const fromStart: number[] = [];
    sim.every(600, () => fromStart.push(sim.now), { start: "2h" });
    sim.runFor("20m");
    expect(fromStart).toEqual([7200, 7800, 8400]);
  });

  it("rejects times in the past, negative delays and bad duration text", () => {
    const sim = new Sim();
    sim.runUntil("1h");
    expect(() => sim.at("30m", () => {})).toThrow(RangeError);
    expect(() => sim.schedule(-1, SCRIPT_KIND)).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, SCRIPT_KIND)).toThrow(RangeError);
    expect(() => sim.after("ten minutes", () => {})).toThrow(UnitError);
    expect(() => sim.every(0, () => {})).toThrow(RangeError);
  });

  it("replays identically from the same seed", () => {
    function story(seed: number): number[] {
      const sim = new Sim({ seed });
      const rng = sim.streams.get("faults.disk");
      const failures: number[] = [];
      const fail = sim.defineEvent("disk.fail", (disk) => {
        failures.push(disk, Math.round(sim.now));
        sim.schedule(rng.exp(1000 * HOUR), fail, disk);
      });
      for (let d = 0; d < 20; d++) sim.schedule(rng.exp(1000 * HOUR), fail, d);
      sim.runUntil("1y");
      return failures;
    }
    expect(story(9)).toEqual(story(9));
    expect(story(9)).not.toEqual(story(10));
    expect(story(9).length).toBeGreaterThan(200); // ~20 disks * 8760 h / 1000 h * 2 numbers
  });
});
