// `fleet fit` on the real Campaign disk log (examples/field/): the faults: block it writes
// reproduces, over 20 simulated traces, the log's failure count within Poisson 3 sigma,
// its weekly index of dispersion within a factor of 1.5 and its share of same-slot repeats
// within 30 days within 30% (issue 16's bar); the fitted scenario committed beside the log
// is what a fresh fit writes; bad input exits 2 without a stack trace. The estimators
// themselves are checked on logs with known parameters in src/field/fit.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskSettingsFromYaml } from "../src/field/fit-yaml.js";
import type { GofRow } from "../src/field/gof.js";
import { fleet, tempDir } from "./helpers.js";

const LOG = "examples/field/lanl-campaign-disk-failures.csv";
const MAP = "examples/field/campaign.map.yaml";
const SCENARIO = "examples/field/campaign.yaml";
const FIT = ["fit", LOG, "--map", MAP, "--scenario", SCENARIO, "--age-at-start", "6.3y"];

describe("fleet fit on the Campaign log", () => {
  it("writes a faults: block whose 20 traces reproduce the log's count, weekly dispersion and repeats", async () => {
    const r = await fleet([...FIT, "--reporter", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.err) as { gof: { rows: GofRow[] }; disks: number; yaml: string };
    expect(r.out).toBe(json.yaml);
    expect(json.disks).toBe(8064);
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
    const s = diskSettingsFromYaml(json.yaml);
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
    expect(r.out).toMatch(/\n {2}statistic +log +model mean +model range\n {2}failures +1,389 /);
    expect(r.out).toMatch(/\n {2}weekly dispersion \(var\/mean\) +82\.5 /);
    expect(r.out).toMatch(/the model (fits|does not fit \d of 8 statistics)/);
    // The committed fitted scenario carries exactly this block.
    const committed = readFileSync("examples/field/campaign-fitted.yaml", "utf8");
    const written = readFileSync(out, "utf8");
    expect(committed).toContain(written.slice(written.indexOf("faults:")));
    expect(diskSettingsFromYaml(committed)).toEqual(diskSettingsFromYaml(written));
    // -o refuses to overwrite without --force.
    const again = await fleet([...FIT, "-o", out]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("exists; pass --force");
  });

  it("the fitted scenario runs: two copies lose blocks in most histories, three in none", async () => {
    const r = await fleet(["chaos", "examples/field/campaign-fitted.yaml", "--no-journal", "--reporter", "text"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nstorage\.lostBlocks +[1-9]\d* +[1-9]\d* +0\n/);
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
