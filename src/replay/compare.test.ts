// Comparing a recorded record with a re-run's, as the digest sees them.
import { describe, expect, it } from "vitest";
import { fieldName, firstCharDiff, firstDifference, shorten } from "./compare.js";

describe("firstDifference", () => {
  it("sees no difference in crc, a top-level wall, or a footer's digest", () => {
    const a = { t: "footer", at: 5, metrics: { x: 1 }, digest: "aa", wall: { finishedAt: "then" }, crc: "00000000" };
    const b = { t: "footer", at: 5, metrics: { x: 1 }, digest: "bb", wall: { finishedAt: "now" }, crc: "ffffffff" };
    expect(firstDifference(a, b)).toBeUndefined();
  });

  it("names the first differing field, nested and with dotted metric names", () => {
    const a = { t: "footer", at: 5, metrics: { baseline: { "training.goodput": 0.5, other: 1 } } };
    const b = { t: "footer", at: 5, metrics: { baseline: { "training.goodput": 0.25, other: 2 } } };
    const d = firstDifference(a, b)!;
    expect(d.path).toEqual(["metrics", "baseline", "training.goodput"]);
    expect(fieldName(d)).toBe('metrics.baseline["training.goodput"]');
    expect([d.recorded, d.rerun]).toEqual(["0.5", "0.25"]);
  });

  it("reports a field only one side has, and elements of arrays", () => {
    expect(firstDifference({ t: "fault", at: 1, a: 1 }, { t: "fault", at: 1, a: 1, b: 2 })).toMatchObject({ path: ["b"], recorded: "(absent)", rerun: "2" });
    expect(firstDifference({ t: "detection", at: 1, bits: [6, 7] }, { t: "detection", at: 1, bits: [6, 8] })).toMatchObject({
      path: ["bits", 1],
      recorded: "7",
      rerun: "8",
    });
  });

  it("treats a different key order as a difference, since the digest does", () => {
    const d = firstDifference({ t: "fault", at: 1, a: 1, b: 2 }, { t: "fault", at: 1, b: 2, a: 1 })!;
    expect(d.orderOnly).toBe(true);
    expect([d.recorded, d.rerun]).toEqual(["t,at,a,b", "t,at,b,a"]);
  });
});

describe("shorten", () => {
  it("keeps short lines whole and cuts long ones around the difference", () => {
    expect(shorten("abc", 1)).toBe("abc");
    const a = `${"x".repeat(200)}A${"y".repeat(200)}`;
    const b = `${"x".repeat(200)}B${"y".repeat(200)}`;
    const at = firstCharDiff(a, b);
    expect(at).toBe(200);
    const s = shorten(a, at, 60);
    expect(s.startsWith("…")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
    expect(s).toContain("A");
    expect([...s].length).toBe(62);
  });

  it("cuts only at the end when the difference is near the start", () => {
    const s = shorten(`A${"y".repeat(300)}`, 0, 50);
    expect(s.startsWith("A")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
  });
});
