// The before/after table of a counterfactual.
import { describe, expect, it } from "vitest";
import { parseSlo } from "../slo/slo.js";
import { beforeAfter, change, formatBeforeAfter } from "./before-after.js";

const slos = [parseSlo("training.goodput", ">= 0.9", "fraction"), parseSlo("silentCorruptions", "== 0", "count")];

describe("beforeAfter", () => {
  it("has one row per SLO with marks, then the other metrics that changed; fault counts never", () => {
    const t = beforeAfter(
      slos,
      { baseline: { "training.goodput": 0.5, silentCorruptions: 3, "faults.host.crash": 4, "training.checkpoints": 10, "fleet.availability": 0.99 } },
      { strict: { "training.goodput": 0.95, silentCorruptions: 0, "faults.host.crash": 4, "training.checkpoints": 40, "fleet.availability": 0.99 } },
    );
    expect(t.sloRows.map((r) => [r.metric, r.before.baseline, r.after.strict])).toEqual([
      ["training.goodput", { value: 0.5, ok: false }, { value: 0.95, ok: true }],
      ["silentCorruptions", { value: 3, ok: false }, { value: 0, ok: true }],
    ]);
    expect(t.otherRows.map((r) => r.metric)).toEqual(["training.checkpoints"]);
    expect(t.sameEverywhere).toBe(1);
    expect(change(t.otherRows[0], t)).toBe(30);
    expect(formatBeforeAfter(t)).toBe(
      [
        "metric                SLO     before: baseline  after: strict  change",
        "--------------------  ------  ----------------  -------------  ------",
        "training.goodput      >= 0.9  0.5 ✗             0.95 ✓         +0.45",
        "silentCorruptions     == 0    3 ✗               0 ✓            -3",
        "",
        "training.checkpoints          10                40             +30",
        "(1 other metric equal in every column not shown; fault counts are the same trace)",
      ].join("\n"),
    );
  });

  it("marks a metric a lane did not report as a breach, shown as -", () => {
    const t = beforeAfter(
      slos,
      { a: { "training.goodput": 0.95, silentCorruptions: 0 }, b: { silentCorruptions: 0 } },
      { c: { "training.goodput": 0.91, silentCorruptions: 1 } },
    );
    expect(t.sloRows[0].before.b).toEqual({ value: NaN, ok: false });
    const text = formatBeforeAfter(t, { unicode: false });
    expect(text.split("\n")[0]).toBe("metric             SLO     before: a  before: b  after: c");
    expect(text).toContain("training.goodput   >= 0.9  0.95 ok    - FAIL     0.91 ok");
    expect(text).toContain("silentCorruptions  == 0    0 ok       0 ok       1 FAIL");
  });

  it("shows values in their metric's unit, as the SLO beside them is written", () => {
    const p999 = parseSlo("serving.p999", "<= 150ms", "seconds");
    const t = beforeAfter([p999], { a: { "serving.p999": 0.2001 } }, { b: { "serving.p999": 0.0809 } });
    const row = formatBeforeAfter(t).split("\n")[2];
    expect(row).toMatch(/^serving\.p999 +<= 150ms +200ms ✗ +80\.9ms ✓ +-119ms$/);
  });

  it("says when the scenario states no SLOs", () => {
    const t = beforeAfter([], { a: { x: 1 } }, { b: { x: 1 } });
    expect(formatBeforeAfter(t)).toContain("(the scenario states no SLOs)");
  });
});
