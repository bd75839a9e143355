// `fleet validate`: ok and a one-line summary for good files; for broken ones, exit 2 and
// every error with file:line:column, never a stack trace.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleet, tempDir } from "./helpers.js";

const GOOD = readFileSync("test/fixtures/small.yaml", "utf8");

describe("fleet validate", () => {
  it("prints ok with a summary for every scenario shipped", async () => {
    const r = await fleet(["validate", "scenarios/cosmic.yaml", "test/fixtures/small.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "ok scenarios/cosmic.yaml: 11,200 hosts, 700 racks, 90 bus bars, 2 datacenters, 3 workloads, 15 faults, 2 policies, 3d simulated\n" +
        "ok test/fixtures/small.yaml: 640 hosts, 40 racks, 12 bus bars, 2 datacenters, 0 workloads, 4 faults, 0 policies, 10d simulated\n",
    );
  });

  it("prints a warning, with where and why, for an SLO no policy can change, and still exits 0", async () => {
    const dir = tempDir();
    const file = join(dir, "scope.yaml");
    writeFileSync(file, `${readFileSync("test/fixtures/gate-small.yaml", "utf8")}  faults.host.crash: "== 0"\n`);
    const r = await fleet(["validate", file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok /);
    expect(r.err).toMatch(/scope\.yaml:\d+:\d+ slo\["faults\.host\.crash"\]: warning: SLO on faults\.host\.crash: no policy can change it/);
  });

  it("refuses an SLO on a workload the scenario does not have, or a service it does not name, with a did-you-mean", async () => {
    const dir = tempDir();
    const file = join(dir, "absent.yaml");
    const serving = "  - serving: { name: search, shards: 2, replicas: 2, qps: 10, firstHost: 40, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms } }\n";
    const text = readFileSync("test/fixtures/gate-small.yaml", "utf8").replace(/\nfaults:/, `\n${serving}faults:`);
    writeFileSync(file, `${text}  storage.availability: ">= 0.99"\n  serving.serch.p999: "<= 150ms"\n`);
    const r = await fleet(["validate", file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /absent\.yaml:\d+:\d+ slo\["storage\.availability"\]: SLO on storage\.availability: the scenario has no storage workload to measure it/,
    );
    expect(r.err).toMatch(
      /slo\["serving\.serch\.p999"\]: SLO on serving\.serch\.p999: the scenario has no serving workload named serch .*did you mean serving\.search\.p999\?/,
    );
  });

  const broken: [string, string, RegExp][] = [
    [
      "unknown key",
      GOOD.replace("repair: 6h }", "repair: 6h, mtbff: 2y }"),
      /:10:\d+ faults\[0\]\.busbar\.mtbff: unknown key "mtbff" \(did you mean "mtbf"\?\)/,
    ],
    ["wrong type", GOOD.replace("rows: 4,", "rows: many,"), /:7:\d+ fleet\.datacenters\[0\]\.rows: expected a whole number, found "many"/],
    ["bad unit", GOOD.replace("repair: 6h }", "repair: 6 hours }"), /:10:\d+ faults\[0\]\.busbar\.repair: expected a duration like/],
    ["negative duration", GOOD.replace("duration: 10d", "duration: -10d"), /:4:11 duration: expected a duration that is not negative, found "-10d"/],
    ["empty file", "", /:1:1 the file is empty/],
    ["not YAML at all", "{{{ [[[ this is : not : yaml", /:1:\d+ not valid YAML/],
    ["binary junk", "\u0000\u0001\u0002garbage", /NUL bytes|not valid YAML/],
    [
      "unknown target",
      GOOD.replace("busbar: dc1/row02/busbar-a", "busbar: dc1/row02/busbar-q"),
      /:14:13 faults\[3\]\.busbar: no "dc1\/row02\/busbar-q".*.*dc1\/row02\/busbar-b/,
    ],
  ];
  for (const [what, text, want] of broken) {
    it(`exits 2 with line:column on ${what}`, async () => {
      const dir = tempDir();
      const f = join(dir, "x.yaml");
      writeFileSync(f, text);
      const r = await fleet(["validate", f]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(want);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it("reports all errors of a file at once", async () => {
    const dir = tempDir();
    const f = join(dir, "x.yaml");
    writeFileSync(f, GOOD.replace("rows: 4,", "rows: -4,").replace("repair: 6h }", "repair: 6 hours }").replace("seed: 11", "seed: eleven"));
    const r = await fleet(["validate", f]);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n").at(-1)).toBe(`3 errors in ${f}`);
  });
});
