// Named streams: each is a function of (seed, name) only.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Streams } from "./streams.js";

function draw(streams: Streams, name: string, n: number): number[] {
  const rng = streams.get(name);
  return Array.from({ length: n }, () => rng.next());
}

describe("Streams", () => {
  it("reproduces a stream from the same seed and name", () => {
    expect(draw(new Streams(42), "faults.cosmic", 3000)).toEqual(draw(new Streams(42), "faults.cosmic", 3000));
  });

  it("does not shift a stream when other streams are added or used", () => {
    const alone = draw(new Streams(7), "faults.disk", 2500);

    const busy = new Streams(7);
    const other = busy.get("faults.cosmic");
    const disk = busy.get("faults.disk");
    const interleaved: number[] = [];
    for (let i = 0; i < 2500; i++) {
      for (let j = 0; j < 3; j++) other.next();
      busy.get(`workload.${i % 5}`).exp(1);
      interleaved.push(disk.next());
    }
    expect(interleaved).toEqual(alone);
  });

  it("gives different names and different seeds different sequences", () => {
    const a = draw(new Streams(1), "a", 100);
    expect(draw(new Streams(1), "b", 100)).not.toEqual(a);
    expect(draw(new Streams(2), "a", 100)).not.toEqual(a);
    // Not merely shifted copies of each other either.
    const b = new Set(draw(new Streams(1), "b", 1000));
    expect(a.filter((x) => b.has(x))).toEqual([]);
  });

  it("returns the same object for the same name", () => {
    const s = new Streams(3);
    expect(s.get("x")).toBe(s.get("x"));
    expect(s.get("x")).not.toBe(s.get("y"));
    expect(s.names()).toEqual(["x", "y"]);
  });

  it("any (seed, name) reproduces and stays in range", () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), (seed, name) => {
        const a = draw(new Streams(seed), name, 50);
        expect(draw(new Streams(seed), name, 50)).toEqual(a);
        for (const x of a) expect(x >= 0 && x < 1).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects a non-finite seed", () => {
    expect(() => new Streams(Number.NaN)).toThrow(RangeError);
  });
});
