// Measured speeds for the header: simulated seconds and engine events per wall second,
// over the last couple of seconds of wall time. UI code: takes wall times from its caller.

export class RateMeter {
  private samples: { wallMs: number; at: number; events: number }[] = [];

  constructor(readonly windowMs = 2000) {}

  add(wallMs: number, at: number, events: number): void {
    this.samples.push({ wallMs, at, events });
    while (this.samples.length > 2 && this.samples[1].wallMs < wallMs - this.windowMs) this.samples.shift();
  }

  /** Forget the past (after a pause or a jump, where the old rates mean nothing). */
  reset(): void {
    this.samples = [];
  }

  rates(): { simPerWall: number; eventsPerSec: number } {
    const s = this.samples;
    if (s.length < 2) return { simPerWall: NaN, eventsPerSec: NaN };
    const a = s[0];
    const b = s[s.length - 1];
    const dt = (b.wallMs - a.wallMs) / 1000;
    if (dt <= 0) return { simPerWall: NaN, eventsPerSec: NaN };
    return { simPerWall: (b.at - a.at) / dt, eventsPerSec: (b.events - a.events) / dt };
  }
}
