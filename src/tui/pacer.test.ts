import { describe, expect, it } from "vitest";
import { Pacer, STEP_SEC, type Clock } from "./pacer.js";
import { FrameThrottle, type Timers } from "./throttle.js";

/** A clock that only moves when the code under test sleeps (or the test says so). */
function fakeClock(): Clock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("pacing a live run", () => {
  it("at 1h/s the run goes 3 simulated minutes per 50 ms step and waits for the wall clock", async () => {
    const clock = fakeClock();
    const p = new Pacer(2, clock); // SPEEDS[2] = 3600 s per s
    let at = 0;
    for (let i = 0; i < 20; i++) at = await p.pace(at);
    expect(at).toBe(20 * 3600 * STEP_SEC);
    // The first step goes at once; every later one waits its 50 ms.
    expect(clock.t).toBeCloseTo(19 * 50, 6);
  });

  it("a run slower than the speed is never held back, and does not race to catch up", async () => {
    const clock = fakeClock();
    const p = new Pacer(0, clock); // 60 s per s
    await p.pace(0);
    clock.t += 1000; // the simulation took a whole second for 3 simulated seconds
    await p.pace(3);
    expect(clock.slept).toEqual([]);
    // Fast again: it keeps to the speed from where it is (50 ms per 3 simulated seconds,
    // 10 ms of which the step took), instead of racing through the second it lost.
    clock.t += 10;
    await p.pace(6);
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeCloseTo(40, 6);
  });

  it("max speed lets the run go without a limit", async () => {
    const p = new Pacer(7, fakeClock());
    expect(await p.pace(123)).toBe(Infinity);
  });

  it("paused, the run waits until resumed; stop lets it go for good", async () => {
    const p = new Pacer(7, fakeClock());
    p.setPaused(true);
    let released = false;
    const waiting = p.pace(5).then((x) => {
      released = true;
      return x;
    });
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    p.setPaused(false);
    expect(await waiting).toBe(Infinity);
    p.setPaused(true);
    const stopped = p.pace(7);
    p.stop();
    expect(await stopped).toBe(7);
  });
});

describe("frame throttle", () => {
  function fakeTimers(): Timers & { t: number; run(): void; pending: (() => void)[] } {
    const x = {
      t: 0,
      pending: [] as (() => void)[],
      now: () => x.t,
      set: (fn: () => void) => {
        x.pending.push(fn);
        return fn;
      },
      clear: (h: unknown) => {
        x.pending = x.pending.filter((f) => f !== h);
      },
      run: () => {
        const p = x.pending;
        x.pending = [];
        for (const f of p) f();
      },
    };
    return x;
  }

  it("draws at once after a quiet spell, and folds a burst of requests into one later frame", () => {
    const timers = fakeTimers();
    let drawn = 0;
    const t = new FrameThrottle(() => drawn++, 100, timers);
    t.request();
    expect(drawn).toBe(1);
    for (let i = 0; i < 50; i++) t.request();
    expect(drawn).toBe(1);
    timers.t = 100;
    timers.run();
    expect(drawn).toBe(2);
    timers.t = 350;
    t.request();
    expect(drawn).toBe(3);
  });

  it("with a budget, slow frames space themselves out: a 20 ms frame at 5% waits 400 ms", () => {
    const timers = fakeTimers();
    let drawn = 0;
    const t = new FrameThrottle(
      () => {
        drawn++;
        timers.t += 20;
      },
      100,
      timers,
    );
    t.budget = 0.05;
    t.request();
    expect(drawn).toBe(1);
    timers.t = 300;
    t.request();
    expect(drawn).toBe(1);
    timers.t = 420;
    timers.run();
    expect(drawn).toBe(2);
  });

  it("over a simulated second of constant requests, at most 10 frames", () => {
    const timers = fakeTimers();
    let drawn = 0;
    const t = new FrameThrottle(() => drawn++, 100, timers);
    for (timers.t = 0; timers.t <= 1000; timers.t += 1) {
      if (timers.pending.length && timers.t % 100 === 0) timers.run();
      t.request();
    }
    expect(drawn).toBeLessThanOrEqual(11);
    expect(drawn).toBeGreaterThanOrEqual(10);
  });
});
