// A journal at a glance, from its records alone.
import { describe, expect, it } from "vitest";
import { parseJournal } from "../journal/index.js";
import { formatOverview, isCorrelated, overview } from "./summary.js";
import { lineOf, recordRun } from "./testing.js";
import { VERSION } from "../base/version.js";

describe("overview", () => {
  it("counts records and faults and lists the correlated faults with their lines", async () => {
    const rec = await recordRun();
    const o = overview(parseJournal(rec.text), "intact");
    expect([o.scenario, o.seed, o.durationSec, o.status, o.lines]).toEqual(["replay-small", 5, 2 * 86400, "complete", rec.lines.length]);
    expect(o.recordsByType).toEqual(Object.fromEntries(Object.entries(rec.footer.recordsByType).filter(([, c]) => c > 0)));
    expect(o.faultsByKind["rack.fail"]).toBe(1);
    expect(Object.values(o.faultsByKind).reduce((a, b) => a + b, 0)).toBe(rec.footer.recordsByType.fault);
    // the scheduled rack failure of the fixture, at 20h for 2h
    expect(o.correlated).toEqual([
      { line: lineOf(rec.text, '"kind":"rack.fail"'), at: 20 * 3600, kind: "rack.fail", target: "dc1/row02/rack03", durationSec: 7200, hosts: 16 },
    ]);
    expect(o.verdicts!.map((v) => [v.policy, v.metric, v.ok])).toEqual([
      ["baseline", "training.goodput", false],
      ["baseline", "training.silentEscapes", false],
      ["hardened", "training.goodput", true],
      ["hardened", "training.silentEscapes", true],
    ]);

    const text = formatOverview(o, "run.jsonl");
    expect(text.split("\n")[0]).toBe(`journal run.jsonl: scenario=replay-small seed=5 duration=2d fleet=${VERSION} file=test/fixtures/replay.yaml`);
    expect(text).toContain("status: complete; ");
    expect(text).toMatch(/ *20h0m0s {2}rack\.fail {2}dc1\/row02\/rack03 {5}2h {5}16 +\d+\n/);
    expect(text).toContain("verdicts (from the footer)\npolicy    training.goodput >= 0.85");
    expect(text).toContain(`digest: ${rec.footer.digest}`);
  });

  it("says how far a journal without a footer got", async () => {
    const rec = await recordRun();
    const o = overview(parseJournal(rec.lines.slice(0, 100).join("")), "truncated");
    expect(o.status).toBe("no footer");
    expect(o.verdicts).toBeNull();
    expect(formatOverview(o, "x.jsonl")).toMatch(/\nstatus: no footer at \d+h\d*m? of 2d; 100 lines\n/);
  });

  it("takes only faults that hit a whole domain as correlated", () => {
    const r = (kind: string, extra: Record<string, unknown> = {}) => ({ t: "fault" as const, at: 1, kind, ...extra });
    expect(isCorrelated(r("cosmic.burst"))).toBe(true);
    expect(isCorrelated(r("power.busbar", { target: "dc1/row01/busbar-a" }))).toBe(true);
    expect(isCorrelated(r("host.crash", { target: "dc1/row01/rack01/host01" }))).toBe(false);
    expect(isCorrelated(r("power.warning", { target: "dc1/row01/busbar-a" }))).toBe(false);
    expect(isCorrelated({ t: "detection", at: 1, kind: "rack.fail" })).toBe(false);
  });
});
