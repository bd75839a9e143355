// The replay viewer over a journal of a real run: it rebuilds the fleet from the scenario
// in the journal's header and plays the records back through the same model as the live
// dashboard. Keys go in through a stand-in terminal.
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { fleet, tempDir } from "./helpers.js";
import { openReplayViewer, runReplayViewer, type ReplayViewer } from "../src/tui/replay-viewer.js";
import { fakeTerminal, readingKeys } from "../src/tui/testing.js";
import type { Io } from "../src/base/io.js";
import type { Line } from "../src/tui/line.js";
import { realTimers, type Timers } from "../src/tui/throttle.js";

const text = (lines: Line[]) =>
  lines.map((l) =>
    l
      .map((s) => s.text)
      .join("")
      .trimEnd(),
  );
const H = 3600;

type Terminal = ReturnType<typeof fakeTerminal>;

/** The real timers, each callback followed by a look at what waits: the viewer's playback ticks as events. */
function tickingTimers(): { timers: Timers; until(ok: () => boolean): Promise<void> } {
  let waiting: (() => void)[] = [];
  const timers: Timers = {
    now: realTimers.now,
    set: (fn, ms) =>
      realTimers.set(() => {
        fn();
        const w = waiting;
        waiting = [];
        for (const look of w) look();
      }, ms),
    clear: realTimers.clear,
  };
  const until = (ok: () => boolean) =>
    new Promise<void>((resolve) => {
      const look = () => (ok() ? resolve() : void waiting.push(look));
      look();
    });
  return { timers, until };
}

let journal: string;
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  journal = join(dir, "small.jsonl");
  const r = await fleet(["chaos", "test/fixtures/small.yaml", "--reporter", "text", "--journal", journal, "-q"]);
  expect(r.code).toBe(0);
});

function io(): Io & { errors: string[] } {
  const errors: string[] = [];
  return { out: () => {}, err: (t) => void errors.push(t), isTTY: true, env: { NO_COLOR: "1" }, cwd: process.cwd(), errors };
}

async function open(): Promise<{ viewer: ReplayViewer; term: Terminal; done: Promise<number>; ticks: ReturnType<typeof tickingTimers> }> {
  const term = fakeTerminal(100, 30);
  const ticks = tickingTimers();
  const viewer = openReplayViewer(journal, io(), { stdin: term.stdin, stdout: term.stdout, autoplay: false, timers: ticks.timers });
  if (typeof viewer === "number") throw new Error(`exit ${viewer}`);
  const done = viewer.run();
  await readingKeys(term);
  return { viewer, term, done, ticks };
}

const frame = (v: ReplayViewer) => v.frame(100, 29);
/** Types `s`: the viewer has handled its keys when this returns. */
const keys = (term: Terminal, s: string) => term.stdin.type(s);

describe("fleet replay's viewer", () => {
  it("jumps to the next fault, then to the scheduled bus bar at 30h, and shows its racks blacked out", async () => {
    const { viewer, term, done } = await open();
    expect(viewer.model.at).toBe(0);
    keys(term, "n");
    const first = viewer.read.records.find((r) => r.t === "fault")!;
    expect(viewer.model.at).toBe(first.at);
    expect(text([frame(viewer).feed.at(-1)!])[0]).toContain(String(first.kind));

    // f until the feed shows bus bar losses only; n then skips everything else
    for (let i = 0; i <= viewer.kinds.length && viewer.ui.kind !== "power.busbar"; i++) keys(term, "f");
    expect(viewer.ui.kind).toBe("power.busbar");
    keys(term, "g");
    keys(term, "0\r");
    expect(viewer.model.at).toBe(0);
    keys(term, "n");
    expect(viewer.model.at).toBe(30 * H);
    const f = frame(viewer);
    expect(text(f.header)[0]).toContain("1d6h / 10d");
    expect(text(f.feed).at(-1)).toBe("1d6h0m0s fault   power.busbar      dc1/row02/busbar-a 64 hosts down, back in 8h");
    // dc1 is 4 rows x 8 racks; bus bar a of row 2 feeds its first 4 racks (contiguous)
    const map = text(f.map);
    expect(map[0]).toMatch(/^dc1\s+dc2$/);
    expect(map[2].slice(0, 11)).toBe("02←████····"); // after the row's label: its number and facing

    keys(term, "q");
    expect(await done).toBe(0);
  });

  it("goes back in time by folding again: at 29h the bus bar is not down yet", async () => {
    const { viewer, term, done } = await open();
    keys(term, "g38h\r");
    // back up at 38h, its racks still marked as its footprint (for 1/12 of the 10-day run)
    expect(text(frame(viewer).map)[2].slice(3, 11)).toBe("░░░░····");
    keys(term, "g");
    keys(term, "31h\r");
    expect(viewer.model.at).toBe(31 * H);
    expect(text(frame(viewer).map)[2].slice(3, 11)).toBe("████····");
    keys(term, "g29h\r");
    expect(text(frame(viewer).map)[2].slice(3, 11)).toBe("········");
    term.stdin.type("q");
    expect(await done).toBe(0);
  });

  it("filters to a rack: the feed keeps the faults that touched it, n goes to the next of them", async () => {
    const { viewer, term, done } = await open();
    keys(term, "/dc1/row02/rack03\r");
    expect(viewer.ui.target).toBe("dc1/row02/rack03");
    keys(term, "n");
    expect(viewer.model.at).toBe(30 * H); // the first fault touching that rack is its bus bar
    expect(text([frame(viewer).feedTitle])[0]).toContain("at dc1/row02/rack03");
    keys(term, "/dc1/row02/rack99\r");
    expect(viewer.ui.message).toMatch(/^no dc1\/row02\/rack99 in this fleet; did you mean dc1\/row02\/rack0\d\?$/);
    expect(viewer.ui.target).toBe("dc1/row02/rack03");
    keys(term, "g");
    keys(term, "soon\r");
    expect(viewer.ui.message).toMatch(/^cannot go to "soon": /);
    term.stdin.type("q");
    expect(await done).toBe(0);
  });

  it("steps record by record, and plays to the end where the final verdicts and footer show", async () => {
    const { viewer, term, done, ticks } = await open();
    keys(term, ".");
    const firstFeed = viewer.read.records.find((r) => r.t !== "snapshot")!;
    expect(viewer.model.at).toBe(firstFeed.at);
    keys(term, "+++++++ ");
    await ticks.until(() => viewer.player.atEnd); // the playback's ticks, at the top speed
    expect(viewer.player.atEnd).toBe(true);
    expect(text(frame(viewer).header)[0]).toContain("■ end of journal");
    expect(viewer.model.final?.status).toBe("complete");
    term.stdin.type("q");
    expect(await done).toBe(0);
  });

  it("at the end of a journal the map pane leads with the answer the run's text report gave", async () => {
    const gate = join(dir, "gate-small.jsonl");
    const r = await fleet(["chaos", "test/fixtures/gate-small.yaml", "--reporter", "text", "--journal", gate, "-q"]);
    expect(r.code).toBe(1);
    const term = fakeTerminal(100, 30);
    const ticks = tickingTimers();
    const viewer = openReplayViewer(gate, io(), { stdin: term.stdin, stdout: term.stdout, autoplay: false, timers: ticks.timers });
    if (typeof viewer === "number") throw new Error(`exit ${viewer}`);
    const done = viewer.run();
    await readingKeys(term);
    keys(term, "+++++++ ");
    await ticks.until(() => viewer.player.atEnd);
    const f = frame(viewer);
    expect(text([f.mapTitle])[0]).toBe("  answer · why each policy passed or failed · tab: the map");
    const pane = text(f.map).filter((l) => l);
    // the verdict lines and the why lines, as the run printed them (wrapped at 80 there, at 100 here)
    const printed = r.out.split("\n");
    for (const l of pane.filter((x) => !x.startsWith(" "))) expect(printed).toContain(l);
    const flat = (ls: string[]) => ls.join(" ").replace(/\s+/g, " ");
    expect(flat(printed)).toContain(flat(pane.filter((l) => l.startsWith("  why:")).slice(0, 1)));
    term.stdin.type("q");
    expect(await done).toBe(0); // viewing succeeded; the verdict is the run's
  });

  it("without keys, plays to the end by itself and returns 0", async () => {
    const term = fakeTerminal(100, 30, { keys: false });
    expect(await runReplayViewer(journal, io(), { stdin: term.stdin, stdout: term.stdout, speedIndex: 7 })).toBe(0);
  });

  it("bad input: a missing journal, or one without a header, exits 2 with one line", async () => {
    const a = io();
    expect(await runReplayViewer(join(dir, "nope.jsonl"), a)).toBe(2);
    expect(a.errors.join("")).toMatch(/^fleet replay: .*nope\.jsonl.*\n$/);
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "not a journal\n");
    const b = io();
    expect(await runReplayViewer(empty, b)).toBe(2);
    expect(b.errors.join("")).toMatch(/^fleet replay: .*empty\.jsonl:1: no intact header line/);
  });
});
