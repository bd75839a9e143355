import { describe, expect, it } from "vitest";
import { initialUi, reduceKey, splitKeys, type KeyContext, type KeyPress, type UiState } from "./keys.js";

const chaos: KeyContext = { mode: "chaos", policies: 2, kinds: ["cosmic.upset", "power.busbar"], feedRows: 5 };
const replay: KeyContext = { ...chaos, mode: "replay" };

function press(keys: (string | Omit<KeyPress, "input">)[], ctx = chaos, ui: UiState = initialUi) {
  const commands: unknown[] = [];
  for (const k of keys) {
    const r = reduceKey(ui, typeof k === "string" ? { input: k } : { input: "", ...k }, ctx);
    ui = r.ui;
    if (r.command) commands.push(r.command);
  }
  return { ui, commands };
}

describe("dashboard keys", () => {
  it("space pauses, + and - change the speed, q and ctrl-c quit", () => {
    expect(press([" ", "+", "-", "q"]).commands).toEqual([{ type: "pause" }, { type: "speed", by: 1 }, { type: "speed", by: -1 }, { type: "quit" }]);
    expect(reduceKey(initialUi, { input: "c", ctrl: true }, chaos).command).toEqual({ type: "quit" });
  });

  it("tab moves the focus feed -> map -> SLOs -> feed; shift-tab goes back", () => {
    expect(press([{ tab: true }]).ui.focus).toBe("map");
    expect(press([{ tab: true }, { tab: true }, { tab: true }]).ui.focus).toBe("feed");
    expect(press([{ tab: true, shift: true }]).ui.focus).toBe("board");
  });

  it("the arrows scroll the feed back and forth, a page at a time, end returns to the newest", () => {
    expect(press([{ upArrow: true }, { upArrow: true }, { downArrow: true }]).ui.feedOffset).toBe(1);
    expect(press([{ downArrow: true }]).ui.feedOffset).toBe(0);
    expect(press([{ pageUp: true }, { pageUp: true }]).ui.feedOffset).toBe(10);
    expect(press([{ pageUp: true }, { end: true }]).ui.feedOffset).toBe(0);
  });

  it("with the SLO board in focus the arrows scroll the board instead", () => {
    const r = press([{ tab: true }, { tab: true }, { downArrow: true }, { downArrow: true }, { upArrow: true }]);
    expect(r.ui.boardOffset).toBe(1);
    expect(r.ui.feedOffset).toBe(0);
  });

  it("left and right cycle the policy the map shows", () => {
    expect(press([{ rightArrow: true }]).ui.policy).toBe(1);
    expect(press([{ rightArrow: true }, { rightArrow: true }]).ui.policy).toBe(0);
    expect(press([{ leftArrow: true }]).ui.policy).toBe(1);
  });

  it("f cycles the feed through the kinds seen, then back to all; F clears", () => {
    expect(press(["f"]).ui.kind).toBe("cosmic.upset");
    expect(press(["f", "f"]).ui.kind).toBe("power.busbar");
    expect(press(["f", "f", "f"]).ui.kind).toBeUndefined();
    expect(press(["f", "F"]).ui.kind).toBeUndefined();
  });

  it("the replay keys do nothing in a live run, where n runs ahead to the next incident", () => {
    expect(press([".", "g", "/"]).commands).toEqual([]);
    expect(press(["n"]).commands).toEqual([{ type: "nextIncident" }]);
    expect(press(["g"]).ui.prompt).toBeUndefined();
  });
});

describe("replay keys", () => {
  it(". steps, n and N jump to the next and previous fault", () => {
    expect(press([".", "n", "N"], replay).commands).toEqual([{ type: "step" }, { type: "nextFault", dir: 1 }, { type: "nextFault", dir: -1 }]);
  });

  it("g asks for a time: typing, backspace, enter", () => {
    const r = press(["g", "3", "0", "x", { backspace: true }, "h", { return: true }], replay);
    expect(r.commands).toEqual([{ type: "goto", text: "30h" }]);
    expect(r.ui.prompt).toBeUndefined();
  });

  it("while typing, q is a letter, and escape cancels", () => {
    const r = press(["/", "d", "q", { escape: true }], replay);
    expect(r.commands).toEqual([]);
    expect(r.ui.prompt).toBeUndefined();
  });

  it("/ asks for an id; enter on an empty line clears the filter", () => {
    expect(press(["/", "d", "c", "1", { return: true }], replay).commands).toEqual([{ type: "target", text: "dc1" }]);
    const r = press(["/", { return: true }], replay, { ...initialUi, target: "dc1/row07" });
    expect(r.commands).toEqual([{ type: "target", text: "" }]);
  });
});

describe("keys that arrive together", () => {
  it("are split into one key per character, enter and backspace recognised", () => {
    expect(splitKeys("+++", {})).toEqual([{ input: "+" }, { input: "+" }, { input: "+" }]);
    expect(splitKeys("30h\r", {})).toEqual([{ input: "3" }, { input: "0" }, { input: "h" }, { input: "", return: true }]);
    expect(splitKeys("a\x7f", {})).toEqual([{ input: "a" }, { input: "", backspace: true }]);
  });

  it("a single key or a decoded key passes through", () => {
    expect(splitKeys("q", {})).toEqual([{ input: "q" }]);
    expect(splitKeys("", { upArrow: true })).toEqual([{ input: "", upArrow: true }]);
  });
});
