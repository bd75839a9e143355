// At most one frame per `intervalMs`: the first request after a quiet spell draws at
// once, requests inside the interval are folded into one frame at its end. The dashboard
// asks for a frame on every record, step and key; this keeps it at <= 10 frames/s.

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
  frames = 0;

  constructor(
    private readonly draw: () => void,
    readonly intervalMs = 100,
    private readonly timers: Timers = realTimers,
  ) {}

  request(): void {
    if (this.pending !== undefined) return;
    const wait = this.last + this.intervalMs - this.timers.now();
    if (wait <= 0) this.flush();
    else this.pending = this.timers.set(() => this.flush(), wait);
  }

  /** Draws now (e.g. the last frame before quitting), cancelling a pending one. */
  flush(): void {
    this.cancel();
    this.last = this.timers.now();
    this.frames++;
    this.draw();
  }

  cancel(): void {
    if (this.pending !== undefined) this.timers.clear(this.pending);
    this.pending = undefined;
  }
}
