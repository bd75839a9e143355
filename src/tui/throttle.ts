// At most one frame per `intervalMs`: the first request after a quiet spell draws at
// once, requests inside the interval are folded into one frame at its end. The dashboard
// asks for a frame on every record, step and key; this keeps it at <= 10 frames/s.
// With a `budget` below 1, frames also keep to that share of the wall time: after a frame
// that took d ms, the next waits at least d / budget ms (a run at full speed keeps the
// main thread for the simulation).

export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class FrameThrottle {
  private last = -Infinity;
  private pending: unknown;
  private lastDrawMs = 0;
  frames = 0;
  /** Share of wall time frames may take (1: no limit beyond the interval). */
  budget = 1;

  constructor(
    private readonly draw: () => void,
    readonly intervalMs = 100,
    private readonly timers: Timers = realTimers,
  ) {}

  request(): void {
    if (this.pending !== undefined) return;
    const wait = this.last + Math.max(this.intervalMs, this.lastDrawMs / this.budget) - this.timers.now();
    if (wait <= 0) this.flush();
    else this.pending = this.timers.set(() => this.flush(), wait);
  }

  /** Draws now (e.g. the last frame before quitting), cancelling a pending one. */
  flush(): void {
    this.cancel();
    const t0 = this.timers.now();
    this.frames++;
    this.draw();
    this.last = this.timers.now();
    this.lastDrawMs = this.last - t0;
  }

  cancel(): void {
    if (this.pending !== undefined) this.timers.clear(this.pending);
    this.pending = undefined;
  }
}
