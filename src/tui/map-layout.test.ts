import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { CellState } from "./fold.js";
import { lineWidth, type Line } from "./line.js";
import { cellScale, layoutMap, renderMap, shapeOf, type MapShape } from "./map-layout.js";

const text = (lines: Line[]) =>
  lines.map((l) =>
    l
      .map((s) => s.text)
      .join("")
      .trimEnd(),
  );

// The showcase's floor: dc1 20 rows x 25 racks, dc2 10 rows x 20 racks (700 racks).
const cosmic: MapShape = {
  dcs: [
    { name: "dc1", rows: 20, racksPerRow: 25, firstRack: 0 },
    { name: "dc2", rows: 10, racksPerRow: 20, firstRack: 500 },
  ],
};

describe("map layout", () => {
  it("with room, one line per row and the datacenters side by side", () => {
    const l = layoutMap(cosmic, 120, 30);
    expect(l.racksPerCell).toBe(1);
    expect(l.blocks.map((b) => [b.x, b.y, b.perLine, b.lines, b.width])).toEqual([
      [0, 0, 1, 20, 25],
      [27, 0, 1, 10, 20],
    ]);
    expect(l.height).toBe(21);
  });

  it("at 80x24 (11 lines for the map) every rack keeps its cell: two rows share a line", () => {
    const l = layoutMap(cosmic, 80, 11);
    expect(cellScale(l)).toBe("1 rack/cell");
    expect(l.blocks.map((b) => [b.perLine, b.lines, b.width])).toEqual([
      [2, 10, 51],
      [1, 10, 20],
    ]);
    expect(l.height).toBe(11);
    expect(l.width).toBeLessThanOrEqual(80);
  });

  it("when racks do not fit one to a cell, a cell stands for several racks of a row", () => {
    const l = layoutMap(cosmic, 60, 6);
    expect(l.racksPerCell).toBeGreaterThan(1);
    expect(l.rowsPerCell).toBe(1);
    expect(l.height).toBeLessThanOrEqual(6);
    expect(l.width).toBeLessThanOrEqual(60);
  });

  it("a million hosts still fit 80x11, rows merged too, and say so", () => {
    const big: MapShape = { dcs: Array.from({ length: 10 }, (_, d) => ({ name: `dc${d + 1}`, rows: 100, racksPerRow: 63, firstRack: d * 6300 })) };
    const l = layoutMap(big, 80, 11);
    expect(l.clipped).toBe(false);
    expect(l.height).toBeLessThanOrEqual(11);
    expect(l.width).toBeLessThanOrEqual(80);
    expect(cellScale(l)).toMatch(/^\d+ rows x \d+ racks\/cell$/);
  });

  it("a datacenter name never makes a block wider than its cells", () => {
    const l = layoutMap({ dcs: [{ name: "a-very-long-datacenter-name", rows: 2, racksPerRow: 3, firstRack: 0 }] }, 80, 10);
    expect(l.blocks[0].width).toBe(3);
  });
});

describe("map rendering", () => {
  // 4 rows x 6 racks, facing alternates: rows 1 and 3 face east, 2 and 4 west.
  const fleet = buildFleet(fleetSpec({ rows: 4, racksPerRow: 6 }));
  const shape = shapeOf(fleet);

  it("a burst from the east lights the east-facing rows, and a bus bar blacks out its racks", () => {
    const states = new Uint8Array(fleet.rackCount);
    for (const k of fleet.racksFacing(90, 45)) states[k] = CellState.errors;
    for (const k of fleet.racksOfBusbar(fleet.resolve("dc1/row02/busbar-b")!.index)) states[k] = CellState.down;
    states[fleet.resolve("dc1/row04/rack01")!.index] = CellState.corrupt;
    const l = layoutMap(shape, 40, 10);
    expect(text(renderMap(shape, l, states))).toEqual([
      "dc1", //
      "++++++",
      "···███",
      "++++++",
      "!·····",
    ]);
  });

  it("two rows side by side when short of lines; a summarised cell shows its worst rack", () => {
    const states = new Uint8Array(fleet.rackCount);
    states[fleet.resolve("dc1/row03/rack02")!.index] = CellState.partial;
    const sideBySide = layoutMap(shape, 40, 3);
    expect(text(renderMap(shape, sideBySide, states))).toEqual(["dc1", "······ ······", "·x···· ······"]);
    const summarised = layoutMap(shape, 7, 3);
    expect(cellScale(summarised)).toBe("2 racks/cell");
    expect(text(renderMap(shape, summarised, states))).toEqual(["dc1", "··· ···", "x·· ···"]);
  });

  it("every line is exactly as wide as asked, with each state in its own tone", () => {
    const states = new Uint8Array(fleet.rackCount).fill(CellState.down);
    const lines = renderMap(shape, layoutMap(shape, 40, 10), states, 30, 6);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(lineWidth(line)).toBe(30);
    expect(lines[1]).toEqual([
      { text: "██████", tone: "down" },
      { text: " ".repeat(24), tone: undefined },
    ]);
  });
});
