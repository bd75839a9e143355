import { describe, expect, it } from "vitest";
import { compareOrders, orderEntryOf, orderLogs } from "./order-log.js";

const rec = (policy: string, interval: number, chain: string) => ({ t: "milestone", at: interval * 3600, policy, job: "j", event: "order", interval, chain });

describe("order logs", () => {
  it("reads only order milestones, and parts two logs at the first interval whose chain differs or that one lacks", () => {
    expect(orderEntryOf({ t: "milestone", at: 1, job: "j", event: "checkpoint" })).toBeUndefined();
    const before = orderLogs([rec("a", 1, "x1"), rec("a", 2, "x2"), rec("a", 3, "x3"), { t: "fault", at: 5 }, rec("b", 1, "y1")]);
    const after = orderLogs([rec("c", 1, "x1"), rec("c", 2, "x2")]);
    expect(compareOrders(before, after, ["a", "b", "sync"])).toEqual([
      { job: "j", before: "a", after: "c", same: 2, parts: { interval: 3, at: 3 * 3600 } },
      { job: "j", before: "b", after: "c", same: 0, parts: { interval: 1, at: 3600 } },
    ]);
    expect(compareOrders(after, after, ["c"])).toEqual([{ job: "j", before: "c", after: "c", same: 2 }]);
  });
});
