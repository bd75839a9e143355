import { describe, expect, it } from "vitest";
import { buckets, sparkline } from "./sparkline.js";

describe("sparkline", () => {
  it("scales a series between its own minimum and maximum", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([10, 20], 8)).toBe("▁█");
  });

  it("a flat series sits on the floor; a gap (NaN) is a blank", () => {
    expect(sparkline([3, 3, 3], 3)).toBe("▁▁▁");
    expect(sparkline([1, NaN, 2], 3)).toBe("▁ █");
  });

  it("a long series is cut into buckets drawn at their means", () => {
    expect(buckets([1, 3, 5, 7, 9, 11], 3)).toEqual([2, 6, 10]);
    expect(sparkline([0, 0, 0, 0, 10, 10, 10, 10], 2)).toBe("▁█");
    expect(sparkline([1, 2, 3], 0)).toBe("");
  });
});
