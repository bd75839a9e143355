// `fleet fit` on the real Campaign disk log (examples/field/): the faults: block it writes
// reproduces, over 20 simulated traces, the log's failure count within Poisson 3 sigma,
// its weekly index of dispersion within a factor of 1.5 and its share of same-slot repeats
// within 30 days within 30% (issue 16's bar); the fitted scenario committed beside the log
// is what a fresh fit writes; bad input exits 2 without a stack trace. The estimators
// themselves are checked on logs with known parameters in src/field/fit.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { settingsFromYaml } from "../src/field/fit-yaml.js";
import type { FailureFit } from "../src/field/fit.js";
import { type GofRow, simulateFailures } from "../src/field/gof.js";
import { buildFleet } from "../src/fleet/build.js";
import { fleetSpec } from "../src/fleet/testing.js";
import { hostCrashModel } from "../src/faults/host.js";
import { parseSettings } from "../src/faults/testing.js";
import { fleet, metricRow, tempDir } from "./helpers.js";

const LOG = "examples/field/lanl-campaign-disk-failures.csv";
const MAP = "examples/field/campaign.map.yaml";
const SCENARIO = "examples/field/campaign.yaml";
const FIT = ["fit", LOG, "--map", MAP, "--scenario", SCENARIO, "--age-at-start", "6.3y"];

describe("fleet fit on the Campaign log", () => {
  it("writes a faults: block whose traces reproduce the log's count, weekly dispersion and repeats", async () => {
    // 200 traces rather than the default 20: the log is bursty, so the mean count of 20
    // traces has a sampling sd of ~84 failures, close to the 112 the bar allows (3 sqrt(1389));
    // with 200 it is ~27, and the bar tests the model rather than the seeds.
    const r = await fleet([...FIT, "--reporter", "json", "--seeds", "200"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.err) as { gof: { rows: GofRow[] }; unit: string; units: number; yaml: string };
    expect(r.out).toBe(json.yaml);
    expect(json.unit).toBe("disk");
    expect(json.units).toBe(8064);
    const row = (key: string) => json.gof.rows.find((x) => x.key === key)!;
    const count = row("events");
    expect(count.log).toBe(1389);
    expect(Math.abs(count.mean - count.log)).toBeLessThan(3 * Math.sqrt(count.log));
    const weekly = row("weeklyDispersion");
    expect(weekly.log).toBeGreaterThan(50); // far from a Poisson process's 1
    expect(weekly.mean / weekly.log).toBeGreaterThan(1 / 1.5);
    expect(weekly.mean / weekly.log).toBeLessThan(1.5);
    const repeats = row("repeatShare");
    expect(repeats.log).toBeGreaterThan(0.07);
    expect(Math.abs(repeats.mean / repeats.log - 1)).toBeLessThan(0.3);
    // The disk model reads the block back.
    const s = settingsFromYaml(json.yaml).settings;
    expect(s.bursts.sizeMean).toBeGreaterThan(1);
    expect(s.repeat.chance).toBeGreaterThan(0);
  });

  it("prints what was fitted, the goodness-of-fit table, where the model misses, and the hourly grid of the log's times", async () => {
    const dir = tempDir("fleet-fit-");
    const out = join(dir, "fit.yaml");
    const r = await fleet([...FIT, "-o", out]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^fit examples\/field\/lanl-campaign-disk-failures\.csv: 1,389 disk failures on 8,064 disks over 811 days\n/);
    expect(r.out).toMatch(/note: 98\.\d% of the log's times fall in the same 5 minutes of the hour/);
    expect(r.out).toMatch(/\n {2}statistic +log +model mean +model 90% band\n {2}failures +1,389 /);
    expect(r.out).toMatch(/\n {2}weekly dispersion \(var\/mean\) +82\.5 /);
    expect(r.out).toMatch(/the model (fits|does not fit \d of 8 statistics)/);
    // The committed fitted scenario carries exactly this block.
    const committed = readFileSync("examples/field/campaign-fitted.yaml", "utf8");
    const written = readFileSync(out, "utf8");
    expect(committed).toContain(written.slice(written.indexOf("faults:")));
    expect(settingsFromYaml(committed)).toEqual(settingsFromYaml(written));
    // -o refuses to overwrite without --force.
    const again = await fleet([...FIT, "-o", out]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("exists; pass --force");
  });

  it("the fitted scenario runs: two copies lose blocks in most histories, three in none", async () => {
    const r = await fleet(["chaos", "examples/field/campaign-fitted.yaml", "--no-journal", "--reporter", "text"]);
    expect(r.code).toBe(1);
    const lost = metricRow(r.out, "storage.lostBlocks").map(Number);
    expect(lost).toHaveLength(3);
    expect(lost[0]).toBeGreaterThan(0);
    expect(lost[1]).toBeGreaterThan(0);
    expect(lost[2]).toBe(0);
  });

  it("exits 2 with what to fix on bad input, never a stack trace", async () => {
    const dir = tempDir("fleet-fit-bad-");
    const noScenario = await fleet(["fit", LOG, "--map", MAP]);
    expect(noScenario.code).toBe(2);
    expect(noScenario.err).toContain("--scenario FILE");
    const badAge = await fleet([...FIT.slice(0, 6), "--age-at-start", "six years"]);
    expect(badAge.code).toBe(2);
    expect(badAge.err).toContain("--age-at-start");
    const one = join(dir, "one.csv");
    writeFileSync(one, `${readFileSync(LOG, "utf8").split("\n").slice(0, 2).join("\n")}\n`);
    const tooFew = await fleet(["fit", one, "--map", MAP, "--scenario", SCENARIO]);
    expect(tooFew.code).toBe(2);
    expect(tooFew.err).toContain("a fit needs at least two");
    const junk = join(dir, "junk.csv");
    writeFileSync(junk, ",Timestamp,Server,Rack id,Enclosure,Slot,Action\n0,yesterday,4,2,1,2,cycle\n");
    const bad = await fleet(["fit", junk, "--map", MAP, "--scenario", SCENARIO]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/junk\.csv.*:2/);
    for (const x of [noScenario, badAge, tooFew, bad]) expect(x.err).not.toMatch(/\n\s+at /);
  });
});

describe("fleet fit --kind host on a log fleet generated with known parameters", () => {
  it("recovers early-life crashes, bursts and repeats through the CLI, and the traces reproduce the log", async () => {
    const dir = tempDir("fleet-fit-host-");
    // 40 racks of 20 hosts (800 hosts), 3 years of crashes.
    const fleetYaml = "fleet:\n  datacenters:\n    - { name: dc1, rows: 2, racksPerRow: 20, hostsPerRack: 20 }\n";
    writeFileSync(join(dir, "fleet.yaml"), `name: hosts\nduration: 3y\n${fleetYaml}`);
    const spec = fleetSpec({ rows: 2, racksPerRow: 20, hostsPerRack: 20 });
    const fleetOf = buildFleet(spec);
    const truth = parseSettings(
      hostCrashModel,
      `{ ageAtStart: 0s, ageSpread: 0s, hazard: [{ until: 1y, afr: 120% }, { afr: 40% }],
         bursts: { size: 3, dispersion: 8, spread: 20m, sameRack: 70% }, repeat: { chance: 15%, after: 3d } }`,
    );
    const span = 3 * 365 * 86400;
    const points = simulateFailures(spec, fleetOf, { unit: "host", settings: truth }, span, 77);
    const start = Date.UTC(2020, 0, 1) / 1000;
    const rows = points.map((p) => {
      const [, row, rack, host] = /row(\d+)\/rack(\d+)\/host(\d+)/.exec(fleetOf.idOf({ kind: "host", index: p.host }))!;
      return `${Math.round(start + p.timeSec)},${+row},${+rack},${+host}`;
    });
    writeFileSync(join(dir, "crashes.csv"), `when,row,rack,host\n${rows.join("\n")}\n`);
    writeFileSync(join(dir, "map.yaml"), 'time: { column: when, format: epoch }\nkind: host\ntarget: "dc1/row{row:02}/rack{rack:02}/host{host:02}"\n');
    const r = await fleet(["fit", join(dir, "crashes.csv"), "--map", join(dir, "map.yaml"), "--scenario", join(dir, "fleet.yaml"), "--reporter", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.err) as { unit: string; fit: FailureFit; gof: { rows: GofRow[] }; yaml: string };
    expect(json.unit).toBe("host");
    expect(json.yaml).toContain("  - host:\n");
    const fit = json.fit;
    // ~2,500 crashes: early life 120%, then 40% per host-year (within 20%).
    expect(fit.pieces.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(fit.pieces[0].afrPerYear / 1.2 - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.pieces[fit.pieces.length - 1].afrPerYear / 0.4 - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.bursts.sizeMean / 3 - 1)).toBeLessThan(0.25);
    expect(Math.abs(fit.repeat.chance / 0.15 - 1)).toBeLessThan(0.3);
    const count = json.gof.rows.find((x) => x.key === "events")!;
    expect(Math.abs(count.mean - count.log)).toBeLessThan(3 * Math.sqrt(count.log * 8));
    expect(settingsFromYaml(json.yaml).unit).toBe("host");
  });
});
