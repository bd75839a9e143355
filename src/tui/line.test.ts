import { describe, expect, it } from "vitest";
import { clip, clipLine, padEnd, fitLine, fitRight, lineWidth, merge } from "./line.js";
import { wantsDashboard } from "./choose.js";
import { ansiLine, colorWanted } from "./palette.js";

describe("lines of segments", () => {
  it("clip marks a cut with …, fit pads to the width", () => {
    expect(clip("dc1/row07/rack12", 8)).toBe("dc1/row…");
    expect(padEnd("ab", 4)).toBe("ab  ");
    expect(fitRight("ab", 4)).toBe("  ab");
  });

  it("a line is cut segment by segment, even when the cut falls between two", () => {
    expect(clipLine([{ text: "abc" }, { text: "def", tone: "bad" }], 4)).toEqual([{ text: "abc" }, { text: "…", tone: "bad" }]);
    expect(clipLine([{ text: "abc" }, { text: "def" }], 3)).toEqual([{ text: "ab…" }]);
    expect(lineWidth(fitLine([{ text: "x" }], 5))).toBe(5);
  });

  it("adjacent segments of one tone merge", () => {
    expect(merge([{ text: "a", tone: "ok" }, { text: "b", tone: "ok" }, { text: "c" }])).toEqual([{ text: "ab", tone: "ok" }, { text: "c" }]);
  });
});

describe("colour and reporter choice", () => {
  it("NO_COLOR (non-empty) and TERM=dumb turn colour off; tones then carry no style", () => {
    expect(colorWanted({})).toBe(true);
    expect(colorWanted({ NO_COLOR: "1" })).toBe(false);
    expect(colorWanted({ NO_COLOR: "" })).toBe(true);
    expect(colorWanted({ TERM: "dumb" })).toBe(false);
    const line = [{ text: "█", tone: "down" as const }, { text: " dc1" }];
    expect(ansiLine(line, false)).toBe("█ dc1");
    expect(ansiLine(line, true)).toBe("\x1b[31m█\x1b[0m dc1");
  });

  it("the dashboard on a terminal, never in CI or on a dumb terminal, always when asked", () => {
    const tty = { isTTY: true, env: {} };
    expect(wantsDashboard(undefined, tty)).toBe(true);
    expect(wantsDashboard(undefined, { isTTY: false, env: {} })).toBe(false);
    expect(wantsDashboard(undefined, { isTTY: true, env: { CI: "true" } })).toBe(false);
    expect(wantsDashboard(undefined, { isTTY: true, env: { CI: "false" } })).toBe(true);
    expect(wantsDashboard(undefined, { isTTY: true, env: { TERM: "dumb" } })).toBe(false);
    expect(wantsDashboard("text", tty)).toBe(false);
    expect(wantsDashboard("json", tty)).toBe(false);
    expect(wantsDashboard("dashboard", { isTTY: false, env: { CI: "true" } })).toBe(true);
  });
});
