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

  it("a long metric name is cut from the left so the comparison stays whole", () => {
    expect(sloLabel(escapes, 40)).toBe("training.silentEscapes == 0");
    expect(sloLabel(escapes, 20)).toBe("…silentEscapes == 0");
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
      "…aining.silentEscapes == 0       3 ✗         …",
    ]);
    expect(lines[1][2].tone).toBe("bad");
    expect(lines[1][4].tone).toBe("ok");
  });

  it("says so when the scenario has no SLOs", () => {
    expect(show(boardLines([{ text: "SLOs" }], [], ["default"], {}, undefined, 30, 3))[1].trim()).toBe("no SLOs in this scenario");
  });
});
