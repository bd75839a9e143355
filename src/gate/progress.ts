// The progress of a batch on stderr: done/total, runs per second, time left. On a terminal
// one line redrawn in place with \r (at most ten times a second); otherwise a plain line
// at every tenth of the batch, so CI logs stay short. UI code: it reads the wall clock
// (injected, so tests pass a fake one); nothing here touches a simulation.
import { performance } from "node:perf_hooks";

/** "[███████░░░░░] 12/50 runs  3.4 runs/s  ETA 11s" (a bar only when `barWidth` > 0). */
export function progressText(done: number, total: number, elapsedSec: number, barWidth = 0): string {
  const rate = elapsedSec > 0 ? done / elapsedSec : 0;
  const left = total - done;
  const eta = done === total ? "done" : rate > 0 ? `ETA ${clock(left / rate)}` : "ETA ?";
  const filled = total > 0 ? Math.round((barWidth * done) / total) : 0;
  const bar = barWidth > 0 ? `[${"█".repeat(filled)}${"░".repeat(barWidth - filled)}] ` : "";
  return `${bar}${done}/${total} runs  ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} runs/s  ${eta}`;
}

/** 75 -> "1m15s", 3700 -> "1h01m". */
export function clock(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export interface ProgressOptions {
  total: number;
  write: (text: string) => void;
  /** stderr is a terminal: redraw in place. */
  tty: boolean;
  /** Prefix of every line: "gate". */
  label: string;
  /** Seconds on a monotonic clock (default performance.now). */
  now?: () => number;
}

export class Progress {
  private readonly t0: number;
  private lastDraw = -Infinity;
  private lastTenth = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now() / 1000);
    this.t0 = this.now();
    if (opts.tty) this.draw(0);
  }

  update(done: number): void {
    const { total, tty } = this.opts;
    if (tty) {
      if (done === total || this.now() - this.lastDraw >= 0.1) this.draw(done);
      return;
    }
    const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
    if (tenth > this.lastTenth || done === total) {
      this.lastTenth = tenth;
      this.opts.write(`${this.opts.label}: ${progressText(done, total, this.now() - this.t0)}\n`);
    }
  }

  /** Ends the redrawn line (terminal only). */
  end(): void {
    if (this.opts.tty) this.opts.write("\n");
  }

  private draw(done: number): void {
    this.lastDraw = this.now();
    this.opts.write(`\r${this.opts.label}: ${progressText(done, this.opts.total, this.lastDraw - this.t0, 24)}\x1b[K`);
  }
}
