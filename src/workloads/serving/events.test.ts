// The window's event queue must pop events in exactly the order of the engine's heap
// (src/sim/queue.ts): by time, and at equal times in the order they were scheduled, whether
// an event sits in a lane, in the timing wheel or beyond its horizon in the overflow heap.
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../sim/queue.js";
import { Streams } from "../../sim/streams.js";
import { WHEEL_BUCKETS, WindowEvents } from "./events.js";

describe("the window event queue pops in (time, scheduling order)", () => {
  it("matches the engine's heap over a random mix of near, tied, far and lane events", () => {
    const bucketSec = 1e-4;
    const horizonSec = WHEEL_BUCKETS * bucketSec;
    const rng = new Streams(3).get("events");
    const ev = new WindowEvents(bucketSec);
    const ref = new EventQueue(16);
    let now = 0;
    const laneLast = [0, 0, 0];
    let id = 0;
    let popped = 0;
    const kinds = new Set<number>();
    const push = (time: number, lane: number) => {
      const target = id++;
      if (lane < 0) ev.push(time, 1, target, time * 3);
      else ev.pushLane(lane, time, 2 + lane, target, -target);
      ref.push(time, lane < 0 ? 1 : 2 + lane, target, lane < 0 ? time * 3 : -target);
    };
    for (let step = 0; step < 30_000; step++) {
      const u = rng.next();
      if (u < 0.55) {
        const v = rng.next();
        // now (a tie with the current time), a repeat of a recent time, near, or past the horizon
        const t = v < 0.1 ? now : v < 0.2 ? Math.max(now, laneLast[0]) : v < 0.93 ? now + rng.exp(20 * bucketSec) : now + horizonSec * (0.5 + 2 * rng.next());
        push(t, -1);
      } else if (u < 0.7) {
        const lane = rng.int(3);
        laneLast[lane] = Math.max(laneLast[lane], now) + (rng.next() < 0.3 ? 0 : rng.exp(50 * bucketSec));
        push(laneLast[lane], lane);
      } else {
        const until = rng.next() < 0.1 ? now : now + rng.exp(30 * bucketSec);
        const got = ev.pop(until);
        const want = ref.peekTime() <= until && ref.pop();
        expect(got).toBe(want);
        if (!got) continue;
        expect([ev.time, ev.kind, ev.target, ev.arg]).toEqual([ref.time, ref.kind, ref.target, ref.arg]);
        kinds.add(ev.kind);
        now = ev.time;
        expect(ev.size).toBe(ref.size);
        popped++;
      }
    }
    while (ev.pop(Infinity)) {
      expect(ref.pop()).toBe(true);
      expect([ev.time, ev.kind, ev.target, ev.arg]).toEqual([ref.time, ref.kind, ref.target, ref.arg]);
      popped++;
    }
    expect(ref.size).toBe(0);
    expect(popped).toBe(id);
    expect([...kinds].sort()).toEqual([1, 2, 3, 4]);
  });

  it("keeps equal times first-in first-out across the wheel, the overflow heap and a lane", () => {
    const ev = new WindowEvents(0.001);
    const far = WHEEL_BUCKETS * 0.001 * 2;
    ev.push(far, 0, 1, 0); // beyond the horizon: overflow heap
    ev.pushLane(0, far, 0, 2, 0);
    ev.push(0.5, 0, 3, 0);
    ev.pushLane(1, 0.5, 0, 4, 0);
    ev.push(0.5, 0, 5, 0);
    const order: number[] = [];
    while (ev.pop(Infinity)) order.push(ev.target);
    expect(order).toEqual([3, 4, 5, 1, 2]);
  });

  it("finds the earliest wheel event after the wheel sat empty while lane events moved the clock on", () => {
    const bucketSec = 0.001;
    const ev = new WindowEvents(bucketSec);
    ev.push(0.0005, 0, 1, 0);
    expect(ev.pop(Infinity)).toBe(true);
    ev.pushLane(0, 0.05, 0, 2, 0); // 50 buckets on, with the wheel empty
    expect(ev.pop(Infinity) && ev.target).toBe(2);
    ev.push(0.05 + (WHEEL_BUCKETS - 2) * bucketSec, 0, 3, 0); // just inside the horizon
    ev.push(0.052, 0, 4, 0);
    const order: number[] = [];
    while (ev.pop(Infinity)) order.push(ev.target);
    expect(order).toEqual([4, 3]);
  });

  it("refuses a lane event that goes back in time, and stops at the time limit", () => {
    const ev = new WindowEvents(0.01);
    ev.pushLane(0, 2, 0, 0, 0);
    expect(() => ev.pushLane(0, 1, 0, 0, 0)).toThrow(/back in time/);
    expect(ev.pop(1.5)).toBe(false);
    expect(ev.size).toBe(1);
    expect(ev.pop(2)).toBe(true);
    expect(ev.time).toBe(2);
  });
});
