// `fleet sweep` end to end, in-process, on the small gate scenario: the best point is the
// argmax of the table it prints, one or two settings, threads match serial, and a bad
// --set is an exit-2 error naming what to fix, before any run; an existing --json file is
// kept without --force; SIGTERM or Ctrl-C writes the points so far, marked partial, exit 130.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

const SMALL = "test/fixtures/gate-small.yaml";

interface SweepJson {
  best: number;
  goal: string;
  policy: string;
  metric: string;
  points: { settings: string[]; mean: number; n: number; perSeed: { seed: number; value: number; digest: string }[] }[];
}

describe("fleet sweep", () => {
  it("sweeps the naive checkpoint interval: a table, a chart, and the best point is the table's argmax", async () => {
    const dir = tempDir();
    const json = join(dir, "sweep.json");
    const r = await fleet(["sweep", SMALL, "--set", "policies.naive.checkpoint=30m..8h:5", "--seeds", "3", "--duration", "5d", "--serial", "--json", json]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("sweep: 5 points x 3 seeds = 15 runs on serial, in this thread\n");
    // defaults: the policy the path is under, the first SLO's metric, max because it is ">="
    expect(r.out).toContain("metric: training.goodput of policy naive, goal max; mean over seeds with a Student-t 95% interval of the mean");
    const j = JSON.parse(readFileSync(json, "utf8")) as SweepJson;
    expect([j.policy, j.metric, j.goal]).toEqual(["naive", "training.goodput", "max"]);
    expect(j.points.map((p) => p.settings[0])).toEqual(["30m", "2h23m", "4h15m", "6h8m", "8h"]);

    // the table printed: one row per point; the row marked best has the highest mean
    const rows = r.out
      .split("\n")
      .filter((l) => /^\d+h?\d*m?\s+\d/.test(l))
      .map((l) => ({ setting: l.split(/\s+/)[0], mean: Number(l.split(/\s+/)[1]), best: l.includes("★ best") }));
    expect(rows.map((x) => x.setting)).toEqual(j.points.map((p) => p.settings[0]));
    const argmax = j.points.reduce((b, p, i) => (p.mean > j.points[b].mean ? i : b), 0);
    expect(j.best).toBe(argmax);
    expect(rows.findIndex((x) => x.best)).toBe(argmax);
    expect(rows.filter((x) => x.best)).toHaveLength(1);
    // the means really differ across the grid, so picking the best is not trivial
    expect(new Set(j.points.map((p) => p.mean)).size).toBe(5);
    expect(r.out).toMatch(/^best: policies\.naive\.checkpoint = \S+: training\.goodput [\d.]+ \[[\d.]+, [\d.]+\] \(3 seeds\)$/m);
    expect(r.out).toContain("┤"); // the chart
    expect(r.out).toContain("★");
  });

  it("takes two settings as a grid and draws a heat table; serial gives the same numbers", async () => {
    const dir = tempDir();
    const args = [
      "sweep",
      SMALL,
      "--set",
      "policies.hardened.spares=0%..10%:3",
      "--set",
      "policies.hardened.checkpoint=30m..2h:2",
      "--seeds",
      "2",
      "--duration",
      "3d",
    ];
    const a = await fleet([...args, "--jobs", "2", "--json", join(dir, "a.json")]);
    const b = await fleet([...args, "--serial", "--json", join(dir, "b.json")]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.out).toContain("metric: training.goodput of policy hardened, goal max");
    expect(a.out).toMatch(/^policies\.hardened\.spares \\ policies\.hardened\.checkpoint +30m +2h$/m);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(readFileSync(join(dir, "b.json"), "utf8"));
    expect((JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as SweepJson).points).toHaveLength(6);
  });

  it("exits 2 on a bad --set before any run, naming what to fix", async () => {
    const run = (set: string, ...more: string[]) => fleet(["sweep", SMALL, "--set", set, "--seeds", "2", ...more]);

    const policy = await run("policies.naiv.checkpoint=1h..4h:4");
    expect(policy.code).toBe(2);
    expect(policy.err.split("\n")[0]).toBe(
      'fleet sweep: --set policies.naiv.checkpoint: "policies" has no "naiv" (did you mean "naive"?); it has: naive, hardened',
    );
    expect(policy.err).not.toContain("runs on");

    const key = await run("policies.naive.chekpoint=1h..4h:4");
    expect(key.code).toBe(2);
    expect(key.err).toMatch(
      /with policies\.naive\.chekpoint=3600s the scenario is invalid: policies\.naive\.chekpoint: unknown key.*did you mean "checkpoint"/,
    );

    const value = await run("policies.naive.spares=-5%..5%:3");
    expect(value.code).toBe(2);
    expect(value.err).toMatch(/with policies\.naive\.spares=-5% the scenario is invalid: policies\.naive\.spares: /);

    const range = await run("policies.naive.checkpoint=1h..4:4");
    expect(range.code).toBe(2);
    expect(range.err.split("\n")[0]).toBe(
      "fleet sweep: --set policies.naive.checkpoint=1h..4:4: FROM and TO should be the same kind of value, found a duration (1h) and a number (4)",
    );

    expect((await run("policies.naive.checkpoint=1h..4h")).err).toContain("expected PATH=FROM..TO:STEPS");
    expect((await run("policies.naive.checkpoint=1h..4h:4", "--metric", "training.goodptu")).err).toContain(
      'unknown metric "training.goodptu" (did you mean "training.goodput"?)',
    );
    expect((await run("policies.naive.checkpoint=1h..4h:4", "--policy", "hardend")).err).toContain(
      'the scenario has no policy "hardend" (did you mean "hardened"?)',
    );
    expect((await run("policies.naive.checkpoint=1h..4h:4", "--metric", "training.rollbacks")).err).toContain(
      "no SLO of the scenario says which way training.rollbacks is better; give --goal max or --goal min",
    );
    expect((await fleet(["sweep", SMALL])).err).toContain("sweep needs a --set PATH=FROM..TO:STEPS");
  });

  it("keeps an existing --json file unless --force, deciding before any run", async () => {
    const dir = tempDir();
    const json = join(dir, "sweep.json");
    writeFileSync(json, "{}\n");
    const args = ["sweep", SMALL, "--set", "policies.naive.checkpoint=1h..2h:2", "--seeds", "2", "--duration", "1d", "--serial", "--json", json];
    const kept = await fleet(args);
    expect(kept.code).toBe(2);
    expect(kept.err.split("\n")[0]).toBe(`fleet sweep: --json ${json} already exists; pass --force to overwrite it or choose another path`);
    expect(readFileSync(json, "utf8")).toBe("{}\n");
    const forced = await fleet([...args, "--force"]);
    expect(forced.code).toBe(0);
    expect((JSON.parse(readFileSync(json, "utf8")) as SweepJson).points.length).toBe(2);
  });

  it("on SIGTERM (as on Ctrl-C) writes the points so far, marked partial, and exits 130 (the real binary)", async () => {
    const json = join(tempDir(), "sweep.json");
    const child = spawn(
      process.execPath,
      ["bin/fleet.js", "sweep", SMALL, "--set", "policies.naive.checkpoint=1h..8h:8", "--seeds", "5", "--duration", "200d", "--jobs", "2", "--json", json],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    let sent = false;
    child.stderr.on("data", (d) => {
      err += d;
      if (!sent && /sweep: \d+\/40 runs/.test(err)) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(err).toContain("SIGTERM: stopping; the runs that finished are written, marked partial");
    expect(out).toMatch(/PARTIAL: \d+ of 40 runs finished/);
    const j = JSON.parse(readFileSync(json, "utf8")) as SweepJson & { partial: boolean; exitCode: number };
    expect([j.partial, j.exitCode]).toEqual([true, 130]);
    const done = j.points.reduce((n, p) => n + p.perSeed.length, 0);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(40);
    expect(existsSync(`${json}.tmp-${child.pid}`)).toBe(false);
  });
});
