// From the model and the UI state to the lines of every pane, sized to the screen: all
// the dashboard's layout, as plain data. The Ink components only draw what this returns.
import type { UiState } from "./keys.js";
import { compact, eta, progressBar, simClock } from "./format.js";
import { fitLine, lineWidth, type Line, type Seg } from "./line.js";
import { cellScale, renderMap, shapeOf, type MapShape } from "./map-layout.js";
import type { DashboardModel } from "./model.js";
import { STATES } from "./palette.js";
import { MIN_FEED_ROWS, planScreen, type ScreenPlan } from "./screen.js";
import { boardLines } from "./slo-board.js";
import { formatRate, speedLabel } from "./speed.js";
import { chooseCharts, trendLines } from "./trends.js";
import { feedLine, feedWindow, matches, pinnedLine, type FeedFilter } from "./feed.js";
import { formatDuration } from "../base/units.js";
import { answerLines } from "../report/answer.js";

export type RunState = "running" | "paused" | "stopping" | "done" | "playing" | "end";

export interface HeaderState {
  state: RunState;
  speedIndex: number;
  /** Measured simulated seconds per wall second. */
  simPerWall: number;
  /** Measured engine events per wall second (live runs). */
  eventsPerSec: number;
  /** Records in the whole journal (replay). */
  recordsTotal?: number;
  /** The run's status and exit code, once it ended. */
  status?: string;
  exitCode?: number;
  /** The run is over and the dashboard waits for q. */
  waiting?: boolean;
}

export interface DashboardView {
  width: number;
  height: number;
  header: Line[];
  mapTitle: Line;
  map: Line[];
  board: Line[];
  boardWidth: number;
  trendsTitle: Line;
  trends: Line[];
  trendsWidth: number;
  feedTitle: Line;
  feed: Line[];
  legend: Line[];
}

const KEYS = {
  chaos: [
    ["space", "pause"],
    ["+/-", "speed"],
    ["n", "jump"],
    ["tab", "focus"],
    ["←→", "policy"],
    ["↑↓", "scroll"],
    ["f", "kind"],
    ["q", "quit"],
  ],
  replay: [
    ["space", "play"],
    ["+/-", "speed"],
    [".", "step"],
    ["n/N", "fault"],
    ["g", "go to"],
    ["/", "filter"],
    ["f", "kind"],
    ["tab", "focus"],
    ["←→", "policy"],
    ["↑↓", "scroll"],
    ["q", "quit"],
  ],
} as const;

/** The key legend in as few lines as fit `width` (1 or 2). */
export function legendLines(mode: "chaos" | "replay", width: number): Line[] {
  const items = KEYS[mode].map(([k, w]): Line => [{ text: k, tone: "title" }, { text: ` ${w}` }]);
  const lines: Line[] = [[]];
  for (const it of items) {
    const cur = lines[lines.length - 1];
    const add = (cur.length ? 2 : 0) + lineWidth(it);
    if (cur.length && lineWidth(cur) + add > width) lines.push([...it]);
    else cur.push(...(cur.length ? [{ text: "  " }] : []), ...it);
  }
  return lines.map((l) => fitLine(l, width));
}

/** The map's title: focus mark, "map", the policy shown, the scale, the state legend, how long marks last. */
function mapTitle(plan: ScreenPlan, policy: string, multi: boolean, focused: boolean, recentSec: number, footprintSec: number): Line {
  const head: Line = [{ text: `${focused ? "▸ " : "  "}map`, tone: focused ? "focus" : "title" }];
  if (multi) head.push({ text: ` ${policy}`, tone: "title" });
  head.push({ text: ` · ${cellScale(plan.map)}` });
  const legend = (short: boolean, gap: string): Line =>
    STATES.flatMap((s, i): Seg[] => [{ text: i ? gap : ` ${gap}` }, { text: s.glyph, tone: s.tone }, { text: ` ${short ? s.short : s.label}` }]);
  const recent: Seg = { text: ` · marks last ${formatDuration(recentSec)}, incidents ${formatDuration(footprintSec)} more`, tone: "dim" };
  for (const candidate of [
    [...head, ...legend(false, "  "), recent],
    [...head, ...legend(false, "  ")],
    [...head, ...legend(true, "  ")],
  ]) {
    if (lineWidth(candidate) <= plan.width) return fitLine(candidate, plan.width);
  }
  return fitLine([...head, ...legend(true, " ")], plan.width);
}

function header(model: DashboardModel, hs: HeaderState, width: number): Line[] {
  const i = model.info;
  const replay = i.mode === "replay";
  const state: Seg =
    hs.state === "running" || hs.state === "playing"
      ? { text: `▶ ${replay ? "playing" : "running"} at ${speedLabel(hs.speedIndex)}`, tone: "ok" }
      : hs.state === "paused"
        ? { text: `❚❚ paused (${speedLabel(hs.speedIndex)})`, tone: "warn" }
        : hs.state === "stopping"
          ? { text: "■ stopping…", tone: "warn" }
          : hs.state === "end"
            ? { text: "■ end of journal", tone: "title" }
            : { text: `■ ${hs.status ?? "done"} · exit ${hs.exitCode ?? "?"}${hs.waiting ? " · q to quit" : ""}`, tone: hs.exitCode === 0 ? "ok" : "bad" };
  const l1: Line = [
    { text: replay ? "fleet replay" : "fleet chaos", tone: "title" },
    { text: `  ${i.scenario}  seed ${i.seed}  ` },
    { text: `${simClock(model.at)} / ${simClock(i.durationSec)}`, tone: "title" },
    { text: "  " },
    state,
  ];
  const frac = i.durationSec > 0 ? model.at / i.durationSec : 0;
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const rate = `sim ${formatRate(hs.simPerWall)}`;
  let tail: string;
  if (replay) {
    tail = ` ${pct}  record ${model.records.toLocaleString("en-US")}/${(hs.recordsTotal ?? 0).toLocaleString("en-US")}  ${rate}`;
  } else {
    const left = hs.state === "done" || hs.state === "stopping" ? "done" : hs.state === "paused" ? "paused" : eta((i.durationSec - model.at) / hs.simPerWall);
    tail = ` ${pct}  ETA ${left}  ${compact(hs.eventsPerSec)} ev/s  ${rate}`;
  }
  const barW = Math.max(10, width - tail.length);
  const l2: Line = [{ text: progressBar(frac, barW), tone: "focus" }, { text: tail }];
  return [fitLine(l1, width), fitLine(l2, width)];
}

/** The answer pane: each policy's verdict line (green or red), its why and try lines; what does not fit is counted. */
function answerPane(text: readonly string[], width: number, rows: number): { title: Line; lines: Line[] } {
  const shown = text.length > rows ? text.slice(0, Math.max(0, rows - 1)) : text;
  const lines = shown.map((t): Line => {
    if (!t.startsWith(" ")) return fitLine([{ text: t, tone: t.includes("passes all") ? "ok" : "bad" }], width);
    const m = /^( +)(why|try)(:.*)$/.exec(t);
    return fitLine(m ? [{ text: m[1] }, { text: m[2], tone: "title" }, { text: m[3] }] : [{ text: t }], width);
  });
  if (shown.length < text.length)
    lines.push(fitLine([{ text: `… ${text.length - shown.length} more lines, printed when the dashboard closes`, tone: "dim" }], width));
  while (lines.length < rows) lines.push(fitLine([], width));
  const title = fitLine(
    [
      { text: "  answer", tone: "title" },
      { text: " · why each policy passed or failed · tab: the map", tone: "dim" },
    ],
    width,
  );
  return { title, lines };
}

function paneTitle(name: string, focused: boolean, rest: Seg[]): Line {
  return [{ text: `${focused ? "▸ " : "  "}${name}`, tone: focused ? "focus" : "title" }, ...rest];
}

/** Builds views, keeping the screen plan and a buffer of rack states between frames. */
export class ViewBuilder {
  private readonly shape: MapShape;
  private plan: ScreenPlan | undefined;
  private planKey = "";
  private states: Uint8Array;

  constructor(readonly model: DashboardModel) {
    this.shape = shapeOf(model.info.fleet);
    this.states = new Uint8Array(model.info.fleet.rackCount);
  }

  /** The feed entries that pass the UI's filters (oldest first). */
  filtered(ui: UiState) {
    const m = this.model;
    const filter = this.filterOf(ui);
    if (filter.kind === undefined && filter.ref === undefined) return m.feed.entries;
    return m.feed.entries.filter((e) => matches(m.info.fleet, e, filter));
  }

  private filterOf(ui: UiState): FeedFilter {
    return { kind: ui.kind, ref: ui.target ? this.model.info.fleet.resolve(ui.target) : undefined };
  }

  planFor(width: number, height: number): ScreenPlan {
    const m = this.model;
    const legend = legendLines(m.info.mode, width).length;
    const key = `${width}x${height}:${legend}`;
    if (key !== this.planKey || !this.plan) {
      this.plan = planScreen(this.shape, width, height, m.info.slos.length, legend);
      this.planKey = key;
    }
    return this.plan;
  }

  build(ui: UiState, hs: HeaderState, width: number, height: number): DashboardView {
    const m = this.model;
    const plan = this.planFor(width, height);
    const policies = m.info.policies;
    const p = Math.min(ui.policy, policies.length - 1);
    const policy = policies[p];
    m.folds[p].rackStates(m.at, this.states);
    // At the end the answer takes the map's place until the map has the focus, and the
    // feed's rows beyond its minimum where it needs them.
    const answerText = m.final?.answers?.length && ui.focus !== "map" ? answerLines(m.final.answers, width, true) : undefined;
    const spare = plan.feedRows - Math.min(plan.feedRows, MIN_FEED_ROWS);
    const answerRows = answerText ? Math.max(plan.mapBody, Math.min(answerText.length, plan.mapBody + spare)) : plan.mapBody;
    const feedRows = plan.feedRows - (answerRows - plan.mapBody);
    const answer = answerText && answerPane(answerText, width, answerRows);
    const map = answer?.lines ?? renderMap(this.shape, plan.map, this.states, width, plan.mapBody).map((l) => fitLine(l, width));

    const multi = policies.length > 1 || policy !== "default";
    const boardTitle = paneTitle("SLOs", ui.focus === "board", [{ text: m.final ? " final" : " live", tone: "dim" }]);
    const board = boardLines(boardTitle, m.info.slos, policies, m.live(), m.final?.verdicts, plan.boardWidth, plan.boardRows, ui.boardOffset).map((l) =>
      fitLine(l, plan.boardWidth),
    );
    while (board.length < plan.mid) board.push(fitLine([], plan.boardWidth));

    const charts = chooseCharts(
      m.trends.names(policy),
      m.info.slos.map((s) => s.metric),
      plan.charts,
    );
    const trendsTitle = fitLine(paneTitle("trends", false, multi ? [{ text: ` ${policy}`, tone: "title" }] : []), plan.trendsWidth);
    const trends = trendLines(m.trends, policy, charts, plan.trendsWidth).map((l) => fitLine(l, plan.trendsWidth));
    if (!charts.length) trends.push(fitLine([{ text: "no snapshots yet", tone: "dim" }], plan.trendsWidth));
    while (trends.length < plan.mid - 1) trends.push(fitLine([], plan.trendsWidth));

    const entries = this.filtered(ui);
    let win = feedWindow(entries, feedRows, ui.feedOffset);
    // The last correlated incident stays on the top line while it is out of view.
    const incident = m.feed.incident;
    const pin =
      incident && feedRows > 1 && !win.shown.includes(incident.entry) && matches(m.info.fleet, incident.entry, this.filterOf(ui)) ? incident : undefined;
    if (pin) win = feedWindow(entries, feedRows - 1, ui.feedOffset);
    const feed = win.shown.map((e) => fitLine(feedLine(e, width), width));
    while (feed.length < feedRows - (pin ? 1 : 0)) feed.unshift(fitLine([], width));
    if (pin) feed.unshift(fitLine(pinnedLine(pin, m.at, width), width));
    const feedInfo: Seg[] = [
      { text: ` ${entries.length.toLocaleString("en-US")}${entries.length !== m.feed.total ? ` of ${m.feed.total.toLocaleString("en-US")}` : ""}` },
    ];
    if (ui.kind) feedInfo.push({ text: " · kind " }, { text: ui.kind, tone: "warn" });
    if (ui.target) feedInfo.push({ text: " · at " }, { text: ui.target, tone: "warn" });
    if (win.offset > 0) feedInfo.push({ text: ` · ${win.offset} back (end: newest)`, tone: "dim" });
    if (ui.message) feedInfo.push({ text: `  ${ui.message}`, tone: "warn" });
    const feedTitle = fitLine(paneTitle("feed", ui.focus === "feed", feedInfo), width);

    let legend = legendLines(m.info.mode, width);
    if (ui.prompt) {
      const ask = ui.prompt.for === "goto" ? "go to time (e.g. 30h, 1d6h): " : "filter to (rack, host, row, bus bar id; empty: all): ";
      const promptLine = fitLine([{ text: ask, tone: "title" }, { text: `${ui.prompt.text}█` }, { text: "  enter ok · esc cancel", tone: "dim" }], width);
      legend = [promptLine, ...legend.slice(1)];
    }

    return {
      width,
      height,
      header: header(m, hs, width),
      mapTitle: answer?.title ?? mapTitle(plan, policy, multi, ui.focus === "map", m.recentSec, m.footprintSec),
      map,
      board,
      boardWidth: plan.boardWidth,
      trendsTitle,
      trends,
      trendsWidth: plan.trendsWidth,
      feedTitle,
      feed,
      legend,
    };
  }
}
