// Pause and simulation speed for a live run, through the session's `pace` hook: the run
// awaits pace(at) before each stretch of simulated time, and gets back how far it may go.
// Paused, pace waits; at a speed of S simulated seconds per wall second, it lets the run
// go STEP_SEC * S further and waits until the wall clock catches up with where the run
// is. A run slower than the speed is never held back, and does not race ahead to catch
// up later either (the anchor moves when it falls behind). UI code: the wall clock is
// allowed here; the run's results do not depend on where it was paused.
import { SPEEDS } from "./speed.js";

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const wallClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Wall seconds between two stretches of a paced run (20 per second). */
export const STEP_SEC = 0.05;
/** Behind by more than this (ms), the pacer stops trying to catch up. */
const SLACK_MS = 250;

export class Pacer {
  paused = false;
  private stopped = false;
  private anchor: { wallMs: number; sim: number } | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    public speedIndex: number,
    private readonly clock: Clock = wallClock,
  ) {}

  get speed(): number {
    return SPEEDS[this.speedIndex];
  }

  setSpeedIndex(i: number): void {
    this.speedIndex = Math.min(SPEEDS.length - 1, Math.max(0, i));
    this.anchor = undefined;
  }

  setPaused(p: boolean): void {
    this.paused = p;
    this.anchor = undefined;
    if (!p) this.wake();
  }

  /** Lets a waiting run go for good (it will then see shouldStop). */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** The session's hook: waits while paused or ahead of the speed; returns the next limit. */
  pace = async (at: number): Promise<number> => {
    while (this.paused && !this.stopped) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.stopped) return at;
    const speed = this.speed;
    if (!Number.isFinite(speed)) {
      this.anchor = undefined;
      return Infinity;
    }
    const now = this.clock.now();
    if (!this.anchor) this.anchor = { wallMs: now, sim: at };
    const due = this.anchor.wallMs + ((at - this.anchor.sim) / speed) * 1000;
    if (due > now) await this.clock.sleep(due - now);
    else if (now - due > SLACK_MS) this.anchor = { wallMs: now, sim: at };
    return at + speed * STEP_SEC;
  };

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
