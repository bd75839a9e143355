// `fleet explain` on a scenario with two known causes: a bus bar that takes half the fleet
// away from a training job with no spares (it waits for the repair: there are not enough
// other hosts), and a host throttled for the whole run (a synchronous job runs at its
// pace). Explain must rank them by what they cost, and the rows must add up.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

const SCENARIO = readFileSync("test/fixtures/two-causes.yaml", "utf8");

describe("fleet explain", () => {
  const dir = tempDir("fleet-explain-");
  const file = join(dir, "two-causes.yaml");
  writeFileSync(file, SCENARIO);

  it("ranks the throttled host and the bus bar by what they cost, and the rows add up to the total", async () => {
    const r = await fleet(["explain", file, "--reporter", "json", "--serial"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      explanations: {
        policy: string;
        metric: string;
        value: number;
        faultFree: number;
        total: number;
        shortfall: number;
        rows: { id: string; label: string; level: number; cost: number }[];
      }[];
    };
    expect(j.explanations).toHaveLength(1);
    const e = j.explanations[0];
    expect(e.metric).toBe("training.goodput");
    expect(e.shortfall).toBeCloseTo(0.95 - e.value, 12);
    const top = e.rows.filter((x) => x.level === 1);
    // Ranked: the throttled host (~1 - 1/1.3 of the run), then the bus bar (12 h of 72 waiting).
    expect(top[0].label).toMatch(/^straggler dc1\/row02\/rack01\/host03 at 0s/);
    expect(top[1].label).toMatch(/^busbar dc1\/row01\/busbar-a at 10h/);
    expect(top[0].cost).toBeGreaterThan(0.15);
    expect(top[1].cost).toBeGreaterThan(0.1);
    expect(top[1].cost).toBeLessThan(top[0].cost);
    // The host crash model did little; interactions close the sum exactly.
    const sum = top.reduce((a, x) => a + x.cost, 0);
    expect(sum).toBeCloseTo(e.total, 12);
    expect(e.total).toBeCloseTo(e.faultFree - e.value, 12);
  });

  it("leads the text with the answer and fits 80 columns", async () => {
    const r = await fleet(["explain", file, "--serial"]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(`${lines[2]} ${lines[3].trim()}`).toMatch(
      /^plain: training\.goodput 0\.\d+ >= 0\.95 breached by 0\.\d+; without any fault 0\.\d+, so faults cost \+0\.\d+$/,
    );
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(r.out).toMatch(/\n {2}straggler dc1\/row02\/rack01\/host03 at 0s \(scheduled\) +\+0\.\d+\n {2}busbar dc1\/row01\/busbar-a at 10h/);
  });

  it("says what to try for the two costliest causes, and each suggestion, applied, raises goodput", async () => {
    const r = await fleet(["explain", file, "--serial"]);
    expect(r.out).toMatch(/\n {2}try: straggler \(\+0\.\d+\): swap slow hosts out of the job \(drainSlowerThan:\n {7}1\.2x\)\n/);
    expect(r.out).toMatch(/\n {2}try: busbar \(\+0\.\d+\): keep running on the hosts left while the domain is down\n {7}\(onLoss: shrink\)\n/);
    const goodput = async (policy: string) => {
      const f = join(dir, `p${policy.length}.yaml`);
      writeFileSync(f, SCENARIO.replace("  plain: { checkpoint: 1h }", `  plain: ${policy}`));
      const c = await fleet(["chaos", f, "--reporter", "json", "--no-journal"]);
      return (JSON.parse(c.out.slice(c.out.indexOf("{"))) as { metrics: { plain: Record<string, number> } }).metrics.plain["training.goodput"];
    };
    const before = await goodput("{ checkpoint: 1h }");
    expect(await goodput("{ checkpoint: 1h, drainSlowerThan: 1.2x }")).toBeGreaterThan(before + 0.1);
    expect(await goodput("{ checkpoint: 1h, onLoss: shrink }")).toBeGreaterThan(before + 0.05);
  });

  it("fleet chaos points at the explanation when an SLO breached", async () => {
    const c = await fleet(["chaos", file, "--no-journal", "--reporter", "text"]);
    expect(c.code).toBe(1);
    // the command on its line when the comment would pass 80 columns (this file's path is long)
    expect(c.out).toMatch(
      new RegExp(`\\n(explain: fleet explain ${file} --seed 3  # 1 breach, by fault|explain the 1 breach by fault:\\n  fleet explain ${file} --seed 3)\\n`),
    );
    // before it, the answer from the run's own tally: both causes' mechanisms and what to try for each
    expect(c.out).toContain(
      "\nplain: 1 ✗ of 1\n  why: training lost 27h: slow participants 14h, waiting for hosts 12h,\n       checkpoint stalls 1.0h, redo 0.7h, restarts 0.1h\n" +
        "  try: swap slow hosts out (drainSlowerThan: 1.2x)\n  try: keep hot spares (spares: 2%)\n",
    );
    const d = await fleet(["chaos", file, "--no-journal", "--reporter", "text", "--seed", "5", "--duration", "24h"]);
    expect(d.out).toContain(`fleet explain ${file} --seed 5 --duration 1d`);
  });

  it("says there is nothing to explain when every SLO holds, and explains a named metric anyway", async () => {
    const ok = join(dir, "ok.yaml");
    writeFileSync(ok, SCENARIO.replace('">= 0.95"', '">= 0.1"'));
    const r = await fleet(["explain", ok, "--serial"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("every SLO holds: nothing to explain");
    const m = await fleet(["explain", ok, "--serial", "--metric", "training.goodput", "--reporter", "markdown"]);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/\*\*plain: training\.goodput 0\.\d+ >= 0\.1 holds; faults cost \+0\.\d+/);
    const bad = await fleet(["explain", ok, "--metric", "nope"]);
    expect(bad.code).toBe(2);
  });
});
