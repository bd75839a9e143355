// How the screen is shared, top to bottom: the header (2 lines), the fleet map (a title
// line and the map), the SLO board beside the trend charts, the feed (a title line and at
// least 3 entries), the key legend (1 or 2 lines). The map gets the finest layout that
// leaves the rest their minimum; the feed gets whatever is left. Heights add up to
// exactly `height` (the caller passes the terminal's rows minus one, so the frame never
// scrolls the terminal).
import { layoutMap, type MapLayout, type MapShape } from "./map-layout.js";

export interface ScreenPlan {
  width: number;
  height: number;
  header: number;
  mapBody: number;
  mid: number;
  feedRows: number;
  legend: number;
  boardWidth: number;
  trendsWidth: number;
  boardRows: number;
  charts: number;
  map: MapLayout;
}

export const HEADER_LINES = 2;
export const MIN_FEED_ROWS = 3;
export const GAP = 2;

export function planScreen(shape: MapShape, width: number, height: number, slos: number, legendLines: number): ScreenPlan {
  const charts = 3;
  // The board: a head line and its SLO rows; on a short screen only 3 rows (it scrolls).
  const boardRows = Math.max(1, Math.min(slos, height >= 36 ? 6 : 3));
  const mid = Math.max(1 + boardRows, 1 + charts);
  const fixed = HEADER_LINES + 1 /* map title */ + mid + 1 /* feed title */ + legendLines;
  const mapMax = Math.max(1, height - fixed - MIN_FEED_ROWS);
  const map = layoutMap(shape, width, mapMax);
  const mapBody = Math.min(map.height, mapMax);
  const feedRows = Math.max(0, height - fixed - mapBody);
  const trendsWidth = Math.min(60, Math.max(24, Math.floor(width * 0.42)));
  const boardWidth = Math.max(10, width - trendsWidth - GAP);
  return { width, height, header: HEADER_LINES, mapBody, mid, feedRows, legend: legendLines, boardWidth, trendsWidth, boardRows, charts, map };
}
