// The live dashboard as `fleet chaos` uses it, in-process on a stand-in terminal: keys go
// in through stdin as a terminal sends them, the run is held and stopped through the
// session's hooks, and the text summary follows the dashboard. (test/dashboard-pty.test.ts
// does the same with the real binary in a real terminal.)
import { describe, expect, it } from "vitest";
import { loadScenarioFile, type Scenario } from "../src/scenario/load.js";
import { MemoryJournal, type EventType } from "../src/journal/index.js";
import { laneNames, runScenario } from "../src/run/session.js";
import { countScenario } from "../src/scenario/summary.js";
import { seedLine } from "../src/report/reporter.js";
import { formatDuration } from "../src/base/units.js";
import { exitCodeOf } from "../src/slo/slo.js";
import type { DashboardReporter as Reporter } from "../src/tui/reporter.js";
import { loadInk } from "../src/tui/load.js";
import { fakeTerminal, storyModel, readingKeys } from "../src/tui/testing.js";
import { ViewBuilder } from "../src/tui/view.js";
import { initialUi } from "../src/tui/keys.js";
import type { DashboardModel } from "../src/tui/model.js";
import { SPEEDS } from "../src/tui/speed.js";
import { STEP_SEC } from "../src/tui/pacer.js";
import { FAULT_KINDS } from "../src/faults/registry.js";

type Terminal = ReturnType<typeof fakeTerminal>;

// Ink as `fleet chaos` loads it (src/tui/load.ts): drawing frames even where CI is set, as
// under .ci/run (these tests watch what reaches the terminal).
const { DashboardReporter, InkScreen, seekSpeedIndex } = await loadInk(async () => ({
  ...(await import("../src/tui/reporter.js")),
  ...(await import("../src/tui/ink-screen.js")),
}));
type DashboardReporter = Reporter;

/** Resolves once the terminal has been sent `text` (Ink writes whole frames). */
function shown(term: Terminal, text: string): Promise<void> {
  if (term.written.some((w) => w.includes(text))) return Promise.resolve();
  const stdout = term.stdout as unknown as { write(s: string): boolean };
  const write = stdout.write.bind(stdout);
  return new Promise((resolve) => {
    stdout.write = (s: string) => {
      const r = write(s);
      if (s.includes(text)) {
        stdout.write = write;
        resolve();
      }
      return r;
    };
  });
}

const header = (r: DashboardReporter) =>
  r
    .frame(100, 29)
    .header[0].map((s) => s.text)
    .join("");

function small(file = "test/fixtures/small.yaml"): Scenario {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(`${file} does not load`);
  return r.value;
}

/** The run's own events as the dashboard gets them: `until(ok)` resolves at the first record or progress report after which ok() holds. */
interface RunEvents {
  until(ok: () => boolean): Promise<void>;
}

/** chaos.ts's wiring of a dashboard run, on a stand-in terminal. */
async function dashboardRun(opts: {
  speedIndex: number;
  file?: string;
  keysDuringRun?: (r: DashboardReporter, term: Terminal, run: RunEvents) => Promise<void>;
}) {
  const scenario = small(opts.file);
  const term = fakeTerminal(100, 30);
  let out = "";
  const reporter = new DashboardReporter({
    stdout: term.stdout,
    stdin: term.stdin,
    out: (s) => void (out += s),
    err: (s) => void (out += s),
    color: false,
    speedIndex: opts.speedIndex,
  });
  const policies = laneNames(scenario).filter((x): x is string => x !== undefined);
  const counts = countScenario(scenario);
  reporter.start({
    scenario,
    file: "small.yaml",
    seed: 11,
    durationSec: scenario.durationSec,
    counts,
    policies,
    journalPath: undefined,
    seedLine: seedLine("small.yaml", 11, scenario.durationSec, counts, policies, formatDuration),
  });
  const journal = new MemoryJournal();
  const waits: { ok: () => boolean; resolve: () => void }[] = [];
  const happened = () => {
    for (const w of waits.filter((x) => x.ok())) {
      waits.splice(waits.indexOf(w), 1);
      w.resolve();
    }
  };
  const run: RunEvents = { until: (ok) => (ok() ? Promise.resolve() : new Promise((resolve) => waits.push({ ok, resolve }))) };
  // The reporter is the run's observer, as in chaos.ts; each call is also an event for the test.
  const observer = {
    onRecord: (t: EventType, at: number, fields: Record<string, unknown>) => (reporter.onRecord(t, at, fields), happened()),
    onProgress: (at: number, events: number) => (reporter.onProgress(at, events), happened()),
  };
  const running = runScenario(scenario, {
    seed: 11,
    durationSec: scenario.durationSec,
    journal,
    fleetVersion: "test",
    observer,
    pace: reporter.pace,
    shouldStop: () => reporter.quitRequested,
  });
  await opts.keysDuringRun?.(reporter, term, run);
  const outcome = await running;
  const exitCode = outcome.status === "interrupted" ? 130 : exitCodeOf(outcome.verdicts);
  reporter.end({ outcome, wallSec: 1, journalPath: undefined, journalComplete: outcome.status === "complete", exitCode });
  return { reporter, term, outcome, exitCode, journal, out: () => out };
}

describe("the live dashboard", () => {
  it("q during the run stops it like Ctrl-C: interrupted, exit 130, the summary after the dashboard", async () => {
    const r = await dashboardRun({
      speedIndex: 0, // 1 simulated minute per second: 10 days would take days
      keysDuringRun: async (reporter, term, run) => {
        await readingKeys(term);
        await run.until(() => !header(reporter).includes(" 0s /"));
        term.stdin.type("q");
      },
    });
    await r.reporter.closed;
    expect(r.outcome.status).toBe("interrupted");
    expect(r.exitCode).toBe(130);
    expect(r.outcome.at).toBeLessThan(3600);
    expect(JSON.parse(r.journal.lines[r.journal.lines.length - 1])).toMatchObject({ t: "footer", status: "interrupted" });
    const out = r.out();
    expect(out.split("\n")[0]).toMatch(/^seed=11 scenario=small\.yaml /);
    expect(out).toMatch(/status: interrupted at .* of 10d simulated/);
    expect(out.trimEnd().split("\n").at(-1)).toBe("exit 130");
    expect(r.term.written.join("")).toContain("fleet chaos");
  });

  it("space pauses the run and space resumes it; + speeds it up", async () => {
    const r = await dashboardRun({
      speedIndex: 0,
      keysDuringRun: async (reporter, term) => {
        await readingKeys(term);
        term.stdin.type(" ");
        expect(header(reporter)).toContain("❚❚ paused (1m/s)");
        term.stdin.type(" ");
        term.stdin.type("+++++++"); // to max
        expect(header(reporter)).toMatch(/▶ running at max|■/);
      },
    });
    expect(r.outcome.status).toBe("complete");
    r.term.stdin.type("q");
    await r.reporter.closed;
    expect(r.out().trimEnd().split("\n").at(-1)).toBe("exit 0");
  });

  it("n runs ahead to the next correlated incident and pauses there, at the speed it had, the incident pinned in the feed", async () => {
    let seen: { label: string; at: number; shownAt: number } | undefined;
    const r = await dashboardRun({
      speedIndex: 0, // 1 simulated minute per second: the bus bar at 30h would take 30 minutes
      keysDuringRun: async (reporter, term, run) => {
        await readingKeys(term);
        const model = (reporter as unknown as { model: DashboardModel }).model;
        term.stdin.type("n");
        expect(header(reporter)).toContain("▶ running at 1d/s"); // 10 days / 200 a stretch at most
        await run.until(() => header(reporter).includes("❚❚ paused"));
        const incident = model.feed.incident!;
        seen = { label: incident.entry.label, at: incident.entry.at, shownAt: model.at };
        expect(header(reporter)).toContain("❚❚ paused (1m/s)");
        term.stdin.type("q");
      },
    });
    await r.reporter.closed;
    expect(r.outcome.status).toBe("interrupted");
    // the first correlated incident of the run's trace, and the run held at most one stretch (1d/s x 0.05 s) past it
    const first = r.journal.lines.map((l) => JSON.parse(l)).find((x) => x.t === "fault" && FAULT_KINDS.get(x.kind)?.correlated && x.aggregated !== true);
    expect(seen).toMatchObject({ label: first.kind, at: first.at });
    expect(seen!.shownAt - seen!.at).toBeLessThanOrEqual(SPEEDS[seekSpeedIndex(10 * 86400)] * STEP_SEC);
    expect(seekSpeedIndex(10 * 86400)).toBe(4);
  });

  it("after a complete run it stays up with the verdict until q, then prints the summary", async () => {
    const r = await dashboardRun({ speedIndex: 7 });
    expect(r.outcome.status).toBe("complete");
    let closed = false;
    void r.reporter.closed.then(() => (closed = true));
    // up on the terminal with the final frame, still open: closing is q's alone
    await Promise.race([shown(r.term, "q to quit"), r.reporter.closed]);
    expect(closed).toBe(false);
    expect(header(r.reporter)).toContain("■ complete · exit 0 · q to quit");
    expect(r.out()).not.toContain("status:");
    r.term.stdin.type("q");
    await r.reporter.closed;
    expect(r.out()).toContain("status: complete at 10d of 10d simulated");
    expect(r.out().trimEnd().split("\n").at(-1)).toBe("exit 0");
    // the bus bar of the run passed through the dashboard: its feed has it
    const model = (r.reporter as unknown as { model: { feed: { entries: { label: string }[] } } }).model;
    expect(model.feed.entries.some((e) => e.label === "power.busbar")).toBe(true);
  });

  it("at the end the map pane leads with the answer: each policy's verdict, why and what to try; tab shows the map", async () => {
    const r = await dashboardRun({ speedIndex: 7, file: "test/fixtures/gate-small.yaml" });
    expect(r.outcome.status).toBe("complete");
    await Promise.race([shown(r.term, "q to quit"), r.reporter.closed]);
    const text = (ls: { text: string }[][]) =>
      ls.map((l) =>
        l
          .map((s) => s.text)
          .join("")
          .trimEnd(),
      );
    const end = r.reporter.frame(100, 29);
    expect(text([end.mapTitle])[0]).toBe("  answer · why each policy passed or failed · tab: the map");
    const pane = text(end.map).filter((l) => l);
    // the same lines the text summary prints under its verdict table, at the dashboard's width
    const verdicts = r.outcome.verdicts;
    for (const p of ["naive", "hardened"]) {
      const breached = verdicts.filter((v) => v.policy === p && !v.ok).length;
      expect(pane).toContain(breached ? `${p}: ${breached} ✗ of 2` : `${p}: passes all 2`);
    }
    expect(pane.some((l) => /^ {2}why: training lost \S+h: /.test(l))).toBe(true);
    expect(pane.some((l) => /^ {2}try: /.test(l))).toBe(true);
    r.term.stdin.type("\t");
    expect(text([r.reporter.frame(100, 29).mapTitle])[0]).toMatch(/^▸ map/);
    r.term.stdin.type("q");
    await r.reporter.closed;
    for (const l of pane.filter((x) => !x.startsWith(" "))) expect(r.out()).toContain(`\n${l}\n`);
  });

  it("without keys (stdin not a terminal) it closes by itself at the end", async () => {
    const scenario = small();
    const term = fakeTerminal(100, 30, { keys: false });
    let out = "";
    const reporter = new DashboardReporter({ stdout: term.stdout, stdin: term.stdin, out: (s) => void (out += s), err: () => {}, color: false, speedIndex: 7 });
    const counts = countScenario(scenario);
    reporter.start({
      scenario,
      file: "small.yaml",
      seed: 11,
      durationSec: scenario.durationSec,
      counts,
      policies: [],
      journalPath: undefined,
      seedLine: "seed=11",
    });
    const outcome = await runScenario(scenario, {
      seed: 11,
      durationSec: scenario.durationSec,
      journal: new MemoryJournal(),
      fleetVersion: "test",
      observer: reporter,
      pace: reporter.pace,
    });
    reporter.end({ outcome, wallSec: 1, journalPath: undefined, journalComplete: true, exitCode: 0 });
    await reporter.closed;
    expect(out.trimEnd().split("\n").at(-1)).toBe("exit 0");
  });
});

describe("the screen", () => {
  it("draws again at the new size when the terminal is resized", async () => {
    const term = fakeTerminal(100, 30);
    const sizes: string[] = [];
    const views = new ViewBuilder(storyModel());
    let drawnSmaller: () => void = () => {};
    const smaller = new Promise<void>((resolve) => (drawnSmaller = resolve));
    const screen = new InkScreen(
      { stdout: term.stdout, stdin: term.stdin, color: false },
      (w, h) => {
        sizes.push(`${w}x${h}`);
        if (w === 80) drawnSmaller();
        return views.build(initialUi, { state: "running", speedIndex: 2, simPerWall: NaN, eventsPerSec: NaN }, w, h);
      },
      () => {},
    );
    screen.mount();
    term.stdout.resize(80, 24);
    await smaller; // the resize asks for a frame, drawn at the new size (not only the last one unmount draws)
    await screen.unmount();
    expect(sizes[0]).toBe("100x29");
    expect(sizes).toContain("80x23");
  });
});
