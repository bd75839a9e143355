// The fleet map's geometry: every rack a cell, racks of a row left to right, one block
// per datacenter with its name above it; blocks are placed left to right and wrap like
// words.
//
// One rule at every size: a line of the map holds rows of one facing only, and a row is
// never split across lines. With room, each row has its line, top to bottom. When a
// datacenter is taller than the space, k rows of the same facing sit side by side on one
// line, taken in order (alternate facing, k = 2: row01 row03 | row02 row04 | row05
// row07...). When even that does not fit, one cell stands for g racks of a row (the worst
// state among them), then for the same racks of r rows of one facing. So a directional
// burst lights whole lines, the lines of the rows facing it, at 80x24 as at 200x60: never
// a half line or a checkerboard.
//
// Row labels: each line starts with the number of its first row and the direction its
// rows face (`01→`, `02←`; 8 arrows, north up); the other rows on the line are the next
// rows of that facing. Labels never cost detail: the layout is the finest that fits
// without them, then takes the widest labels that still fit: number and arrow, the arrow
// alone, or none.
//
// HOT PATH: renderMap runs every frame; the layout (and which rows go where) is worked
// out once per screen size, so a frame is one pass over the cells.
import type { Fleet } from "../fleet/fleet.js";
import { idWidth, padNumber } from "../fleet/ids.js";
import { CellState } from "./fold.js";
import { merge, type Line, type Tone } from "./line.js";
import { glyphOf, toneOfState } from "./palette.js";

export interface MapDc {
  name: string;
  rows: number;
  racksPerRow: number;
  firstRack: number;
  /** Degrees each row faces (row01 first). */
  rowFacing: readonly number[];
}

export interface MapShape {
  dcs: MapDc[];
}

export function shapeOf(fleet: Fleet): MapShape {
  return {
    dcs: fleet.spec.datacenters.map((dc, d) => {
      const firstRow = fleet.dcFirstRow[d];
      const rowFacing = Array.from({ length: dc.rows }, (_, r) => fleet.rackFacingDeg[fleet.rowFirstRack[firstRow + r]]);
      return { name: dc.name, rows: dc.rows, racksPerRow: dc.racksPerRow, firstRack: fleet.dcFirstRack[d], rowFacing };
    }),
  };
}

/** The arrow of a facing in degrees (0 north, 90 east), to the nearest of 8. */
export function facingArrow(deg: number): string {
  return "↑↗→↘↓↙←↖"[Math.round((((deg % 360) + 360) % 360) / 45) % 8];
}

/** Items 0..n-1 in groups of at most `size` of one facing, each group in order, groups ordered by their first item. */
function groupByFacing(n: number, facingOf: (i: number) => number, size: number): number[][] {
  const groups: number[][] = [];
  const open = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const f = facingOf(i);
    let g = open.get(f);
    if (!g || g.length >= size) {
      g = [];
      groups.push(g);
      open.set(f, g);
    }
    g.push(i);
  }
  return groups;
}

/** Rows of each facing in a datacenter: what the count of its lines depends on. */
function facingCounts(dc: MapDc): number[] {
  const counts = new Map<number, number>();
  for (const f of dc.rowFacing) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts.values()];
}

export type LabelKind = "number" | "arrow" | "none";

export interface BlockLayout {
  dc: number;
  /** Column and line of the block's name; its cells start one line below. */
  x: number;
  y: number;
  /** Rows of cells placed side by side on one line. */
  perLine: number;
  /** Cells across one row of cells. */
  cells: number;
  /** Lines of cells. */
  lines: number;
  width: number;
  /** Columns of the row labels, before the cells. */
  labelWidth: number;
  /** The rows (of the datacenter, from 0) under each line, slot and cell: grid[line][slot]. */
  grid: number[][][];
  /** Each line's label (empty without labels). */
  labels: string[];
}

export interface MapLayout {
  /** Racks of one row under one cell. */
  racksPerCell: number;
  /** Rows under one cell. */
  rowsPerCell: number;
  blocks: BlockLayout[];
  width: number;
  height: number;
  /** Even the coarsest map did not fit: the blocks past the space are left out. */
  clipped: boolean;
  labelKind: LabelKind;
}

const BLOCK_GAP = 2;

/** The finest map of `shape` that fits in `maxWidth` x `maxHeight`, with the widest row labels that still fit. */
export function layoutMap(shape: MapShape, maxWidth: number, maxHeight: number): MapLayout {
  const counts = shape.dcs.map(facingCounts);
  const maxRacks = Math.max(1, ...shape.dcs.map((d) => d.racksPerRow));
  const maxRows = Math.max(1, ...shape.dcs.map((d) => d.rows));
  let last: MapLayout | undefined;
  for (let r = 1; r <= maxRows; r++) {
    for (let g = 1; g <= maxRacks; g++) {
      const tallest = Math.max(...counts.map((c) => rowCellsOf(c, r)));
      // Tallest first: as few rows side by side as the height allows.
      for (let lines = tallest; lines >= 1; lines--) {
        const l = tryLayout(shape, counts, g, r, lines, maxWidth, "none");
        if (!l) break; // fewer lines only makes blocks wider
        last = l;
        if (l.height <= maxHeight) {
          for (const kind of ["number", "arrow"] as const) {
            const labelled = tryLayout(shape, counts, g, r, lines, maxWidth, kind);
            if (labelled && labelled.height <= maxHeight) return withGrid(shape, labelled);
          }
          return withGrid(shape, l);
        }
      }
    }
  }
  const coarse = last ?? tryLayout(shape, counts, maxRacks, maxRows, 1, Infinity, "none")!;
  return withGrid(shape, { ...coarse, clipped: true });
}

/** Row cells of a datacenter with these facing counts, r rows of one facing per cell. */
function rowCellsOf(counts: number[], r: number): number {
  return counts.reduce((n, c) => n + Math.ceil(c / r), 0);
}

/** Lines of a datacenter, k row cells of one facing per line. */
function linesOf(counts: number[], r: number, k: number): number {
  return counts.reduce((n, c) => n + Math.ceil(Math.ceil(c / r) / k), 0);
}

function labelWidthOf(dc: MapDc, kind: LabelKind): number {
  return kind === "number" ? idWidth(dc.rows, 2) + 1 : kind === "arrow" ? 1 : 0;
}

function tryLayout(shape: MapShape, counts: number[][], g: number, r: number, maxLines: number, maxWidth: number, labelKind: LabelKind): MapLayout | undefined {
  const blocks: BlockLayout[] = [];
  let x = 0;
  let y = 0;
  let shelf = 0;
  let width = 0;
  for (let d = 0; d < shape.dcs.length; d++) {
    const dc = shape.dcs[d];
    const rowCells = rowCellsOf(counts[d], r);
    const cells = Math.ceil(dc.racksPerRow / g);
    // The fewest rows side by side that keep to maxLines (or one line per facing).
    let perLine = Math.ceil(rowCells / maxLines);
    while (perLine < rowCells && linesOf(counts[d], r, perLine) > maxLines) perLine++;
    const lines = linesOf(counts[d], r, perLine);
    const labelWidth = labelWidthOf(dc, labelKind);
    const w = labelWidth + Math.max(perLine * cells + (perLine - 1), Math.min(dc.name.length, cells));
    if (w > maxWidth) return undefined;
    if (x > 0 && x + BLOCK_GAP + w > maxWidth) {
      y += shelf;
      x = 0;
      shelf = 0;
    }
    const bx = x === 0 ? 0 : x + BLOCK_GAP;
    blocks.push({ dc: d, x: bx, y, perLine, cells, lines, width: w, labelWidth, grid: [], labels: [] });
    x = bx + w;
    width = Math.max(width, x);
    shelf = Math.max(shelf, 1 + lines);
  }
  return { racksPerCell: g, rowsPerCell: r, blocks, width, height: y + shelf, clipped: false, labelKind };
}

/** The layout with its rows placed: r rows of one facing per cell, perLine cells of one facing per line. */
function withGrid(shape: MapShape, layout: MapLayout): MapLayout {
  const blocks = layout.blocks.map((b) => {
    const dc = shape.dcs[b.dc];
    const rowCells = groupByFacing(dc.rows, (row) => dc.rowFacing[row], layout.rowsPerCell);
    const grid = groupByFacing(rowCells.length, (c) => dc.rowFacing[rowCells[c][0]], b.perLine).map((line) => line.map((c) => rowCells[c]));
    const digits = idWidth(dc.rows, 2);
    const labels = grid.map((line) => {
      const first = line[0][0];
      const arrow = facingArrow(dc.rowFacing[first]);
      return layout.labelKind === "number" ? `${padNumber(first + 1, digits)}${arrow}` : layout.labelKind === "arrow" ? arrow : "";
    });
    return { ...b, grid, labels };
  });
  return { ...layout, blocks };
}

/**
 * The map as lines of `width` columns (at least the layout's), cells drawn with the
 * glyph of the worst state among their racks. `states` holds a CellState per rack.
 */
export function renderMap(shape: MapShape, layout: MapLayout, states: Uint8Array, width = layout.width, height = layout.height): Line[] {
  const chars: string[][] = [];
  const tones: (Tone | undefined)[][] = [];
  for (let y = 0; y < height; y++) {
    chars.push(new Array<string>(width).fill(" "));
    tones.push(new Array<Tone | undefined>(width).fill(undefined));
  }
  const put = (x: number, y: number, c: string, t?: Tone) => {
    if (y >= 0 && y < height && x >= 0 && x < width) {
      chars[y][x] = c;
      tones[y][x] = t;
    }
  };
  const g = layout.racksPerCell;
  for (const b of layout.blocks) {
    const dc = shape.dcs[b.dc];
    [...dc.name.slice(0, b.width)].forEach((c, i) => put(b.x + i, b.y, c, "title"));
    for (let line = 0; line < b.grid.length; line++) {
      const y = b.y + 1 + line;
      [...b.labels[line]].forEach((c, i) => put(b.x + i, y, c, "dim"));
      const slots = b.grid[line];
      for (let slot = 0; slot < slots.length; slot++) {
        const rows = slots[slot];
        const x0 = b.x + b.labelWidth + slot * (b.cells + 1);
        for (let c = 0; c < b.cells; c++) {
          let worst: CellState = CellState.healthy;
          for (const row of rows) {
            const first = dc.firstRack + row * dc.racksPerRow;
            for (let k = c * g; k < Math.min((c + 1) * g, dc.racksPerRow); k++) {
              const s = states[first + k] as CellState;
              if (s > worst) worst = s;
            }
          }
          put(x0 + c, y, glyphOf(worst), toneOfState(worst));
        }
      }
    }
  }
  return chars.map((row, y) => merge(row.map((c, x) => ({ text: c, tone: tones[y][x] }))));
}

/** What one cell stands for: "1 rack/cell", "4 racks/cell", "2 rows x 5 racks/cell". */
export function cellScale(layout: MapLayout): string {
  const { racksPerCell: g, rowsPerCell: r } = layout;
  const racks = `${g} rack${g === 1 ? "" : "s"}/cell`;
  return r === 1 ? racks : `${r} rows x ${racks}`;
}
