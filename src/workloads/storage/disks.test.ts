import { describe, expect, it } from "vitest";
import { DiskMap } from "./disks.js";

describe("positions on a disk", () => {
  it("packs copies from the start, reuses the last freed position first, and never moves a live copy", () => {
    const m = new DiskMap(2, 2);
    expect([m.add(0, 10), m.add(0, 11), m.add(0, 12), m.add(0, 13), m.add(0, 14)]).toEqual([0, 1, 2, 3, 4]);
    m.remove(0, 1);
    m.remove(0, 3);
    expect(m.at(0, 1)).toBe(-1);
    expect(m.at(0, 2)).toBe(12);
    expect(m.held[0]).toBe(3);
    expect(m.add(0, 20)).toBe(3);
    expect(m.add(0, 21)).toBe(1);
    expect(m.add(0, 22)).toBe(5);
    expect(m.at(0, 4)).toBe(14);
    expect(m.at(0, 99)).toBe(-1);
    const [slots, n] = m.slotsOf(0, new Int32Array(1));
    expect([...slots.subarray(0, n)]).toEqual([10, 21, 12, 20, 14, 22]);
    expect(m.held[1]).toBe(0);
  });
});
