import { describe, expect, it } from "vitest";
import { DISK_FAIL, DISK_SLOW } from "../../faults/disk.js";
import { busbarModel } from "../../faults/power.js";
import { hostCrashModel } from "../../faults/host.js";
import { DAY, HOUR, MINUTE } from "../../faults/testing.js";
import { DAMAGED, EMPTY } from "./blocks.js";
import { storeHarness } from "./testing.js";

// 100 hosts: 5 rows x 4 racks x 5 hosts, 2 bus bars per row (10 bus bars of 10 hosts,
// 2 racks each), 4 disks per host.
const FLEET = { rows: 5, racksPerRow: 4, hostsPerRack: 5, power: { busbarsPerRow: 2 } };
const N = 100;

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/** |observed - expected| within k standard deviations of a binomial count. */
function expectBinomial(observed: number, trials: number, p: number, k = 4): void {
  const mean = trials * p;
  const sd = Math.sqrt(trials * p * (1 - p));
  expect(Math.abs(observed - mean), `observed ${observed}, expected ${mean.toFixed(1)} ± ${(k * sd).toFixed(1)}`).toBeLessThan(k * sd);
}

const hostsOfBusbar = (b: number) => Array.from({ length: 10 }, (_, i) => b * 10 + i);

describe("losing hosts at once: theory (hypergeometric) vs the store", () => {
  // With random placement, a block's R copies sit on R distinct hosts drawn uniformly, so
  // when k hosts lose their disks at one instant a block is lost with probability
  // C(k, R) / C(N, R), independently of the other blocks.
  for (const [R, k, blocks] of [
    [3, 10, 300_000],
    [3, 20, 100_000],
    [2, 10, 100_000],
  ] as const) {
    it(`R=${R}, ${k} of ${N} hosts lose every disk: lost blocks ~ Binomial(${blocks}, C(${k},${R})/C(${N},${R}))`, () => {
      const { h, store, failHost } = storeHarness(FLEET, { blocks }, { replication: R, placement: "random" }, 7);
      const hosts = Array.from({ length: k }, (_, i) => (i * 37 + 11) % N); // spread over the fleet
      expect(new Set(hosts).size).toBe(k);
      for (const host of hosts) failHost(host, HOUR);
      h.sim.run({ until: HOUR });
      const lost = store.metrics(h.sim.now)["storage.lostBlocks"];
      expectBinomial(lost, blocks, choose(k, R) / choose(N, R));
      expect(store.audit()).toEqual([]);
    });
  }

  it("all failures within one bus bar: power-aware loses nothing; random and rack-aware lose what theory says", () => {
    // Two copies; bus bar 4 feeds racks 8 and 9 (hosts 40..49). Random: both copies among
    // its 10 hosts, C(10,2)/C(100,2). Rack-aware: the first copy there (10/100) and the
    // second on the other rack of the bus bar (5 of the 95 hosts outside the first's rack).
    const blocks = 300_000;
    const lostUnder = (placement: "random" | "power-aware" | "rack-aware") => {
      const { h, store, failHost } = storeHarness(FLEET, { blocks }, { replication: 2, placement }, 3);
      for (const host of hostsOfBusbar(4)) failHost(host, HOUR);
      h.sim.run({ until: HOUR });
      expect(store.audit()).toEqual([]);
      return store.metrics(h.sim.now)["storage.lostBlocks"];
    };
    expect(lostUnder("power-aware")).toBe(0);
    expectBinomial(lostUnder("random"), blocks, choose(10, 2) / choose(100, 2));
    expectBinomial(lostUnder("rack-aware"), blocks, 0.1 * (5 / 95));
  });
});

describe("re-replication", () => {
  it("makes a failed disk's copies again in bytes / bandwidth: n copies of 64 MiB at 1 MB/s per host x 100 hosts", () => {
    const blockBytes = 64 * 2 ** 20;
    const { h, store, records } = storeHarness(FLEET, { blocks: 20_000, blockBytes }, { replication: 3, reReplication: 1e6 }, 5);
    const disk = store.table.diskId(42, 1);
    const n = store.table.disks.held[disk];
    expect(n).toBeGreaterThan(100);
    h.sim.at(2 * HOUR, () => h.trace.emit(DISK_FAIL, { kind: "host", index: 42 }, { untilSec: 2 * HOUR + DAY, detail: { disk: 1 } }));
    h.sim.run({ until: 3 * DAY });
    const m = store.metrics(h.sim.now);
    expect(m["storage.reReplicatedBytes"]).toBe(n * blockBytes);
    const done = records.filter((r) => r.t === "milestone" && r.fields.event === "re-replicated");
    expect(done).toHaveLength(1);
    expect(done[0].fields.copies).toBe(n);
    const expectedSec = (n * blockBytes) / (1e6 * N);
    expect(((done[0].fields.completedAt as number) - 2 * HOUR) / expectedSec).toBeCloseTo(1, 9);
    // Block-hours under-replicated: copy i waits i copy-times, so sum = c (1 + 2 + ... + n).
    const c = blockBytes / (1e6 * N);
    expect(m["storage.underReplicatedBlockHours"] * 3600).toBeCloseTo((c * n * (n + 1)) / 2, 3);
    expect(m["storage.lostBlocks"]).toBe(0);
    expect(store.audit()).toEqual([]);
  });

  it("repairs blocks with one live copy before blocks with two (fewest live copies first)", () => {
    const blockBytes = 2 ** 20;
    const { h, store, failHost } = storeHarness(FLEET, { blocks: 50_000, blockBytes }, { replication: 3, reReplication: 1e6 }, 9);
    const A = 10,
      B = 60;
    const onA = (b: number) => store.block(b).hosts.includes(A);
    const onB = (b: number) => store.block(b).hosts.includes(B);
    const both: number[] = [],
      one: number[] = [];
    for (let b = 0; b < 50_000; b++) {
      if (onA(b) && onB(b)) both.push(b);
      else if (onA(b) || onB(b)) one.push(b);
    }
    expect(both.length).toBeGreaterThan(5);
    failHost(A, HOUR);
    failHost(B, HOUR);
    const c = blockBytes / (1e6 * N);
    // Just after the last of the |both| first copies: every block that had one live copy
    // has two, and not one block that had two live copies has been touched yet.
    h.sim.run({ until: HOUR + (both.length + 0.5) * c });
    expect(both.every((b) => store.block(b).live === 2)).toBe(true);
    expect(one.every((b) => store.block(b).live === 2)).toBe(true);
    h.sim.run({ until: HOUR + (both.length * 2 + one.length + 0.5) * c });
    expect([...both, ...one].every((b) => store.block(b).live === 3)).toBe(true);
    expect(store.audit()).toEqual([]);
  });

  it("waits reReplicateAfter (10m30s) before copying a down host's blocks: a reboot costs nothing", () => {
    const { h, store } = storeHarness(FLEET, { blocks: 10_000 }, { replication: 3, reReplication: 1e6 }, 2);
    h.fire(hostCrashModel, h.fleet.hostId(33), { repair: 10 * MINUTE }, HOUR);
    h.sim.run({ until: 2 * HOUR });
    expect(store.metrics(h.sim.now)["storage.reReplicatedBytes"]).toBe(0);
    expect(store.metrics(h.sim.now)["storage.underReplicatedBlockHours"]).toBeGreaterThan(0);

    h.fire(hostCrashModel, h.fleet.hostId(33), { repair: 2 * DAY }, 3 * HOUR);
    h.sim.run({ until: 3 * HOUR + 10.4 * MINUTE });
    expect(store.metrics(h.sim.now)["storage.reReplicatedBytes"]).toBe(0);
    h.sim.run({ until: 6 * HOUR });
    let onHost = 0;
    for (let d = 0; d < 4; d++) onHost += store.table.disks.held[store.table.diskId(33, d)];
    const copied = store.metrics(h.sim.now)["storage.reReplicatedBytes"] / store.table.blockBytes;
    expect(copied).toBe(onHost); // each of the dead host's copies made again elsewhere
    // Under-replicated: 10 minutes of reboot, then 10m30s before the copies start (plus
    // the copies themselves, ~0.01 s each).
    const hours = store.metrics(h.sim.now)["storage.underReplicatedBlockHours"];
    expect(hours / ((onHost * (600 + 630)) / 3600)).toBeGreaterThan(1);
    expect(hours / ((onHost * (600 + 630)) / 3600)).toBeLessThan(1.01);
    // The host comes back with its copies: every block it holds has 4 live copies, one too
    // many, and one of the four (any) is deleted.
    h.sim.run({ until: 4 * DAY });
    expect(store.metrics(h.sim.now)["storage.excessDeleted"]).toBe(onHost);
    for (let b = 0; b < 10_000; b++) expect(store.block(b).live).toBe(3);
    expect(store.audit()).toEqual([]);
  });
});

describe("placement of new copies", () => {
  // 2 rows of 5 racks x 4 hosts, one bus bar per row: 40 hosts, 2 bus bars.
  const TWO_BUSBARS = { rows: 2, racksPerRow: 5, hostsPerRack: 4, power: { busbarsPerRow: 1 } };

  it("never puts two copies under one bus bar: while the only other bus bar is down, blocks wait", () => {
    const { h, store } = storeHarness(TWO_BUSBARS, { blocks: 5_000, noRebootFraction: 1 }, { replication: 2, placement: "power-aware" }, 8);
    h.fire(busbarModel, "dc1/row01/busbar-a", { repair: 6 * HOUR }, HOUR);
    h.sim.run({ until: 6 * HOUR });
    const m = store.metrics(h.sim.now);
    expect(m["storage.reReplicatedBytes"]).toBe(0); // no host outside row 1's bus bar and the other copy's
    expect(m["storage.unavailableBlockHours"]).toBe(0);
    expect(store.audit()).toEqual([]);
    // Power returns, no host of row 1 comes back with its disks: every block gets its
    // second copy again, in row 1 (whose hosts are up, blank), and none is lost.
    h.sim.run({ until: 2 * DAY });
    const after = store.metrics(h.sim.now);
    expect(after["storage.hostsNotRebooted"]).toBe(20);
    expect(after["storage.reReplicatedBytes"]).toBe(5_000 * store.table.blockBytes);
    expect(after["storage.lostBlocks"]).toBe(0);
    expect(store.audit()).toEqual([]);
  });

  it("puts a new copy in another domain when there is one: rack-aware copies stay in distinct racks", () => {
    const { h, store, failHost } = storeHarness(FLEET, { blocks: 20_000 }, { replication: 3, placement: "rack-aware" }, 8);
    for (const host of [0, 1, 2, 3, 4, 50]) failHost(host, HOUR); // rack 1 and one more host
    h.sim.run({ until: DAY });
    expect(store.metrics(h.sim.now)["storage.reReplicatedBytes"]).toBeGreaterThan(0);
    expect(store.queue.queued).toBe(0);
    expect(store.audit()).toEqual([]);
  });
});

describe("latent sector errors and scrubbing", () => {
  it("a scrub finds every damaged copy within one interval, after half an interval on average", () => {
    const interval = DAY;
    const { h, store, records, damage } = storeHarness(FLEET, { blocks: 20_000 }, { replication: 3, scrub: interval }, 4);
    const n = 400;
    // Copies spread over blocks and slots, damaged at times spread over ten days.
    const S = store.table.perBlock;
    for (let i = 0; i < n; i++) damage(((i * 149 + 3) % 20_000) * S + (i % 3), (i / n) * 10 * DAY + 7);
    h.sim.run({ until: 12 * DAY });
    const m = store.metrics(h.sim.now);
    expect(m["storage.damagedCopies"]).toBe(n);
    expect(m["storage.lseFoundByScrub"]).toBe(n);
    const latent = records.filter((r) => r.fields.action === "lse-found").map((r) => r.fields.latentSec as number);
    expect(latent).toHaveLength(n);
    expect(Math.max(...latent)).toBeLessThan(interval);
    const mean = latent.reduce((a, b) => a + b, 0) / n;
    // Uniform on [0, I): mean I/2, standard error I / sqrt(12 n).
    expect(Math.abs(mean - interval / 2)).toBeLessThan((4 * interval) / Math.sqrt(12 * n));
    expect(m["storage.reReplicatedBytes"]).toBe(n * store.table.blockBytes);
    expect(store.audit()).toEqual([]);
  });

  it("without scrubbing, damage stays hidden until a re-replication reads the copy", () => {
    const { h, store, damage, failHost } = storeHarness(FLEET, { blocks: 2_000 }, { replication: 3, scrub: "off" }, 6);
    // Block 0's first copy is damaged; then its second copy's host loses its disks.
    damage(0, HOUR);
    const second = store.block(0).hosts[1];
    failHost(second, 2 * HOUR);
    h.sim.run({ until: 3 * HOUR });
    expect(store.metrics(h.sim.now)["storage.lseFoundByScrub"]).toBe(0);
    // The copy for block 0 read either the third copy (good) or the damaged first one
    // first (in slot order): the first one, found by that read.
    expect(store.metrics(h.sim.now)["storage.lseFoundByRead"]).toBe(1);
    expect(store.block(0).states.filter((s) => s === DAMAGED)).toHaveLength(0);
    expect(store.block(0).good).toBe(3);
    expect(store.audit()).toEqual([]);
  });

  it("a block is lost when its last good copy goes, even while a damaged copy still looks live", () => {
    const { h, store, damage, failHost, records } = storeHarness(FLEET, { blocks: 2_000 }, { replication: 2, scrub: "off" }, 6);
    damage(0, HOUR);
    failHost(store.block(0).hosts[1], 2 * HOUR);
    h.sim.run({ until: 2 * HOUR });
    const b = store.block(0);
    expect(b.lost).toBe(true);
    expect(b.states).toContain(DAMAGED);
    expect(b.states).toContain(EMPTY);
    expect(store.metrics(h.sim.now)["storage.lostBytes"]).toBeGreaterThanOrEqual(store.table.blockBytes);
    expect(records.some((r) => r.fields.action === "data-loss" && r.at === 2 * HOUR)).toBe(true);
    expect(store.audit()).toEqual([]);
  });
});

describe("power outages: unavailable, and lost only with hosts that do not come back", () => {
  const outage = (placement: "random" | "power-aware", noRebootFraction: number, seed = 11) => {
    const s = storeHarness(FLEET, { blocks: 200_000, noRebootFraction }, { replication: 3, placement }, seed);
    s.h.fire(busbarModel, "dc1/row03/busbar-a", { repair: 6 * HOUR }, HOUR);
    return s;
  };

  it("a bus bar outage makes random placement's blocks with every copy under it unavailable for the outage, power-aware's none", () => {
    const r = outage("random", 0);
    const under = hostsOfBusbar(4);
    let all = 0;
    for (let b = 0; b < 200_000; b++) if (r.store.block(b).hosts.every((x) => x < 0 || under.includes(x))) all++;
    expectBinomial(all, 200_000, choose(10, 3) / choose(100, 3));
    r.h.sim.run({ until: DAY });
    const m = r.store.metrics(r.h.sim.now);
    expect(m["storage.unavailableBlockHours"]).toBeCloseTo(all * 6, 6);
    expect(m["storage.unavailableBlocksMax"]).toBe(all);
    expect(m["storage.lostBlocks"]).toBe(0);
    expect(r.store.audit()).toEqual([]);

    const p = outage("power-aware", 0);
    p.h.sim.run({ until: DAY });
    const pm = p.store.metrics(p.h.sim.now);
    expect(pm["storage.unavailableBlockHours"]).toBe(0);
    expect(pm["storage.underReplicatedBlockHours"]).toBeGreaterThan(0);
    expect(pm["storage.availability"]).toBe(1);
    expect(p.store.audit()).toEqual([]);
  });

  it("when no host comes back, random loses C(10,3)/C(100,3) of its blocks and power-aware none", () => {
    const r = outage("random", 1);
    r.h.sim.run({ until: DAY });
    const m = r.store.metrics(r.h.sim.now);
    expect(m["storage.hostsNotRebooted"]).toBe(10);
    expectBinomial(m["storage.lostBlocks"], 200_000, choose(10, 3) / choose(100, 3));
    expect(r.store.audit()).toEqual([]);
    const p = outage("power-aware", 1);
    p.h.sim.run({ until: DAY });
    expect(p.store.metrics(p.h.sim.now)["storage.hostsNotRebooted"]).toBe(10);
    expect(p.store.metrics(p.h.sim.now)["storage.lostBlocks"]).toBe(0);
    expect(p.store.audit()).toEqual([]);
  });

  it("the same hosts fail to come back whatever the placement (a hash of seed, host and time, not a stream)", () => {
    const lostHosts = (placement: "random" | "power-aware") => {
      const s = outage(placement, 0.3);
      s.h.fire(busbarModel, "dc1/row01/busbar-b", { repair: 2 * HOUR }, 3 * DAY);
      s.h.sim.run({ until: 5 * DAY });
      return s.records.filter((x) => x.fields.action === "host-lost").map((x) => `${x.at} ${x.fields.host}`);
    };
    const a = lostHosts("random");
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThan(20);
    expect(lostHosts("power-aware")).toEqual(a);
  });
});

describe("invariants under every fault at once", () => {
  it("counts stay equal to a recount from the copies after months of disk, LSE, host, rack and power faults", async () => {
    const { diskModel } = await import("../../faults/disk.js");
    const { rackModel } = await import("../../faults/rack.js");
    const { parseSettings } = await import("../../faults/testing.js");
    const run = (seed: number) => {
      // Small disks (200 MB, half full), so that latent sector errors land on copies.
      const s = storeHarness(
        { ...FLEET, host: { diskBytes: 2e8 } },
        { blocks: 20_000, noRebootFraction: 0.2 },
        { replication: 2, placement: "power-aware", scrub: 3 * DAY },
        seed,
        120 * DAY,
      );
      s.h.start(diskModel.create(parseSettings(diskModel, "{ afr: 50%, lse: 100%, lseCluster: 8, replace: 6h }")), "faults.disk", 120 * DAY);
      s.h.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 30d, repairFraction: 50%, repair: 1d }")), "faults.host", 120 * DAY);
      s.h.start(rackModel.create(parseSettings(rackModel, "{ mtbf: 60d }")), "faults.rack", 120 * DAY);
      s.h.start(busbarModel.create(parseSettings(busbarModel, "{ mtbf: 60d, repair: 4h }")), "faults.busbar", 120 * DAY);
      s.h.sim.run({ until: 120 * DAY });
      return s;
    };
    const a = run(21);
    expect(a.store.audit()).toEqual([]);
    const m = a.store.metrics(a.h.sim.now);
    expect(m["storage.damagedCopies"]).toBeGreaterThan(10);
    expect(m["storage.hostsNotRebooted"]).toBeGreaterThan(0);
    expect(m["storage.reReplicatedBytes"]).toBeGreaterThan(0);
    // Determinism: the same seed gives the same metrics.
    expect(run(21).store.metrics(120 * DAY)).toEqual(m);
  });
});

describe("slow disks (disk.slow)", () => {
  const blockBytes = 64 * 2 ** 20;
  /** Copier seconds per copy at 1 MB/s per host, 100 hosts up. */
  const c = blockBytes / (1e6 * N);
  const slowDisks = (h: ReturnType<typeof storeHarness>["h"], hosts: number[], atSec: number, forSec: number, factor: number) =>
    h.sim.at(atSec, () => {
      for (const host of hosts)
        for (let d = 0; d < 4; d++) h.trace.emit(DISK_SLOW, { kind: "host", index: host }, { untilSec: atSec + forSec, detail: { disk: d, factor } });
    });
  const reReplicatedBy = (records: ReturnType<typeof storeHarness>["records"]) => {
    const done = records.filter((r) => r.t === "milestone" && r.fields.event === "re-replicated");
    expect(done).toHaveLength(1);
    return { copies: done[0].fields.copies as number, at: done[0].fields.completedAt as number };
  };

  it("a copy read from a slow disk takes `factor` times as long: the next copy waits for it", () => {
    // Two copies: every block of the failed disk has one source, and every disk is 3x slow.
    const { h, store, records } = storeHarness(FLEET, { blocks: 5_000, blockBytes }, { replication: 2, reReplication: 1e6 }, 5);
    const n = store.table.disks.held[store.table.diskId(42, 1)];
    slowDisks(
      h,
      Array.from({ length: N }, (_, i) => i),
      HOUR - 1,
      DAY,
      3,
    );
    h.sim.at(HOUR, () => h.trace.emit(DISK_FAIL, { kind: "host", index: 42 }, { untilSec: HOUR + DAY, detail: { disk: 1 } }));
    h.sim.run({ until: 2 * DAY });
    const r = reReplicatedBy(records);
    expect(r.copies).toBe(n);
    // Copy k completes at k c plus the extra (3 - 1) c of every copy before it.
    expect((r.at - HOUR) / (c * (n + (n - 1) * 2))).toBeCloseTo(1, 9);
    expect(store.audit()).toEqual([]);
  });

  it("re-replication reads a copy on a disk that runs normally when the block has one", () => {
    // Three copies; every disk of hosts 50..99 runs 20x slow. A block of the failed disk
    // (on host 42) pays the factor only when both its other copies are on slow hosts.
    const { h, store, records } = storeHarness(FLEET, { blocks: 5_000, blockBytes }, { replication: 3, reReplication: 1e6 }, 5);
    const failed = store.table.diskId(42, 1);
    const n = store.table.disks.held[failed];
    let slowOnly = 0;
    for (let b = 0; b < 5_000; b++) {
      const v = store.block(b);
      const k = v.hosts.indexOf(42);
      if (k < 0 || store.table.slotDisk[b * store.table.perBlock + k] !== 1) continue;
      if (v.hosts.every((host, i) => i === k || v.states[i] === EMPTY || host >= 50)) slowOnly++;
    }
    expect(slowOnly).toBeGreaterThan(10);
    expect(slowOnly).toBeLessThan(n / 2);
    slowDisks(
      h,
      Array.from({ length: 50 }, (_, i) => 50 + i),
      HOUR - 1,
      DAY,
      20,
    );
    h.sim.at(HOUR, () => h.trace.emit(DISK_FAIL, { kind: "host", index: 42 }, { untilSec: HOUR + DAY, detail: { disk: 1 } }));
    h.sim.run({ until: 2 * DAY });
    const r = reReplicatedBy(records);
    expect(r.copies).toBe(n);
    // Reading the first copy of each block blindly would pay 20x for about half of them.
    const took = (r.at - HOUR) / c;
    expect(took).toBeGreaterThanOrEqual(n + 19 * (slowOnly - 1) - 1e-6);
    expect(took).toBeLessThanOrEqual(n + 19 * slowOnly + 1e-6);
    expect(store.audit()).toEqual([]);
  });

  it("the scrub reaches a damaged copy on a slow disk when the slow episode ends", () => {
    const interval = DAY;
    const { h, store, records, damage } = storeHarness(FLEET, { blocks: 2_000 }, { replication: 3, scrub: interval }, 4);
    const slot = 17 * store.table.perBlock;
    const host = store.table.slotHost[slot];
    const disk = store.table.slotDisk[slot];
    h.sim.at(HOUR - 1, () => h.trace.emit(DISK_SLOW, { kind: "host", index: host }, { untilSec: HOUR + 3 * DAY, detail: { disk, factor: 10 } }));
    damage(slot, HOUR);
    h.sim.run({ until: 6 * DAY });
    const found = records.filter((r) => r.fields.action === "lse-found");
    expect(found).toHaveLength(1);
    // A scrub pass would have found it within a day; the slow disk held it back to the end.
    expect(found[0].at).toBe(HOUR + 3 * DAY);
    expect(store.metrics(h.sim.now)["storage.lseFoundByScrub"]).toBe(1);
  });
});
