import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { CellState } from "./fold.js";
import { lineWidth, type Line } from "./line.js";
import { planScreen } from "./screen.js";
import { cellScale, facingArrow, layoutMap, renderMap, shapeOf, type MapShape } from "./map-layout.js";

const text = (lines: Line[]) =>
  lines.map((l) =>
    l
      .map((s) => s.text)
      .join("")
      .trimEnd(),
  );

/** Rows alternately facing east (odd) and west (even), as `facing: alternate` lays them out. */
const alternate = (rows: number) => Array.from({ length: rows }, (_, r) => (r % 2 === 0 ? 90 : 270));

// The showcase's floor: dc1 20 rows x 25 racks, dc2 10 rows x 20 racks (700 racks).
const cosmic: MapShape = {
  dcs: [
    { name: "dc1", rows: 20, racksPerRow: 25, firstRack: 0, rowFacing: alternate(20) },
    { name: "dc2", rows: 10, racksPerRow: 20, firstRack: 500, rowFacing: alternate(10) },
  ],
};

describe("map layout", () => {
  it("with room, one line per row, labelled with its number and facing, and the datacenters side by side", () => {
    const l = layoutMap(cosmic, 120, 30);
    expect(l.racksPerCell).toBe(1);
    expect(l.labelKind).toBe("number");
    expect(l.blocks.map((b) => [b.x, b.y, b.perLine, b.lines, b.width])).toEqual([
      [0, 0, 1, 20, 28],
      [30, 0, 1, 10, 23],
    ]);
    expect(l.blocks[0].labels.slice(0, 3)).toEqual(["01→", "02←", "03→"]);
    expect(l.height).toBe(21);
  });

  it("at 80x24 (11 lines for the map) every rack keeps its cell: two rows of one facing share a line", () => {
    const l = layoutMap(cosmic, 80, 11);
    expect(cellScale(l)).toBe("1 rack/cell");
    expect(l.blocks.map((b) => [b.perLine, b.lines, b.width])).toEqual([
      [2, 10, 54],
      [1, 10, 23],
    ]);
    // row01 beside row03, row02 beside row04: never an east row beside a west one
    expect(l.blocks[0].grid.slice(0, 3)).toEqual([
      [[0], [2]],
      [[1], [3]],
      [[4], [6]],
    ]);
    expect(l.blocks[0].labels.slice(0, 3)).toEqual(["01→", "02←", "05→"]);
    expect(l.height).toBe(11);
    expect(l.width).toBeLessThanOrEqual(80);
  });

  it("labels never cost a cell: without room for numbers, the arrow alone; without room for that, none", () => {
    const wide = layoutMap(cosmic, 78, 11);
    expect([cellScale(wide), wide.labelKind, wide.width]).toEqual(["1 rack/cell", "arrow", 75]);
    const tight = layoutMap(cosmic, 74, 11);
    expect([cellScale(tight), tight.labelKind, tight.width]).toEqual(["1 rack/cell", "none", 73]);
  });

  it("the arrow of a facing, to the nearest of 8, north up", () => {
    expect([0, 45, 90, 135, 180, 225, 270, 315, 359, -90, 100].map(facingArrow).join("")).toBe("↑↗→↘↓↙←↖↑←→");
  });

  it("when racks do not fit one to a cell, a cell stands for several racks of a row", () => {
    const l = layoutMap(cosmic, 60, 6);
    expect(l.racksPerCell).toBeGreaterThan(1);
    expect(l.rowsPerCell).toBe(1);
    expect(l.height).toBeLessThanOrEqual(6);
    expect(l.width).toBeLessThanOrEqual(60);
  });

  it("a million hosts still fit 80x11, rows merged too, and say so", () => {
    const big: MapShape = {
      dcs: Array.from({ length: 10 }, (_, d) => ({ name: `dc${d + 1}`, rows: 100, racksPerRow: 63, firstRack: d * 6300, rowFacing: alternate(100) })),
    };
    const l = layoutMap(big, 80, 11);
    expect(l.clipped).toBe(false);
    expect(l.height).toBeLessThanOrEqual(11);
    expect(l.width).toBeLessThanOrEqual(80);
    expect(cellScale(l)).toMatch(/^\d+ rows x \d+ racks\/cell$/);
  });

  it("a datacenter name never makes a block wider than its cells", () => {
    const l = layoutMap({ dcs: [{ name: "a-very-long-datacenter-name", rows: 2, racksPerRow: 3, firstRack: 0, rowFacing: [90, 270] }] }, 80, 10);
    expect(l.blocks[0].width).toBe(3 + 3); // its labels and cells
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
      "01→++++++",
      "02←···███",
      "03→++++++",
      "04←!·····",
    ]);
  });

  it("two rows of one facing side by side when short of lines; a summarised cell shows its worst rack", () => {
    const states = new Uint8Array(fleet.rackCount);
    states[fleet.resolve("dc1/row03/rack02")!.index] = CellState.partial;
    states[fleet.resolve("dc1/row02/rack06")!.index] = CellState.hit;
    const sideBySide = layoutMap(shape, 40, 3);
    expect(text(renderMap(shape, sideBySide, states))).toEqual(["dc1", "01→······ ·x····", "02←·····░ ······"]);
    const summarised = layoutMap(shape, 9, 3);
    expect(cellScale(summarised)).toBe("2 racks/cell");
    expect(text(renderMap(shape, summarised, states))).toEqual(["dc1", "→··· x··", "←··░ ···"]);
  });

  it("every line is exactly as wide as asked, with each state in its own tone", () => {
    const states = new Uint8Array(fleet.rackCount).fill(CellState.down);
    const lines = renderMap(shape, layoutMap(shape, 40, 10), states, 30, 6);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(lineWidth(line)).toBe(30);
    expect(lines[1]).toEqual([
      { text: "01→", tone: "dim" },
      { text: "██████", tone: "down" },
      { text: " ".repeat(21), tone: undefined },
    ]);
  });
});

describe("one layout rule at every size", () => {
  // The showcase's floor (dc1 20 rows x 25 racks, dc2 10 x 20), rows alternately facing
  // east and west; a burst from the east has lit every east-facing rack.
  const fleet = buildFleet(
    fleetSpec({
      hostsPerRack: 1,
      datacenters: [
        { rows: 20, racksPerRow: 25 },
        { rows: 10, racksPerRow: 20 },
      ],
    }),
  );
  const shape = shapeOf(fleet);
  const states = new Uint8Array(fleet.rackCount);
  for (const k of fleet.racksFacing(90, 45)) states[k] = CellState.errors;

  for (const [w, h] of [
    [80, 24],
    [120, 40],
    [200, 60],
  ]) {
    it(`at ${w}x${h} the burst lights whole lines, exactly the lines labelled as facing east`, () => {
      // As the dashboard plans it: the terminal's rows minus one, 6 SLOs, a 1-line legend.
      const plan = planScreen(shape, w, h - 1, 6, 1);
      expect(cellScale(plan.map)).toBe("1 rack/cell");
      const map = text(renderMap(shape, plan.map, states));
      let lit = 0;
      for (const b of plan.map.blocks) {
        for (let line = 0; line < b.lines; line++) {
          const row = map[b.y + 1 + line].slice(b.x, b.x + b.width);
          const label = row.slice(0, b.labelWidth);
          const cells = row.slice(b.labelWidth).replaceAll(" ", "");
          expect(label).toMatch(/^\d\d[→←]$/);
          // every cell of a line alike: the whole line lit or none of it
          expect(cells).toMatch(label.endsWith("→") ? /^\++$/ : /^·+$/);
          lit += cells.length * (label.endsWith("→") ? 1 : 0);
        }
      }
      expect(lit).toBe(fleet.racksFacing(90, 45).length);
    });
  }
});
