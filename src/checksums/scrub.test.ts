import { describe, expect, it } from "vitest";
import { Streams } from "../sim/streams.js";
import { DISK_LSE, DISK_SLOW } from "../faults/disk.js";
import { DAY, faultHarness, HOUR } from "../faults/testing.js";
import type { EventFields } from "../journal/index.js";
import { DEFAULT_DISK_SCRUB_SEC, DEFAULT_MEMORY_SCRUB_SEC, DiskScrubber, nextSweep, ScrubSchedule } from "./scrub.js";

describe("nextSweep", () => {
  it("is the first pass strictly after the given time, once per interval", () => {
    // phase 0.25 of a 100 s period, position 0.5: passes at 75, 175, 275...
    expect(nextSweep(0.25, 0.5, 100, 0)).toBeCloseTo(75, 9);
    expect(nextSweep(0.25, 0.5, 100, 75)).toBeCloseTo(175, 9);
    expect(nextSweep(0.25, 0.5, 100, 74.9)).toBeCloseTo(75, 9);
    // phase + position wrap around the period
    expect(nextSweep(0.75, 0.5, 100, 0)).toBeCloseTo(25, 9);
    expect(nextSweep(0.1, 0.2, Infinity, 0)).toBe(Infinity);
  });

  it("gives every position one pass per interval (a sweep over [t, t + interval))", () => {
    for (let i = 0; i < 1000; i++) {
      const pos = i / 1000;
      const t = nextSweep(0.37, pos, DAY, 5 * DAY + 123);
      expect(t).toBeGreaterThan(5 * DAY + 123);
      expect(t).toBeLessThanOrEqual(6 * DAY + 123);
    }
  });
});

describe("ScrubSchedule", () => {
  it("defaults to a 24 h patrol scrub and a 14-day disk scrub, with per-host phases", () => {
    const s = new ScrubSchedule(new Streams(5));
    expect(s.settings).toEqual({ memoryIntervalSec: DEFAULT_MEMORY_SCRUB_SEC, diskIntervalSec: DEFAULT_DISK_SCRUB_SEC });
    expect(DEFAULT_MEMORY_SCRUB_SEC).toBe(24 * HOUR);
    expect(DEFAULT_DISK_SCRUB_SEC).toBe(14 * DAY);
    const phases = new Set([0, 1, 2, 3, 4].map((h) => s.memoryPhase(h)));
    expect(phases.size).toBe(5);
    for (const p of phases) expect(p >= 0 && p < 1).toBe(true);
    expect(new ScrubSchedule(new Streams(5)).memoryPhase(3)).toBe(s.memoryPhase(3));
    expect(new ScrubSchedule(new Streams(6)).memoryPhase(3)).not.toBe(s.memoryPhase(3));
  });
});

describe("DiskScrubber", () => {
  it("finds a latent sector error when the scrub reaches its sector, and records it", () => {
    const h = faultHarness({ rows: 1, racksPerRow: 1, hostsPerRack: 2 });
    const records: { at: number; fields: EventFields }[] = [];
    const schedule = new ScrubSchedule(new Streams(9));
    const ds = new DiskScrubber(h.sim, h.fleet, schedule, 60 * DAY, { record: (_t, at, fields = {}) => void records.push({ at, fields }) });
    h.trace.addListener({ onFault: (e) => (e.kind.name === "disk.lse" ? ds.onLse(e) : undefined) });
    h.sim.at(DAY, () => h.trace.emit(DISK_LSE, { kind: "host", index: 1 }, { detail: { disk: 2, sector: 1000, cluster: 1 } }));
    h.sim.run({ until: 60 * DAY });
    expect(ds.found).toBe(1);
    const sectors = Math.floor(h.fleet.hostSpec(1).diskBytes / 4096);
    const expectedAt = schedule.nextDiskScrub(1, 2, 1000 / sectors, DAY);
    expect(records).toEqual([
      { at: expectedAt, fields: { kind: "disk.lse", found: "scrub", host: h.fleet.hostId(1), disk: 2, sector: 1000, latentSec: Math.round(expectedAt - DAY) } },
    ]);
    expect(expectedAt - DAY).toBeLessThanOrEqual(DEFAULT_DISK_SCRUB_SEC);
  });

  it("scrubs a slow disk once its slow episode is over", () => {
    const h = faultHarness({ rows: 1, racksPerRow: 1, hostsPerRack: 2 });
    const schedule = new ScrubSchedule(new Streams(9));
    const found: number[] = [];
    const ds = new DiskScrubber(h.sim, h.fleet, schedule, 60 * DAY, { record: (_t, at) => void found.push(at) });
    h.trace.addListener({
      onFault: (e) => (e.kind.name === "disk.lse" ? ds.onLse(e) : e.kind.name === "disk.slow" ? ds.onSlowDisk(e) : undefined),
    });
    const sectors = Math.floor(h.fleet.hostSpec(1).diskBytes / 4096);
    const due = schedule.nextDiskScrub(1, 2, 1000 / sectors, DAY);
    // Slow from just before the LSE until two days after the scrub would have found it.
    h.sim.at(DAY - 1, () => h.trace.emit(DISK_SLOW, { kind: "host", index: 1 }, { untilSec: due + 2 * DAY, detail: { disk: 2, factor: 10 } }));
    h.sim.at(DAY, () => h.trace.emit(DISK_LSE, { kind: "host", index: 1 }, { detail: { disk: 2, sector: 1000, cluster: 1 } }));
    h.sim.run({ until: 60 * DAY });
    expect(found).toEqual([due + 2 * DAY]);
  });

  it("finds nothing without disk scrubbing", () => {
    const h = faultHarness({ rows: 1, racksPerRow: 1, hostsPerRack: 2 });
    const ds = new DiskScrubber(h.sim, h.fleet, new ScrubSchedule(new Streams(9), { memoryIntervalSec: DAY, diskIntervalSec: Infinity }), 60 * DAY);
    h.trace.addListener({ onFault: (e) => (e.kind.name === "disk.lse" ? ds.onLse(e) : undefined) });
    h.trace.emit(DISK_LSE, { kind: "host", index: 0 }, { detail: { disk: 0, sector: 5 } });
    h.sim.run({ until: 60 * DAY });
    expect(ds.found).toBe(0);
    expect(ds.appeared).toBe(1);
  });
});
