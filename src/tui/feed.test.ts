import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { FeedStore, feedLine, feedWindow, matches, pinnedLine, refsOverlap } from "./feed.js";
import { lineWidth } from "./line.js";

const fleet = buildFleet(fleetSpec({ rows: 2, racksPerRow: 4 }));
const ref = (id: string) => fleet.resolve(id)!;
const show = (line: { text: string }[]) => line.map((s) => s.text).join("");

describe("the feed", () => {
  it("keeps faults, detections, recoveries and milestones, not snapshots", () => {
    const f = new FeedStore(fleet);
    f.add("fault", 1, { kind: "cosmic.upset", target: "dc1/row01/rack01/host01" });
    f.add("snapshot", 2, { hostsDown: 0 });
    f.add("recovery", 3, { action: "restart", job: "pretrain" });
    expect(f.entries.map((e) => e.label)).toEqual(["cosmic.upset", "restart"]);
    expect(f.kindsSeen()).toEqual(["cosmic.upset", "restart"]);
  });

  it("keeps only the newest entries beyond its cap", () => {
    const f = new FeedStore(fleet, 4);
    for (let i = 0; i < 20; i++) f.add("fault", i, { kind: "host.crash" });
    expect(f.entries.length).toBeLessThanOrEqual(5);
    expect(f.entries[f.entries.length - 1].at).toBe(19);
    expect(f.total).toBe(20);
  });

  it("reads a bus bar loss, a burst, a machine check and a restart as sentences", () => {
    const f = new FeedStore(fleet);
    f.add("fault", 144_000, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: 165_600, repair: 21_600, hosts: 8, cause: "incident" });
    f.add("fault", 108_000, { kind: "cosmic.burst", until: 109_200, direction: 90, width: 90, racks: 350, gain: 2000, duration: 1200 });
    f.add("detection", 544, {
      policy: "baseline",
      host: "dc1/row01/rack01/host01",
      bits: [6, 7],
      outcome: "detected",
      code: "secded(72,64)",
      source: "cosmic.upset",
      repair: 600,
    });
    f.add("recovery", 2992, { policy: "baseline", job: "pretrain", action: "restart", cause: "machine.check", restoredFrom: 0, lostSec: 2992 });
    expect(f.entries.map((e) => show(feedLine(e, 200)))).toEqual([
      "1d16h0m0s fault   power.busbar      dc1/row01/busbar-a 8 hosts down, back in 6h",
      "1d6h0m0s fault   cosmic.burst      from 90° ±45°, 350 racks, x2000 for 20m",
      "    9m4s detect  detected          dc1/row01/rack01/host01 [baseline] 2-bit cosmic.upset caught by secded(72,64), reboot 10m",
      "  49m52s recover restart           [baseline] pretrain: from checkpoint at 0s, lost 49m52s (machine.check)",
    ]);
  });

  it("reads the patrol scrub's hourly report and a checkpoint that failed its CRC as sentences", () => {
    const f = new FeedStore(fleet);
    f.add("detection", 7200, {
      policy: "scrub1h",
      host: "dc1/row01/rack01/host02",
      outcome: "scrubbed",
      count: 3,
      hosts: 1,
      aggregated: true,
      source: "patrol scrub",
    });
    f.add("detection", 10_800, { policy: "scrub1h", outcome: "scrubbed", count: 41, hosts: 9, aggregated: true, source: "patrol scrub" });
    f.add("recovery", 3600, { job: "pretrain", action: "skip-checkpoint", cause: "crc32 mismatch", corrupted: 2580, restoredFrom: 1290 });
    expect(f.entries.map((e) => show(feedLine(e, 200)))).toEqual([
      "  2h0m0s detect  scrubbed          dc1/row01/rack01/host02 [scrub1h] patrol scrub cleared 3 latent errors (last hour)",
      "  3h0m0s detect  scrubbed          [scrub1h] patrol scrub cleared 41 latent errors on 9 hosts (last hour)",
      "  1h0m0s recover skip-checkpoint   pretrain: checkpoint at 43m failed its CRC, restoring the one at 21m30s",
    ]);
  });

  it("a line never passes its width", () => {
    const f = new FeedStore(fleet);
    f.add("fault", 1, { kind: "dram.fault", target: "dc1/row01/rack01/host01", mode: "column", dimm: 3, device: 8, bits: [33] });
    const line = feedLine(f.entries[0], 40);
    expect(lineWidth(line)).toBe(40);
    expect(show(line).endsWith("…")).toBe(true);
  });

  it("filters by kind and by a part of the fleet: a rack's faults include its bus bar's", () => {
    const f = new FeedStore(fleet);
    f.add("fault", 1, { kind: "cosmic.upset", target: "dc1/row01/rack01/host02" });
    f.add("fault", 2, { kind: "cosmic.upset", target: "dc1/row02/rack01/host02" });
    f.add("fault", 3, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: 9, repair: 6, hosts: 8 });
    f.add("recovery", 4, { action: "restart", job: "pretrain" });
    const at = (filter: Parameters<typeof matches>[2]) => f.entries.filter((e) => matches(fleet, e, filter)).map((e) => e.at);
    expect(at({ kind: "cosmic.upset" })).toEqual([1, 2]);
    expect(at({ ref: ref("dc1/row01/rack01") })).toEqual([1, 3]);
    expect(at({ ref: ref("dc1/row01/rack01/host02"), kind: "power.busbar" })).toEqual([3]);
    expect(refsOverlap(fleet, ref("dc1/row01/busbar-a"), ref("dc1/row01/rack04"))).toBe(false);
  });

  it("remembers the last correlated incident and when it ends, even after a flood past its cap; pins it, dim once over", () => {
    const f = new FeedStore(fleet, 4);
    f.add("fault", 10, { kind: "cosmic.burst", until: 1210, direction: 90, width: 90, racks: 4, gain: 40, duration: 1200 });
    expect(f.incident?.endSec).toBe(1210);
    f.add("fault", 20, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: null, repair: 600, hosts: 8 });
    expect(f.incident?.endSec).toBe(Infinity);
    f.add("fault", 30, { kind: "rack.fail", target: "dc1/row01/rack02", repair: 600, hosts: 4 });
    // not incidents: a host's crash, an aggregated count of a correlated kind
    f.add("fault", 40, { kind: "host.crash", target: "dc1/row02/rack04/host03", until: 640, repair: 600, hosts: 1 });
    f.add("fault", 50, { kind: "rack.fail", target: "dc1/row02/rack01", aggregated: true, count: 2 });
    for (let i = 0; i < 20; i++) f.add("fault", 60 + i, { kind: "cosmic.upset", target: "dc1/row01/rack01/host01" });
    expect(f.entries.some((e) => e.at === 30)).toBe(false);
    expect(f.incident?.entry.label).toBe("rack.fail");
    expect(f.incident?.endSec).toBe(630);
    const live = pinnedLine(f.incident!, 100, 80);
    expect(show(live)).toMatch(/^▲ {5}30s fault   rack\.fail         dc1\/row01\/rack02 4 hosts down, back in 10m$/);
    expect(live[0].tone).toBe("warn");
    expect(lineWidth(pinnedLine(f.incident!, 100, 40))).toBe(40); // cut to the width, "▲" included
    expect(pinnedLine(f.incident!, 630, 80).every((s) => s.tone === "dim")).toBe(true);
    f.clear();
    expect(f.incident).toBeUndefined();
  });

  it("scrolls back from the newest, and not past the oldest", () => {
    const entries = [1, 2, 3, 4, 5].map((at) => ({ t: "fault", at, fields: {}, label: "x" }));
    expect(feedWindow(entries, 2, 0).shown.map((e) => e.at)).toEqual([4, 5]);
    expect(feedWindow(entries, 2, 2).shown.map((e) => e.at)).toEqual([2, 3]);
    const far = feedWindow(entries, 2, 99);
    expect(far.offset).toBe(3);
    expect(far.shown.map((e) => e.at)).toEqual([1, 2]);
  });
});
