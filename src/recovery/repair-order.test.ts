import { describe, expect, it } from "vitest";
import { RepairQueue } from "./repair-order.js";

describe("repair queue", () => {
  it("serves fewest live copies first, first filed first within a level", () => {
    const q = new RepairQueue(10, 3);
    q.push(1, 2);
    q.push(2, 1);
    q.push(3, 2);
    q.push(4, 1);
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([2, 4, 1, 3, -1]);
  });

  it("moves a block whose level changed and skips what was dropped", () => {
    const q = new RepairQueue(10, 3);
    q.push(1, 2);
    q.push(2, 2);
    q.push(1, 1); // block 1 lost another copy
    q.push(1, 1); // filing it again at the same level changes nothing
    q.drop(2);
    expect(q.queued).toBe(1);
    expect([q.pop(), q.pop()]).toEqual([1, -1]);
    expect(q.queued).toBe(0);
    expect(q.queuedMax).toBe(2);
  });

  it("keeps order through growth and compaction (20,000 blocks in and out, three times)", () => {
    const q = new RepairQueue(20_000, 2);
    const popped: number[] = [];
    const expected: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let b = 0; b < 20_000; b++) q.push(b, 1);
      for (let b = 0; b < 10_000; b++) popped.push(q.pop());
      for (let b = 0; b < 10_000; b++) q.push(b, 1);
      for (let b = 10_000; b < 30_001; b++) popped.push(q.pop());
      for (let b = 0; b < 20_000; b++) expected.push(b);
      for (let b = 0; b < 10_000; b++) expected.push(b);
      expected.push(-1);
    }
    expect(popped).toEqual(expected);
  });

  it("refuses levels it cannot hold", () => {
    const q = new RepairQueue(4, 3);
    expect(() => q.push(0, 0)).toThrow(/1\.\.2/);
    expect(() => q.push(0, 3)).toThrow(/1\.\.2/);
  });
});
