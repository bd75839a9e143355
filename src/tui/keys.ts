// The keys, as a reducer: (UI state, key) -> (UI state, command for the run or player).
// Both the live dashboard and the replay viewer use it; the replay keys only act in
// replay mode. No terminal needed: tests feed it keys and read what comes out.
//
//   space pause/resume (replay: play/pause)   + / - speed      tab / shift-tab focus
//   up / down  scroll the feed (the SLO board when it has the focus)   PgUp / PgDn by a page
//   end  back to the newest entries           left / right  the policy the map and charts show
//   f  next fault kind to filter the feed by (after the last: all)    F  all kinds
//   q or ctrl-c  quit
//   live only: n  run ahead to the next correlated incident and pause there
//   replay only: . step to the next record   n / N next / previous fault   g go to a time
//                / filter to a rack, host, row or bus bar (empty: no filter)

export type Focus = "feed" | "map" | "board";
export const FOCUS_ORDER: readonly Focus[] = ["feed", "map", "board"];

export interface UiState {
  focus: Focus;
  /** Index of the policy the map and the trend charts show. */
  policy: number;
  /** Feed entries scrolled back from the newest (0: following the run). */
  feedOffset: number;
  boardOffset: number;
  /** Feed filter by label (fault kind, detection outcome, recovery action). */
  kind?: string;
  /** Replay: feed and `n` limited to records touching this id. */
  target?: string;
  /** A line being typed (replay: a time for `g`, an id for `/`). */
  prompt?: { for: "goto" | "filter"; text: string };
  /** A one-line note for the user (e.g. what was wrong with what they typed). */
  message?: string;
}

export const initialUi: UiState = { focus: "feed", policy: 0, feedOffset: 0, boardOffset: 0 };

/** The parts of Ink's Key the dashboard uses. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  end?: boolean;
  tab?: boolean;
  shift?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type Command =
  | { type: "quit" }
  | { type: "pause" }
  | { type: "speed"; by: 1 | -1 }
  | { type: "step" }
  | { type: "nextFault"; dir: 1 | -1 }
  | { type: "nextIncident" }
  | { type: "goto"; text: string }
  | { type: "target"; text: string };

export interface KeyContext {
  mode: "chaos" | "replay";
  policies: number;
  /** Labels `f` cycles through, sorted (live: seen so far; replay: the whole journal's). */
  kinds: readonly string[];
  /** Feed lines on screen (a page). */
  feedRows: number;
}

export function reduceKey(ui: UiState, k: KeyPress, ctx: KeyContext): { ui: UiState; command?: Command } {
  const quiet = { ...ui, message: undefined };
  if (k.ctrl && k.input === "c") return { ui: quiet, command: { type: "quit" } };
  if (ui.prompt) return promptKey(ui, ui.prompt, k);
  const replay = ctx.mode === "replay";
  if (k.tab) {
    const i = FOCUS_ORDER.indexOf(ui.focus);
    const n = FOCUS_ORDER.length;
    return { ui: { ...quiet, focus: FOCUS_ORDER[(i + (k.shift ? n - 1 : 1)) % n] } };
  }
  if (k.upArrow || k.downArrow) {
    const by = k.upArrow ? 1 : -1;
    if (ui.focus === "board") return { ui: { ...quiet, boardOffset: Math.max(0, ui.boardOffset - by) } };
    return { ui: { ...quiet, feedOffset: Math.max(0, ui.feedOffset + by) } };
  }
  if (k.pageUp || k.pageDown) return { ui: { ...quiet, feedOffset: Math.max(0, ui.feedOffset + (k.pageUp ? 1 : -1) * Math.max(1, ctx.feedRows)) } };
  if (k.end) return { ui: { ...quiet, feedOffset: 0 } };
  if (k.leftArrow || k.rightArrow) {
    const n = Math.max(1, ctx.policies);
    return { ui: { ...quiet, policy: (ui.policy + (k.rightArrow ? 1 : n - 1)) % n } };
  }
  switch (k.input) {
    case "q":
      return { ui: quiet, command: { type: "quit" } };
    case " ":
      return { ui: quiet, command: { type: "pause" } };
    case "+":
    case "=":
      return { ui: quiet, command: { type: "speed", by: 1 } };
    case "-":
    case "_":
      return { ui: quiet, command: { type: "speed", by: -1 } };
    case "f": {
      const i = ui.kind === undefined ? -1 : ctx.kinds.indexOf(ui.kind);
      const next = i + 1 < ctx.kinds.length ? ctx.kinds[i + 1] : undefined;
      return { ui: { ...quiet, kind: next, feedOffset: 0 } };
    }
    case "F":
      return { ui: { ...quiet, kind: undefined, feedOffset: 0 } };
  }
  if (!replay && k.input === "n") return { ui: { ...quiet, feedOffset: 0 }, command: { type: "nextIncident" } };
  if (replay) {
    switch (k.input) {
      case ".":
      case "s":
        return { ui: quiet, command: { type: "step" } };
      case "n":
        return { ui: { ...quiet, feedOffset: 0 }, command: { type: "nextFault", dir: 1 } };
      case "N":
      case "p":
        return { ui: { ...quiet, feedOffset: 0 }, command: { type: "nextFault", dir: -1 } };
      case "g":
        return { ui: { ...quiet, prompt: { for: "goto", text: "" } } };
      case "/":
        return { ui: { ...quiet, prompt: { for: "filter", text: "" } } };
    }
  }
  return { ui };
}

function promptKey(ui: UiState, p: NonNullable<UiState["prompt"]>, k: KeyPress): { ui: UiState; command?: Command } {
  if (k.escape) return { ui: { ...ui, prompt: undefined } };
  if (k.return) {
    const text = p.text.trim();
    const next = { ...ui, prompt: undefined, feedOffset: 0 };
    return { ui: next, command: p.for === "goto" ? { type: "goto", text } : { type: "target", text } };
  }
  if (k.backspace || k.delete) return { ui: { ...ui, prompt: { ...p, text: [...p.text].slice(0, -1).join("") } } };
  if (k.input && !k.ctrl && !/[\x00-\x1f\x7f]/.test(k.input)) return { ui: { ...ui, prompt: { ...p, text: p.text + k.input } } };
  return { ui };
}

/**
 * Keys typed faster than the terminal is read arrive as one string ("+++", "30h\r"):
 * one KeyPress per character, with Enter, Tab, Backspace and Escape recognised. A single
 * key (or an escape sequence Ink already decoded) passes through unchanged.
 */
export function splitKeys(input: string, key: Omit<KeyPress, "input">): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || input.startsWith("\x1b")) return [{ ...key, input }];
  return chars.map((c): KeyPress => {
    if (c === "\r" || c === "\n") return { input: "", return: true };
    if (c === "\t") return { input: "", tab: true };
    if (c === "\x7f" || c === "\b") return { input: "", backspace: true };
    return { input: c };
  });
}
