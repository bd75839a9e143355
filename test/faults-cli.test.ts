// `fleet faults` in-process, on a small scenario written to a temp folder: the seed line
// first, counts per kind against the configured rates, domains, the correlated timeline
// with the scheduled bus bar at its exact time, and the digest; JSON the same; bad
// input exits 2 with the formatted issues.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/base/errors.js";
import { faultsCommand, formatFaultsText, type FaultsReport } from "../src/cli/faults.js";
import type { Io } from "../src/base/io.js";
import { tempDir } from "./helpers.js";

function io(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
    env: { NO_COLOR: "1" },
    cwd: process.cwd(),
    stdout: () => out,
    stderr: () => err,
  };
}

/** 2 rows x 8 racks x 16 hosts = 256 hosts per datacenter, two datacenters. */
function scenario(faults: string, name = "s.yaml"): string {
  const dir = tempDir("fleet-faults-cli-");
  const file = join(dir, name);
  writeFileSync(
    file,
    `name: small
seed: 42
duration: 3d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 8, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
    - { name: dc2, rows: 2, racksPerRow: 8, hostsPerRack: 16 }
faults:
${faults}
`,
  );
  return file;
}

const FAULTS = `  - straggler: { hosts: 2%, slowdown: 5x, duration: 20m, throttled: 1% }
  - mercurialCore: { hosts: 1%, rate: 2/h }
  - busbar: { mtbf: 3y, repair: 6h }
  - at: 30h
    busbar: dc1/row02/busbar-a
    repair: 8h
  - { at: 2h, straggler: dc2/row01/rack03/host07, slowdown: 10x, duration: 1h }`;

describe("fleet faults", () => {
  const file = scenario(FAULTS);

  it("prints the seed line first, counts against expectations, domains, the timeline and the digest", () => {
    const t = io();
    expect(faultsCommand([file], t)).toBe(0);
    expect(t.stderr()).toBe("");
    const lines = t.stdout().trimEnd().split("\n");
    expect(lines[0]).toBe(`seed=42 hosts=512 racks=32 duration=3d scenario=${file}  # reproduce: fleet faults ${file} --seed 42 --duration 3d`);
    const out = t.stdout();
    expect(out).toContain("faults by kind (expected from the configured rates; band: ±2 sigma; ! outside)");
    // 512 hosts x 2% in 20m episodes over 3 days: 10.24 x (1 + 216) episodes + 5.12 throttled
    // hosts, plus the one scheduled episode (certain).
    const straggler = lines.find((l) => /^\s+straggler\s/.test(l))!;
    const [, observed, expected] = /straggler\s+([\d,]+)\s+([\d,.]+)/.exec(straggler)!;
    expect(Number(expected.replace(/,/g, ""))).toBe(Math.round(10.24 * 217 + 5.12 + 1));
    expect(Math.abs(Number(observed.replace(/,/g, "")) - (10.24 * 217 + 5.12 + 1))).toBeLessThan(4 * Math.sqrt(10.24 * 217));
    expect(out).toMatch(/^\s+mercurial\.corrupt\s+[\d,]+\s+[\d,.]+\s+[\d,.]+\.\.[\d,.]+/m);
    expect(out).toMatch(/faults by datacenter \(top 2 of 2\)\n\s+datacenter\s+faults\s+most\n\s+dc[12]\s/);
    expect(out).toMatch(/faults by row \(top 4 of 4\)/);
    // the scheduled bus bar, at its exact time and target, 4 racks x 16 hosts down for 8h
    expect(out).toMatch(/correlated events \(\d+\)\n\s+time\s+kind\s+target\s+duration\s+hosts\n/);
    expect(out).toMatch(/\n\s+1d6h0m0s\s+power\.busbar\s+dc1\/row02\/busbar-a\s+8h\s+64\n/);
    expect(lines.at(-1)).toMatch(/^digest [0-9a-f]{64}  \([\d,]+ fault records, [\d,]+ events\)$/);
  });

  it("reproduces from the seed line, and another seed gives another trace", () => {
    const run = (argv: string[]) => {
      const t = io();
      expect(faultsCommand(argv, t)).toBe(0);
      return t.stdout();
    };
    const a = run([file]);
    expect(run([file, "--seed", "42", "--duration", "3d"])).toBe(a);
    const b = run([file, "--seed", "43"]);
    expect(b.split("\n")[0]).toMatch(/^seed=43 /);
    expect(b.split("\n").at(-2)).not.toBe(a.split("\n").at(-2));
    expect(run([file, "--duration", "1d"]).split("\n")[0]).toMatch(/ duration=1d /);
  });

  it("prints the same as one JSON object with --reporter json", () => {
    const text = io();
    faultsCommand([file], text);
    const t = io();
    expect(faultsCommand([file, "--reporter", "json"], t)).toBe(0);
    const out = t.stdout();
    expect(out.trimEnd().split("\n")).toHaveLength(1);
    const r = JSON.parse(out) as FaultsReport & { seedLine: string };
    expect(r.seedLine).toBe(`seed=42 hosts=512 racks=32 duration=3d scenario=${file}`);
    expect(r).toMatchObject({ seed: 42, hosts: 512, racks: 32, durationSec: 3 * 86400, name: "small" });
    expect(text.stdout()).toContain(`digest ${r.digest}`);
    const straggler = r.kinds.find((k) => k.kind === "straggler")!;
    expect(straggler.expected).toBeCloseTo(10.24 * 217 + 5.12 + 1, 6);
    expect(straggler.low).toBeCloseTo(straggler.expected! - 2 * Math.sqrt(straggler.expected!), 6);
    expect(straggler.outside).toBe(straggler.observed < straggler.low! || straggler.observed > straggler.high!);
    expect(r.correlated).toContainEqual({ at: 30 * 3600, kind: "power.busbar", target: "dc1/row02/busbar-a", durationSec: 8 * 3600, hosts: 64 });
    expect(r.datacenters.map((d) => d.id).sort()).toEqual(["dc1", "dc2"]);
    const sum = (xs: { total: number }[]) => xs.reduce((a, d) => a + d.total, 0);
    expect(sum(r.rows)).toBe(sum(r.datacenters));
  });

  it("describes each failure process as a log would: bursts show as weekly overdispersion, repeats as repeats", () => {
    const disks = (extra: string) =>
      scenario(`  - disk: { afr: 8%, wearOut: 30y, lse: 0, slow: 0, replace: 1h${extra} }\n  - host: { mtbf: 5y }`, "disks.yaml");
    const run = (file: string) => {
      const t = io();
      expect(faultsCommand([file, "--duration", "2y", "--reporter", "json"], t)).toBe(0);
      return JSON.parse(t.stdout()) as FaultsReport;
    };
    const plain = run(disks(""));
    const bursty = run(disks(", bursts: { size: 5, dispersion: 30, spread: 1h }, repeat: { chance: 20%, after: 3d }"));
    const disk = (r: FaultsReport) => r.processes.find((p) => p.kind === "disk.fail")!;
    // 512 hosts x 4 disks at 8% a year: ~330 failures in two years either way.
    expect(disk(plain).weeklyDispersion).toBeLessThan(2);
    expect(disk(bursty).weeklyDispersion).toBeGreaterThan(4); // ~30 in the long run; one trace of ~65 bursts shows less
    expect(disk(plain).repeatShare).toBeLessThan(0.02);
    expect(disk(bursty).repeatShare).toBeGreaterThan(0.1);
    expect(disk(bursty).byYear).toHaveLength(2);
    expect(plain.processes.map((p) => p.kind)).toContain("host.crash");
    const t = io();
    expect(faultsCommand([disks(""), "--duration", "2y"], t)).toBe(0);
    expect(t.stdout()).toMatch(/failure processes[^\n]*\n\s+kind\s+failures\s+per year\s+by year\s+weekly var\/mean/);
  });

  it("draws the band of a clustered count from the model's variance: the showcase's bursts and co-located job are inside it", () => {
    const t = io();
    expect(faultsCommand(["scenarios/cosmic.yaml"], t)).toBe(0);
    const out = t.stdout();
    // co-located: 60 of 1,200 hosts (a binomial draw) x 36 two-hour steps: sd 36 x sqrt(1,200 x 0.05 x 0.95) = 271.8
    expect(out).toMatch(/\n\s+colocated\.load\s+2,376\s+2,160\s+1,616\.\.2,704\s+2,376\n/);
    // a burst's upsets come together: the Poisson band (3,550..3,793) would flag seed 42's 4,527
    expect(out).toMatch(/\n\s+cosmic\.upset\s+4,527\s+3,672\s+647\.\.6,696\s+4,527\n/);
  });

  it("marks a kind whose count falls outside its band", () => {
    const report: FaultsReport = {
      seed: 1,
      scenario: "x.yaml",
      name: "x",
      hosts: 16,
      racks: 1,
      durationSec: 3600,
      kinds: [
        { kind: "disk.fail", observed: 40, hostsHit: 0, expected: 20, low: 20 - 2 * Math.sqrt(20), high: 20 + 2 * Math.sqrt(20), outside: true },
        { kind: "host.crash", observed: 21, hostsHit: 21, expected: 20, low: 20 - 2 * Math.sqrt(20), high: 20 + 2 * Math.sqrt(20), outside: false },
        { kind: "machine.check", observed: 2, hostsHit: 2, expected: null, low: null, high: null, outside: false },
      ],
      rows: [],
      datacenters: [],
      correlated: [],
      processes: [],
      records: 0,
      events: 0,
      digest: "0".repeat(64),
    };
    const text = formatFaultsText(report);
    expect(text).toMatch(/\n\s+disk\.fail\s+40\s+20\s+11\.1\.\.28\.9\s+!\n/);
    expect(text).toMatch(/\n\s+host\.crash\s+21\s+20\s+11\.1\.\.28\.9\s+21\n/);
    expect(text).toMatch(/\n\s+machine\.check\s+2\s+-\s+2\n/);
    expect(text).toContain("1 kind outside the band");
  });

  it("exits 2 with the formatted issues for a bad scenario, naming the closest real target", () => {
    const bad = scenario("  - { at: 30h, busbar: dc1/row03/busbar-a }");
    const t = io();
    expect(faultsCommand([bad], t)).toBe(2);
    expect(t.stdout()).toBe("");
    expect(t.stderr()).toBe(`${bad}:9:24 faults[0].busbar: no "dc1/row03/busbar-a" in the fleet (did you mean "dc1/row02/busbar-a"?)\n1 error in ${bad}\n`);
  });

  it("refuses bad usage", () => {
    expect(() => faultsCommand([], io())).toThrow(UsageError);
    expect(() => faultsCommand([file, "--reporter", "xml"], io())).toThrow(/--reporter must be one of text, json/);
    expect(() => faultsCommand([file, "--duration", "soon"], io())).toThrow(/--duration: expected a duration/);
    expect(() => faultsCommand([file, "--sed", "1"], io())).toThrow(/did you mean --seed/);
  });
});
