import { describe, expect, it } from "vitest";
import { TraceDigest } from "./trace-digest.js";

type Rec = Parameters<TraceDigest["add"]>;

function digestOf(records: Rec[]): string {
  const d = new TraceDigest();
  for (const r of records) d.add(...r);
  return d.hex();
}

const base: Rec[] = [
  [3, 10.5, { kind: "host", index: 7 }, NaN, undefined, { mode: "row", bits: [1, 2], fault: 0 }],
  [8, 3600, { kind: "busbar", index: 2 }, 7200, { repair: 3600, hosts: 64 }, undefined],
];

describe("the fault trace digest", () => {
  it("is the same for the same records", () => {
    expect(digestOf(base)).toBe(digestOf(base.map((r) => structuredClone(r))));
  });

  it("changes when any part of any record changes", () => {
    const variants: Rec[][] = [
      [[4, ...base[0].slice(1)] as Rec, base[1]], // kind
      [[3, 10.25, ...base[0].slice(2)] as Rec, base[1]], // time
      [[3, 10.5, { kind: "host", index: 8 }, ...base[0].slice(3)] as Rec, base[1]], // target index
      [[3, 10.5, { kind: "rack", index: 7 }, ...base[0].slice(3)] as Rec, base[1]], // target kind
      [[3, 10.5, { kind: "host", index: 7 }, NaN, undefined, { mode: "bank", bits: [1, 2], fault: 0 }], base[1]], // a string
      [[3, 10.5, { kind: "host", index: 7 }, NaN, undefined, { mode: "row", bits: [1, 2, 3], fault: 0 }], base[1]], // an array
      [[3, 10.5, { kind: "host", index: 7 }, NaN, undefined, { mode: "row", bits: [1, 2], faults: 0 }], base[1]], // a key
      [base[0], [8, 3600, { kind: "busbar", index: 2 }, 7201, { repair: 3600, hosts: 64 }, undefined]], // an end time
      [base[1], base[0]], // the order
      [base[0]], // a record missing
    ];
    const seen = new Set([digestOf(base)]);
    for (const v of variants) seen.add(digestOf(v));
    expect(seen.size).toBe(variants.length + 1);
  });

  it("does not confuse a field of the head with one of the detail", () => {
    expect(digestOf([[1, 0, undefined, NaN, { a: 1 }, undefined]])).not.toBe(digestOf([[1, 0, undefined, NaN, undefined, { a: 1 }]]));
  });

  it("hashes across buffer refills like in one piece", () => {
    const many: Rec[] = Array.from({ length: 5000 }, (_, i) => [i % 7, i, { kind: "host", index: i }, NaN, undefined, { n: i }] as Rec);
    const a = new TraceDigest();
    for (const r of many) a.add(...r);
    const mid = new TraceDigest();
    for (const r of many.slice(0, 2500)) mid.add(...r);
    mid.hex(); // an intermediate digest must not disturb the final one
    for (const r of many.slice(2500)) mid.add(...r);
    expect(mid.hex()).toBe(a.hex());
  });
});
