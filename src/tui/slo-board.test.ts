import { describe, expect, it } from "vitest";
import { parseSlo, type Verdict } from "../slo/slo.js";
import { boardCell, boardLines, sloLabel } from "./slo-board.js";

const goodput = parseSlo("training.goodput", ">= 0.90", "fraction");
const escapes = parseSlo("training.silentEscapes", "== 0", "count");
const show = (lines: { text: string }[][]) => lines.map((l) => l.map((s) => s.text).join(""));

describe("SLO board", () => {
  it("judges live values against each threshold; a value not known yet is pending", () => {
    expect(boardCell(goodput, "baseline", { "training.goodput": 0.95 }, undefined)).toEqual({ value: 0.95, ok: true });
    expect(boardCell(goodput, "baseline", { "training.goodput": 0.5 }, undefined)).toEqual({ value: 0.5, ok: false });
    expect(boardCell(goodput, "baseline", {}, undefined)).toEqual({ value: undefined, ok: undefined });
  });

  it("the final verdicts replace the live values", () => {
    const final: Verdict[] = [{ policy: "baseline", metric: "training.goodput", op: ">=", threshold: 0.9, value: 0.07679, ok: false }];
    expect(boardCell(goodput, "baseline", { "training.goodput": 0.95 }, final)).toEqual({ value: 0.07679, ok: false });
  });

  it("a long metric name is cut in the middle so the workload and the comparison stay whole", () => {
    expect(sloLabel(escapes, 40)).toBe("training.silentEscapes == 0");
    expect(sloLabel(escapes, 20)).toBe("training.…capes == 0");
    // Too narrow for the workload too: cut from the left.
    expect(sloLabel(escapes, 14)).toBe("…tEscapes == 0");
  });

  it("shows each value in the unit of its threshold", () => {
    const avail = parseSlo("serving.availability", ">= 99.95%", "fraction");
    const p999 = parseSlo("serving.p999", "<= 150ms", "seconds");
    const lines = boardLines(
      [{ text: "SLOs" }],
      [avail, p999],
      ["base"],
      { base: { "serving.availability": 0.99938, "serving.p999": 0.2001 } },
      undefined,
      46,
      3,
    );
    expect(show(lines).slice(1)).toEqual(["serving.availability >= 99.95%        99.94% ✗", "serving.p999 <= 150ms                  200ms ✗"]);
  });

  it("when the SLOs do not all fit, the last row counts the ones out of view and their breaches", () => {
    const slos = [goodput, escapes, parseSlo("training.lostWorkHours", "<= 10h", "hours"), parseSlo("faults.host.crash", "== 0", "count")];
    const live = { a: { "training.goodput": 0.95, "training.silentEscapes": 0, "training.lostWorkHours": 30, "faults.host.crash": 2 } };
    const lines = show(boardLines([{ text: "SLOs" }], slos, ["a"], live, undefined, 40, 3));
    expect(lines.slice(1)).toEqual(["training.goodput >= 0.90          0.95 ✓", "training.silentEscapes == 0          0 ✓", "+2 more, 2 ✗"]);
    const scrolled = show(boardLines([{ text: "SLOs" }], slos, ["a"], live, undefined, 40, 3, 2));
    expect(scrolled.slice(1)).toEqual(["training.lostWorkHours <= 10h     1d6h ✗", "faults.host.crash == 0               2 ✗", "+2 more (scroll), 0 ✗"]);
  });

  it("one column per policy, a tick or a cross in each cell", () => {
    const lines = boardLines(
      [{ text: "SLOs live" }],
      [goodput, escapes],
      ["baseline", "hardened"],
      { baseline: { "training.goodput": 0.2112, "training.silentEscapes": 3 }, hardened: { "training.goodput": 0.9 } },
      undefined,
      46,
      3,
    );
    expect(show(lines)).toEqual([
      "SLOs live                   baseline  hardened",
      "training.goodput >= 0.90    0.2112 ✗     0.9 ✓",
      "training.…lentEscapes == 0       3 ✗         …",
    ]);
    expect(lines[1][2].tone).toBe("bad");
    expect(lines[1][4].tone).toBe("ok");
  });

  it("says so when the scenario has no SLOs", () => {
    expect(show(boardLines([{ text: "SLOs" }], [], ["default"], {}, undefined, 30, 3))[1].trim()).toBe("no SLOs in this scenario");
  });
});
