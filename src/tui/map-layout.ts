// The fleet map's geometry: every rack a cell, racks of a row left to right, rows of a
// datacenter top to bottom, one block per datacenter with its name above it. When a
// datacenter is taller than the space, several rows sit side by side on one line (row
// r on line floor(r / k), slot r % k), so rows facing one way stay whole and a
// directional burst still lights one side of the aisles. When even that does not fit,
// one cell stands for several racks of a row (then several rows), and shows the worst
// state among them. Blocks are placed left to right and wrap like words.
import type { Fleet } from "../fleet/fleet.js";
import { CellState } from "./fold.js";
import { merge, type Line, type Tone } from "./line.js";
import { glyphOf, toneOfState } from "./palette.js";

export interface MapShape {
  dcs: { name: string; rows: number; racksPerRow: number; firstRack: number }[];
}

export function shapeOf(fleet: Fleet): MapShape {
  return {
    dcs: fleet.spec.datacenters.map((dc, d) => ({ name: dc.name, rows: dc.rows, racksPerRow: dc.racksPerRow, firstRack: fleet.dcFirstRack[d] })),
  };
}

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
}

const BLOCK_GAP = 2;

/** The finest map of `shape` that fits in `maxWidth` x `maxHeight`. */
export function layoutMap(shape: MapShape, maxWidth: number, maxHeight: number): MapLayout {
  const maxRacks = Math.max(1, ...shape.dcs.map((d) => d.racksPerRow));
  const maxRows = Math.max(1, ...shape.dcs.map((d) => d.rows));
  let last: MapLayout | undefined;
  for (let r = 1; r <= maxRows; r++) {
    for (let g = 1; g <= maxRacks; g++) {
      const rowCells = shape.dcs.map((d) => Math.ceil(d.rows / r));
      const tallest = Math.max(...rowCells);
      // Tallest first: as few rows side by side as the height allows.
      for (let lines = tallest; lines >= 1; lines--) {
        const l = tryLayout(shape, g, r, lines, maxWidth);
        if (!l) break; // fewer lines only makes blocks wider
        last = l;
        if (l.height <= maxHeight) return l;
      }
    }
  }
  const coarse = last ?? tryLayout(shape, maxRacks, maxRows, 1, Infinity)!;
  return { ...coarse, clipped: true };
}

function tryLayout(shape: MapShape, g: number, r: number, maxLines: number, maxWidth: number): MapLayout | undefined {
  const blocks: BlockLayout[] = [];
  let x = 0;
  let y = 0;
  let shelf = 0;
  let width = 0;
  for (let d = 0; d < shape.dcs.length; d++) {
    const dc = shape.dcs[d];
    const rowCells = Math.ceil(dc.rows / r);
    const cells = Math.ceil(dc.racksPerRow / g);
    const perLine = Math.ceil(rowCells / maxLines);
    const lines = Math.ceil(rowCells / perLine);
    const w = Math.max(perLine * cells + (perLine - 1), Math.min(dc.name.length, cells));
    if (w > maxWidth) return undefined;
    if (x > 0 && x + BLOCK_GAP + w > maxWidth) {
      y += shelf;
      x = 0;
      shelf = 0;
    }
    const bx = x === 0 ? 0 : x + BLOCK_GAP;
    blocks.push({ dc: d, x: bx, y, perLine, cells, lines, width: w });
    x = bx + w;
    width = Math.max(width, x);
    shelf = Math.max(shelf, 1 + lines);
  }
  return { racksPerCell: g, rowsPerCell: r, blocks, width, height: y + shelf, clipped: false };
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
  const r = layout.rowsPerCell;
  for (const b of layout.blocks) {
    const dc = shape.dcs[b.dc];
    [...dc.name.slice(0, b.width)].forEach((c, i) => put(b.x + i, b.y, c, "title"));
    const rowCells = Math.ceil(dc.rows / r);
    for (let rc = 0; rc < rowCells; rc++) {
      const line = Math.floor(rc / b.perLine);
      const slot = rc % b.perLine;
      const y = b.y + 1 + line;
      for (let c = 0; c < b.cells; c++) {
        let worst: CellState = CellState.healthy;
        for (let row = rc * r; row < Math.min((rc + 1) * r, dc.rows); row++) {
          const first = dc.firstRack + row * dc.racksPerRow;
          for (let k = c * g; k < Math.min((c + 1) * g, dc.racksPerRow); k++) {
            const s = states[first + k] as CellState;
            if (s > worst) worst = s;
          }
        }
        put(b.x + slot * (b.cells + 1) + c, y, glyphOf(worst), toneOfState(worst));
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
