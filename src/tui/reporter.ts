// The dashboard as a Reporter for `fleet chaos`: it prints the seed line first (as the
// text reporter does), then shows the live dashboard while the run goes, and when the
// dashboard closes it prints the same summary the text reporter prints.
//
// Keys (keys.ts): space pauses the run (the session's `pace` hook holds it), + and -
// change the simulation speed, q stops it. Quitting before the end is an interrupted run,
// exactly like Ctrl-C: the journal gets its "interrupted" footer, the partial summary is
// printed, and the exit code is 130. After a complete run the dashboard stays up (when
// keys can be read) so the final map and verdicts can be read; q then closes it and the
// exit code is the verdict's. Without a terminal on stdin it closes at the end by itself.
// At the end the map pane shows the answer (each policy's verdict, why, what to try:
// src/report/answer.ts) until tab gives the map the focus. n runs ahead to the next
// correlated incident (a burst, a bus bar, a PDU, a rack, a link cut: the feed's pinned
// kind) and pauses the run there, at the speed it had, so the incident is on screen:
// ahead at the speed whose stretch is at most 1/200 of the run (the pacer lets the run
// go one stretch past a pause, so it stops at most that far past the incident).
import { buildFleet } from "../fleet/build.js";
import type { EndInfo, Reporter, StartInfo } from "../report/reporter.js";
import { answers } from "../report/answer.js";
import type { Policy } from "../recovery/policy.js";
import { TextReporter } from "../report/text.js";
import { InkScreen } from "./ink-screen.js";
import { initialUi, reduceKey, type KeyPress, type UiState } from "./keys.js";
import { DashboardModel } from "./model.js";
import { Pacer, STEP_SEC, wallClock, type Clock } from "./pacer.js";
import { RateMeter } from "./rate.js";
import { defaultSpeedIndex, SPEEDS } from "./speed.js";
import type { Timers } from "./throttle.js";
import { ViewBuilder, type DashboardView, type RunState } from "./view.js";

/** The speed n runs ahead at: the fastest whose stretch is at most 1/200 of the run (at least the slowest speed). */
export function seekSpeedIndex(durationSec: number): number {
  let i = 0;
  while (i + 1 < SPEEDS.length && Number.isFinite(SPEEDS[i + 1]) && SPEEDS[i + 1] * STEP_SEC <= durationSec / 200) i++;
  return i;
}

/** Share of the wall time frames may take while the run goes at full speed. */
export const FULL_SPEED_FRAME_BUDGET = 0.05;

export interface DashboardReporterOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Where the seed line and the final summary go (the command's stdout). */
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  quiet?: boolean;
  /** Index into SPEEDS to start at (default: from the run's duration; see speed.ts). */
  speedIndex?: number;
  /** Stay up after a complete run until q (default: when keys can be read). */
  holdAtEnd?: boolean;
  clock?: Clock;
  timers?: Timers;
}

export class DashboardReporter implements Reporter {
  private model: DashboardModel | undefined;
  private views: ViewBuilder | undefined;
  private screen: InkScreen | undefined;
  private pacer: Pacer | undefined;
  private readonly text: TextReporter;
  private readonly rate = new RateMeter();
  private ui: UiState = initialUi;
  private state: RunState = "running";
  private endInfo: EndInfo | undefined;
  private policies: Record<string, Policy> = {};
  /** Running ahead to the next incident (n): the speed to go back to, and the incident shown when n was pressed. */
  private seek: { speedIndex: number; from: unknown } | undefined;
  private quit = false;
  private waiting = false;
  private resolveClosed!: () => void;
  /** Settles when the dashboard has closed and the summary is printed. */
  readonly closed: Promise<void>;

  constructor(private readonly o: DashboardReporterOptions) {
    this.text = new TextReporter({ out: o.out, err: o.err, quiet: o.quiet });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** For RunOptions.pace. */
  pace = (at: number): Promise<number> => (this.pacer ? this.pacer.pace(at) : Promise.resolve(Infinity));

  /** Frames drawn so far (the bench reads it). */
  get framesDrawn(): number {
    return this.screen?.throttle.frames ?? 0;
  }

  /** For RunOptions.shouldStop: true once q was pressed. */
  get quitRequested(): boolean {
    return this.quit;
  }

  start(info: StartInfo): void {
    this.text.start(info);
    this.policies = info.scenario.policies;
    const fleet = buildFleet(info.scenario.fleet);
    this.model = new DashboardModel({
      mode: "chaos",
      scenario: info.scenario.name,
      file: info.file,
      seed: info.seed,
      durationSec: info.durationSec,
      fleet,
      slos: info.scenario.slo,
      policies: info.policies.length ? info.policies : ["default"],
    });
    this.views = new ViewBuilder(this.model);
    this.pacer = new Pacer(this.o.speedIndex ?? defaultSpeedIndex(info.durationSec), this.o.clock ?? wallClock);
    this.screen = new InkScreen(
      { stdout: this.o.stdout, stdin: this.o.stdin, color: this.o.color, timers: this.o.timers },
      (w, h) => this.frame(w, h),
      (k) => this.key(k),
    );
    this.screen.mount();
  }

  onRecord(t: string, at: number, fields: Record<string, unknown>): void {
    this.model?.onRecord(t, at, fields);
    const incident = this.model?.feed.incident;
    if (this.seek && this.pacer && incident && incident.entry !== this.seek.from) {
      this.pacer.setSpeedIndex(this.seek.speedIndex);
      this.pacer.setPaused(true);
      this.seek = undefined;
      this.ui = { ...this.ui, message: `paused at ${incident.entry.label}: space goes on` };
    }
    this.screen?.request();
  }

  onProgress(at: number, events: number): void {
    if (!this.model) return;
    this.model.onProgress(at, events);
    this.rate.add((this.o.clock ?? wallClock).now(), at, events);
    // At full speed the simulation needs the main thread: frames take at most 5% of it.
    // Paced, the run waits anyway, and frames come at up to 10 a second.
    if (this.screen) this.screen.throttle.budget = this.pacer && !Number.isFinite(this.pacer.speed) ? FULL_SPEED_FRAME_BUDGET : 1;
    this.screen?.request();
  }

  end(info: EndInfo): void {
    this.endInfo = info;
    const m = this.model;
    if (m) {
      m.at = info.outcome.at;
      const { status, verdicts, metrics } = info.outcome;
      m.final = { status, verdicts, exitCode: info.exitCode, answers: answers(verdicts, metrics, this.policies) };
    }
    this.state = "done";
    const hold = this.o.holdAtEnd ?? this.screen?.interactive ?? false;
    this.waiting = hold && !this.quit && info.outcome.status === "complete";
    if (this.waiting) this.screen?.request();
    else void this.close();
  }

  /** The current frame (also what tests read). */
  frame(width: number, height: number): DashboardView {
    const r = this.rate.rates();
    return this.views!.build(
      this.ui,
      {
        state: this.state === "running" && this.pacer?.paused ? "paused" : this.state,
        speedIndex: this.pacer?.speedIndex ?? 0,
        simPerWall: r.simPerWall,
        eventsPerSec: r.eventsPerSec,
        status: this.endInfo?.outcome.status,
        exitCode: this.endInfo?.exitCode,
        waiting: this.waiting,
      },
      width,
      height,
    );
  }

  /** A key from the terminal (or a test). */
  key(k: KeyPress): void {
    const m = this.model;
    if (!m) return;
    const size = this.screen?.size() ?? { width: 80, height: 23 };
    const feedRows = this.views!.planFor(size.width, size.height).feedRows;
    const { ui, command } = reduceKey(this.ui, k, { mode: "chaos", policies: m.info.policies.length, kinds: m.feed.kindsSeen(), feedRows });
    this.ui = ui;
    switch (command?.type) {
      case "quit":
        if (this.endInfo) void this.close();
        else if (!this.quit) {
          this.quit = true;
          this.state = "stopping";
          this.pacer?.stop();
        }
        break;
      case "pause":
        if (this.pacer && !this.endInfo) {
          this.seek = undefined;
          this.pacer.setPaused(!this.pacer.paused);
          this.rate.reset();
        }
        break;
      case "speed":
        if (this.pacer) {
          this.seek = undefined;
          this.pacer.setSpeedIndex(this.pacer.speedIndex + command.by);
          this.rate.reset();
        }
        break;
      case "nextIncident":
        if (this.pacer && !this.endInfo) {
          this.seek = { speedIndex: this.seek?.speedIndex ?? this.pacer.speedIndex, from: m.feed.incident?.entry };
          this.pacer.setSpeedIndex(seekSpeedIndex(m.info.durationSec));
          this.pacer.setPaused(false);
          this.rate.reset();
          this.ui = { ...this.ui, message: "ahead to the next incident…" };
        }
        break;
    }
    this.screen?.request();
  }

  /** Takes the dashboard down without a summary (the run threw); does nothing once closed. */
  async abandon(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.screen?.unmount();
    this.resolveClosed();
  }

  private closing = false;
  private async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.screen?.unmount();
    if (this.endInfo) this.text.end(this.endInfo);
    this.resolveClosed();
  }
}
