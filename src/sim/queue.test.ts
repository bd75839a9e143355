// The event queue against a plain reference (a stable-sorted array), for random
// interleavings of push and pop with many equal times.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "./queue.js";

interface Ev {
  time: number;
  kind: number;
  target: number;
  arg: number;
}

/** The reference: a list kept sorted by time, new events after equal times (FIFO). */
class ReferenceQueue {
  private items: Ev[] = [];
  push(e: Ev): void {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].time > e.time) i--;
    this.items.splice(i, 0, e);
  }
  pop(): Ev | undefined {
    return this.items.shift();
  }
  get size(): number {
    return this.items.length;
  }
  peekTime(): number {
    return this.items.length ? this.items[0].time : Infinity;
  }
}

type Op = { op: "push"; time: number; arg: number } | { op: "pop" } | { op: "clear" };

// Few distinct times so that ties are the rule, plus some spread-out ones.
const timeArb = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 1e6, noNaN: true }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("push" as const), time: timeArb, arg: fc.double({ noNaN: true }) }) },
  { weight: 4, arbitrary: fc.constant({ op: "pop" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

describe("EventQueue", () => {
  it("pops in (time, insertion order) like a stable sorted list", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, cap) => {
        const q = new EventQueue(cap);
        const ref = new ReferenceQueue();
        let id = 0;
        for (const o of ops) {
          if (o.op === "push") {
            const e = { time: o.time, kind: id % 7, target: id, arg: o.arg };
            id++;
            q.push(e.time, e.kind, e.target, e.arg);
            ref.push(e);
          } else if (o.op === "pop") {
            const want = ref.pop();
            const got = q.pop();
            expect(got).toBe(want !== undefined);
            if (want) {
              expect([q.time, q.kind, q.target, q.arg]).toEqual([want.time, want.kind, want.target, want.arg]);
            }
          } else {
            q.clear();
            while (ref.pop());
          }
          expect(q.size).toBe(ref.size);
          expect(q.peekTime()).toBe(ref.peekTime());
        }
        // Drain: everything left comes out in reference order.
        for (let want = ref.pop(); want; want = ref.pop()) {
          expect(q.pop()).toBe(true);
          expect(q.target).toBe(want.target);
        }
        expect(q.pop()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps FIFO order among thousands of events at one time, across growth", () => {
    const q = new EventQueue(2);
    for (let i = 0; i < 5000; i++) q.push(i % 2 === 0 ? 10 : 5, 1, i, i * 0.5);
    const out: number[] = [];
    while (q.pop()) out.push(q.target);
    const odd = Array.from({ length: 2500 }, (_, i) => 2 * i + 1);
    const even = Array.from({ length: 2500 }, (_, i) => 2 * i);
    expect(out).toEqual([...odd, ...even]);
  });

  it("carries int32 targets and float64 args unchanged", () => {
    const q = new EventQueue();
    q.push(1, 3, -2147483648, -0.1);
    q.push(0.5, 2147483647, 2147483647, 1e300);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.target, q.arg]).toEqual([0.5, 2147483647, 2147483647, 1e300]);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.target, q.arg]).toEqual([1, 3, -2147483648, -0.1]);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
  });
});
