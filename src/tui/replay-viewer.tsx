// `fleet replay JOURNAL` on a terminal: the dashboard over a recorded run. The journal's
// header holds the scenario text, so the fleet, its map and the SLOs are rebuilt from the
// journal alone; the records are then played back through the same model the live
// dashboard uses (replay-player.ts), so the replay shows what the run showed.
//
// Keys (keys.ts): space play/pause, + and - speed, . step to the next record, n / N the
// next / previous fault (within the kind and target filters), g go to a time ("30h"),
// / filter to a rack, host, row or bus bar, f a fault kind, q quit (exit 0). Without a
// terminal on stdin it plays to the end at the starting speed and returns.
import { resolve } from "node:path";
import type { Io } from "../base/io.js";
import { EXIT } from "../base/io.js";
import { buildFleet } from "../fleet/build.js";
import { JournalError, readJournal, type JournalReadResult } from "../journal/index.js";
import { laneNames } from "../run/session.js";
import { formatIssues } from "../base/issues.js";
import { loadScenarioText } from "../scenario/load.js";
import type { Policy } from "../recovery/policy.js";
import { formatDuration } from "../base/units.js";
import { parseSimTime } from "./format.js";
import { InkScreen } from "./ink-screen.js";
import { initialUi, reduceKey, type KeyPress, type UiState } from "./keys.js";
import { DashboardModel } from "./model.js";
import { colorWanted } from "./palette.js";
import { RateMeter } from "./rate.js";
import { ReplayPlayer } from "./replay-player.js";
import { FEED_TYPES, labelOf } from "./feed.js";
import { defaultSpeedIndex, stepSpeed } from "./speed.js";
import { realTimers, type Timers } from "./throttle.js";
import { ViewBuilder, type DashboardView } from "./view.js";

export interface ReplayViewerOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** The journal as `fleet replay` already read it; read from `journalPath` when absent. */
  read?: JournalReadResult;
  /** Accepted for the replay command's convenience; not used. */
  overview?: unknown;
  /** Colour (default: from io.env, NO_COLOR). */
  color?: boolean;
  /** Index into SPEEDS to start at (default: the whole run in about 90 s). */
  speedIndex?: number;
  /** Start playing at once (default true). */
  autoplay?: boolean;
  timers?: Timers;
}

/** Opens the viewer; settles with the exit code when the user quits (0) or on bad input (2). */
export async function runReplayViewer(journalPath: string, io: Io, opts: ReplayViewerOptions = {}): Promise<number> {
  const viewer = openReplayViewer(journalPath, io, opts);
  if (typeof viewer === "number") return viewer;
  return viewer.run();
}

/** The viewer, loaded but not yet shown (a number: the exit code of bad input, already reported). */
export function openReplayViewer(journalPath: string, io: Io, opts: ReplayViewerOptions = {}): ReplayViewer | number {
  let read = opts.read;
  if (!read) {
    try {
      read = readJournal(resolve(io.cwd, journalPath));
    } catch (e) {
      if (e instanceof JournalError) {
        io.err(`fleet replay: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  }
  const header = read.header;
  if (!header) {
    io.err(`fleet replay: ${journalPath}:1: no intact header line, so no scenario to rebuild the fleet from; nothing to show\n`);
    return EXIT.usage;
  }
  const file = typeof header.options?.file === "string" ? header.options.file : journalPath;
  const loaded = loadScenarioText(header.scenarioText, file);
  if (!loaded.ok) {
    io.err(`fleet replay: ${journalPath}:1: the scenario in the header does not load with this version of fleet:\n${formatIssues(file, loaded.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = loaded.value;
  const durationSec = typeof header.options?.durationSec === "number" ? header.options.durationSec : scenario.durationSec;
  const model = new DashboardModel(
    {
      mode: "replay",
      scenario: header.scenario,
      file: journalPath,
      seed: header.seed,
      durationSec,
      fleet: buildFleet(scenario.fleet),
      slos: scenario.slo,
      policies: laneNames(scenario).map((p) => p ?? "default"),
    },
    { feedCap: Math.max(10_000, read.records.length) },
  );
  return new ReplayViewer(model, read, io, opts, durationSec, scenario.policies);
}

export class ReplayViewer {
  readonly player: ReplayPlayer;
  readonly views: ViewBuilder;
  ui: UiState = initialUi;
  /** Every label in the journal: what `f` cycles through. */
  readonly kinds: string[];
  private screen: InkScreen | undefined;
  private readonly rate = new RateMeter();
  private done: ((code: number) => void) | undefined;

  constructor(
    readonly model: DashboardModel,
    readonly read: JournalReadResult,
    private readonly io: Io,
    private readonly opts: ReplayViewerOptions,
    durationSec: number,
    policies: Record<string, Policy> = {},
  ) {
    this.player = new ReplayPlayer(model, read.records, read.footer, opts.speedIndex ?? defaultSpeedIndex(durationSec), policies);
    this.views = new ViewBuilder(model);
    const labels = new Set<string>();
    for (const r of read.records) if (FEED_TYPES.has(r.t)) labels.add(labelOf(r.t, r as unknown as Record<string, unknown>));
    this.kinds = [...labels].sort();
  }

  /** Shows the viewer until q (or, without keys, until the end of the journal). */
  async run(): Promise<number> {
    const stdout = this.opts.stdout ?? process.stdout;
    const stdin = this.opts.stdin ?? process.stdin;
    const timers = this.opts.timers ?? realTimers;
    this.screen = new InkScreen(
      { stdout, stdin, color: this.opts.color ?? colorWanted(this.io.env), timers },
      (w, h) => this.frame(w, h),
      (k) => this.key(k),
    );
    const interactive = this.screen.interactive;
    this.player.playing = this.opts.autoplay ?? true;
    this.screen.mount();
    let last = timers.now();
    const code = await new Promise<number>((resolveCode) => {
      this.done = resolveCode;
      const tick = () => {
        const now = timers.now();
        const was = this.model.at;
        this.player.tick((now - last) / 1000);
        last = now;
        if (this.model.at !== was) this.rate.add(now, this.model.at, 0);
        this.screen?.request();
        if (!interactive && this.player.atEnd) this.quit();
        else handle = timers.set(tick, 100);
      };
      let handle = timers.set(tick, 100);
      this.stopTimer = () => timers.clear(handle);
    });
    this.stopTimer?.();
    await this.screen.unmount();
    return code;
  }

  private stopTimer: (() => void) | undefined;

  frame(width: number, height: number): DashboardView {
    const p = this.player;
    return this.views.build(
      this.ui,
      {
        state: p.playing ? "playing" : p.atEnd ? "end" : "paused",
        speedIndex: p.speedIndex,
        simPerWall: this.rate.rates().simPerWall,
        eventsPerSec: NaN,
        recordsTotal: this.read.records.length,
      },
      width,
      height,
    );
  }

  key(k: KeyPress): void {
    const m = this.model;
    const size = this.screen?.size() ?? { width: 80, height: 23 };
    const feedRows = this.views.planFor(size.width, size.height).feedRows;
    const { ui, command } = reduceKey(this.ui, k, { mode: "replay", policies: m.info.policies.length, kinds: this.kinds, feedRows });
    this.ui = ui;
    const p = this.player;
    switch (command?.type) {
      case "quit":
        return this.quit();
      case "pause":
        p.togglePlay();
        this.rate.reset();
        break;
      case "speed":
        p.speedIndex = stepSpeed(p.speedIndex, command.by);
        this.rate.reset();
        break;
      case "step":
        p.step();
        break;
      case "nextFault": {
        const ref = this.ui.target ? m.info.fleet.resolve(this.ui.target) : undefined;
        const kind = this.ui.kind;
        if (!p.jumpToFault(command.dir, { kind, ref }))
          this.ui = {
            ...this.ui,
            message: `no ${command.dir > 0 ? "later" : "earlier"} fault${kind ? ` of kind ${kind}` : ""}${this.ui.target ? ` at ${this.ui.target}` : ""}`,
          };
        break;
      }
      case "goto": {
        if (!command.text) break;
        try {
          const t = parseSimTime(command.text);
          p.playing = false;
          p.seek(t);
          if (t > p.endSec) this.ui = { ...this.ui, message: `the journal ends at ${formatDuration(p.endSec)}` };
        } catch (e) {
          this.ui = { ...this.ui, message: `cannot go to "${command.text}": ${(e as Error).message}` };
        }
        break;
      }
      case "target": {
        if (!command.text) {
          this.ui = { ...this.ui, target: undefined };
          break;
        }
        const ref = m.info.fleet.resolve(command.text);
        if (!ref) this.ui = { ...this.ui, message: `no ${command.text} in this fleet; did you mean ${m.info.fleet.closestId(command.text)}?` };
        else this.ui = { ...this.ui, target: command.text };
        break;
      }
    }
    this.screen?.request();
  }

  quit(): void {
    this.done?.(EXIT.ok);
    this.done = undefined;
  }
}
