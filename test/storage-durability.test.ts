// scenarios/storage-durability.yaml through `fleet chaos`: under the same six bus-bar
// outages, random and rack-aware placement lose blocks (copies on hosts that do not come
// back after the power returns) and power-aware placement does not; power-aware also keeps
// every block readable through the outages. One seed could be luck, so the claim is also
// checked on two more seeds, random against power-aware. Seed 1 is one where power-aware
// does lose a block (a disk under another bus bar failed during an outage, and the host
// holding the block's other copy did not come back): the claim there is "far fewer", not
// "none". The erasure-coded lane (rs63, RS(6,3) power-aware) loses nothing on any of them,
// copies far less during the outages, and pays in stripes left at exactly k for each outage.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleet, tempDir } from "./helpers.js";

const SCENARIO = "scenarios/storage-durability.yaml";
type Metrics = Record<string, Record<string, number>>;

async function chaos(file: string, seed?: number): Promise<{ code: number; metrics: Metrics; verdicts: { policy: string; metric: string; ok: boolean }[] }> {
  const r = await fleet(["chaos", file, "--no-journal", "--reporter", "json", ...(seed === undefined ? [] : ["--seed", String(seed)])]);
  expect(r.err).toMatch(/^seed=\d+ /); // the json reporter prints the seed line on stderr
  const doc = JSON.parse(r.out);
  return { code: r.code, metrics: doc.metrics, verdicts: doc.verdicts };
}

/** The scenario at its own seed, run once for the tests that read it. */
let atOwnSeed: ReturnType<typeof chaos> | undefined;
const ownSeed = () => (atOwnSeed ??= chaos(SCENARIO));

describe("storage-durability.yaml", () => {
  it("random and rack-aware placement lose data under the bus-bar outages, power-aware does not (seed 7, the scenario's)", async () => {
    const { code, metrics, verdicts } = await ownSeed();
    const { random, rackAware, powerAware } = metrics;
    expect(random["storage.lostBlocks"]).toBeGreaterThan(0);
    expect(random["storage.lostBytes"]).toBe(random["storage.lostBlocks"] * 128 * 2 ** 20);
    expect(rackAware["storage.lostBlocks"]).toBeGreaterThan(0);
    expect(powerAware["storage.lostBlocks"]).toBe(0);
    // For the right reason: the same hosts failed to come back in every lane (the data
    // loss comes from them), and no outage held both copies of a power-aware block: at
    // most a block or two down at once (a host crash under another bus bar during an
    // outage: seed 7 has one block down for the 10 minutes of a reboot), where random
    // placement has tens of thousands.
    expect(powerAware["storage.hostsNotRebooted"]).toBeGreaterThan(0);
    expect(random["storage.hostsNotRebooted"]).toBe(powerAware["storage.hostsNotRebooted"]);
    expect(rackAware["storage.hostsNotRebooted"]).toBe(powerAware["storage.hostsNotRebooted"]);
    expect(powerAware["storage.unavailableBlocksMax"]).toBeLessThanOrEqual(2);
    expect(powerAware["storage.unavailableBlockHours"]).toBeLessThan(1);
    // Random: about 1/9 of the blocks have both copies under one bus bar of three.
    expect(random["storage.unavailableBlocksMax"]).toBeGreaterThan(250_000 / 9 - 4 * Math.sqrt(250_000 / 9));
    expect(random["storage.availability"]).toBeLessThan(0.99);
    const verdict = (policy: string, metric: string) => verdicts.find((v) => v.policy === policy && v.metric === metric)?.ok;
    expect(verdict("random", "storage.lostBytes")).toBe(false);
    expect(verdict("rackAware", "storage.lostBytes")).toBe(false);
    expect(verdict("powerAware", "storage.lostBytes")).toBe(true);
    expect(verdict("powerAware", "storage.availability")).toBe(true);
    expect(code).toBe(1);
  });

  it("rs63: 1.5x the data instead of 2x, nothing lost, a twentieth of the repair traffic, every stripe at k through each outage (seed 7)", async () => {
    const { metrics, verdicts } = await ownSeed();
    const { powerAware, rs63 } = metrics;
    expect(rs63["storage.overhead"]).toBeCloseTo(1.5, 5);
    expect(powerAware["storage.overhead"]).toBe(2);
    expect(rs63["storage.lostBlocks"]).toBe(0);
    expect(rs63["storage.hostsNotRebooted"]).toBe(powerAware["storage.hostsNotRebooted"]);
    // Nothing can be rebuilt during an outage (the other bus bars hold three fragments
    // each): the repair reads are those of disk failures and lost hosts only.
    expect(rs63["storage.repairReadBytes"] * 10).toBeLessThan(powerAware["storage.repairReadBytes"]);
    expect(rs63["storage.repairReadBytes"]).toBe(6 * rs63["storage.reReplicatedBytes"]);
    // All 250,000 stripes under-replicated for 6 outages of 6 hours.
    expect(rs63["storage.underReplicatedBlockHours"]).toBeGreaterThan(250_000 * 6 * 6);
    // A host crash under another bus bar during an outage: its ~3,000 stripes are down to
    // five fragments, unreadable until it or the bus bar comes back.
    expect(rs63["storage.unavailableBlocksMax"]).toBeGreaterThan(1_000);
    const verdict = (metric: string) => verdicts.find((v) => v.policy === "rs63" && v.metric === metric)?.ok;
    expect(verdict("storage.lostBytes")).toBe(true);
    expect(verdict("storage.availability")).toBe(true);
  });

  it("holds on other seeds too: random loses blocks on each, power-aware at most a tenth as many in all, rs63 none", async () => {
    const file = join(tempDir(), "random-vs-power-aware.yaml");
    writeFileSync(file, readFileSync(SCENARIO, "utf8").replace(/^  rackAware: .*\n/m, ""));
    let random = 0;
    let powerAware = 0;
    for (const seed of [1, 2]) {
      const { metrics } = await chaos(file, seed);
      expect(metrics.random["storage.lostBlocks"], `seed ${seed}`).toBeGreaterThan(0);
      random += metrics.random["storage.lostBlocks"];
      powerAware += metrics.powerAware["storage.lostBlocks"];
      expect(metrics.rs63["storage.lostBlocks"], `seed ${seed}`).toBe(0);
    }
    expect(powerAware * 10).toBeLessThanOrEqual(random);
  });
});
