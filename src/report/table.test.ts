import { describe, expect, it } from "vitest";
import { table } from "./table.js";

describe("text tables", () => {
  const header = ["metric", "sync", "drain", "backup", "both", "async"];
  const rows = [
    ["training.lost.slowdownHours", "89.2", "42.46", "54.61", "0.01674", "0"],
    ["training.goodput", "0.7044", "0.8252", "0.8072", "0.9514", "0.9613"],
  ];

  it("lays out columns, the first left and the others right", () => {
    expect(
      table(
        ["a", "bb"],
        [
          ["x", 1],
          ["yyy", 22],
        ],
      ),
    ).toBe("a    bb\n---  --\nx     1\nyyy  22");
  });

  it("cut by columns when wider than asked, each part repeating the row names, every line within the width", () => {
    const whole = table(header, rows);
    expect(Math.max(...whole.split("\n").map((l) => l.length))).toBeGreaterThan(50);
    const cut = table(header, rows, [], 50);
    const parts = cut.split("\n\n");
    expect(parts.length).toBeGreaterThan(1);
    for (const line of cut.split("\n")) expect(line.length).toBeLessThanOrEqual(50);
    for (const p of parts)
      expect(
        p
          .split("\n")
          .slice(2)
          .map((l) => l.split(/ +/)[0]),
      ).toEqual(rows.map((r) => r[0]));
    // every value once, in its column's order
    expect(parts.flatMap((p) => p.split("\n")[0].split(/ +/).slice(1))).toEqual(header.slice(1));
    expect(table(header, rows, [], 200)).toBe(whole);
  });
});
