import { describe, expect, it } from "vitest";
import { defaultPolicy, type Policy } from "../recovery/policy.js";
import type { Verdict } from "../slo/slo.js";
import { answerLines, answers } from "./answer.js";

const verdict = (policy: string, metric: string, ok: boolean): Verdict => ({ policy, metric, op: ">=", threshold: 0.9, value: 0.5, ok });
const policy = (p: Partial<Policy> = {}): Policy => ({ ...defaultPolicy(), ...p });

/** A training job's tally: lost hours by cause adding up to lostWorkHours. */
const training = (parts: Record<string, number>) => {
  const m: Record<string, number> = { "training.goodput": 0.5, ...parts };
  m["training.lostWorkHours"] = Object.values(parts).reduce((s, x) => s + x, 0);
  return m;
};

describe("the answer a report leads with", () => {
  it("a breached goodput: the lost hours by cause, costliest first, adding up to the total; the try keyed to the costliest", () => {
    const m = training({ "training.lost.waitHours": 20, "training.lost.redoHours": 8, "training.lost.restartHours": 2, "training.checkpointStallHours": 1 });
    const [a] = answers([verdict("p", "training.goodput", false), verdict("p", "storage.lostBytes", true)], { p: m }, { p: policy() });
    expect(a).toMatchObject({ policy: "p", breached: 1, slos: 2 });
    expect(a.why).toEqual(["training lost 31h: waiting for hosts 20h, redo 8.0h, restarts 2.0h, checkpoint stalls 1.0h"]);
    expect(a.tryNext).toEqual(["keep hot spares (spares: 2%)", "checkpoint more often (checkpoint: shorter than 1h)"]);
    // with spares, the next answer to waiting; waiting for repair is answered by restarting on spares
    expect(answers([verdict("p", "training.goodput", false)], { p: m }, { p: policy({ spares: 0.02, checkpoint: { kind: "daly" } }) })[0].tryNext).toEqual([
      "keep running on the hosts left (onLoss: shrink), or more spares",
    ]);
    expect(answers([verdict("p", "training.goodput", false)], { p: m }, { p: policy({ onLoss: "wait-for-repair" }) })[0].tryNext[0]).toMatch(
      /onLoss: restart-on-spares/,
    );
  });

  it("a cause under a fifth of the loss gets no suggestion; nor does one the policy already answers", () => {
    const m = training({ "training.exchangeHours": 9, "training.lost.slowdownHours": 1 });
    expect(answers([verdict("p", "training.goodput", false)], { p: m }, { p: policy() })[0].tryNext).toEqual([]);
    const slow = training({ "training.lost.slowdownHours": 9 });
    expect(answers([verdict("p", "training.goodput", false)], { p: slow }, { p: policy() })[0].tryNext).toEqual([
      "swap slow hosts out (drainSlowerThan: 1.2x)",
    ]);
    expect(answers([verdict("p", "training.goodput", false)], { p: slow }, { p: policy({ drainSlowerThan: 1.2 }) })[0].tryNext).toEqual([]);
  });

  it("a named job's SLO reads that job's tally", () => {
    const m = { "training.pretrain.lostWorkHours": 3, "training.pretrain.lost.redoHours": 3, "training.lostWorkHours": 50, "training.lost.waitHours": 50 };
    expect(answers([verdict("p", "training.pretrain.goodput", false)], { p: m }, {})[0].why).toEqual(["training.pretrain lost 3.0h: redo 3.0h"]);
  });

  it("silent corruptions: from defective cores and from memory, adding up to silentCorruptions", () => {
    const m = { silentCorruptions: 64, "training.silentEscapesFromCores": 63 };
    const [a] = answers([verdict("p", "silentCorruptions", false), verdict("p", "training.silentEscapes", false)], { p: m }, {});
    expect(a.why).toEqual(["64 silent corruptions reached a workload: 63 from defective cores, 1 from memory"]);
    expect(a.tryNext).toEqual(["catch defective cores' corruptions and roll back (detect: [gradientChecksum])"]);
  });

  it("serving: failed queries by cause as shares of all queries, the p99 tail's excess by cause; a cause no setting answers gets a note", () => {
    const m = {
      "serving.queries": 1e6,
      "serving.errors": 30_000,
      "serving.errors.straggler": 27_000,
      "serving.errors.defectiveCore": 3_000,
      "serving.errors.hostDown": 0,
      "serving.p99Excess": 0.157,
      "serving.p99Excess.straggler": 0.152,
      "serving.p99Excess.other": 0.005,
    };
    const [a] = answers([verdict("p", "serving.availability", false), verdict("p", "serving.p999", false)], { p: m }, {});
    expect(a.why).toEqual([
      "serving failed 3% of queries: straggler 2.7%, defectiveCore 0.3%",
      "serving's slowest 1% of queries took 157ms more than on an idle fleet: straggler 152ms, other 5ms",
    ]);
    expect(a.tryNext).toEqual(["hedge requests to slow leaves (hedge: p95)"]);
    expect(a.notes).toEqual([]);
    const cores = { ...m, "serving.errors.straggler": 0, "serving.errors.defectiveCore": 30_000 };
    const [b] = answers([verdict("p", "serving.availability", false)], { p: cores }, {});
    expect(b.tryNext).toEqual([]);
    expect(b.notes[0]).toMatch(/^no policy setting catches a defective core's wrong answers/);
    expect(answerLines([b], 80, true).some((l) => l.startsWith("  note: no policy setting"))).toBe(true);
  });

  it("a policy that passes says so; an SLO no tally covers gets no why line", () => {
    const list = answers([verdict("a", "training.goodput", true), verdict("b", "storage.lostBytes", false)], { a: {}, b: {} }, {});
    expect(list.map((a) => [a.policy, a.breached, a.why])).toEqual([
      ["a", 0, []],
      ["b", 1, []],
    ]);
    expect(answerLines(list, 80, true)).toEqual(["a: passes all 1", "b: 1 ✗ of 1"]);
  });

  it("lines fit the width, wrap between items, and never split a setting in brackets", () => {
    const m = training({ "training.lost.waitHours": 20, "training.lost.redoHours": 8, "training.lost.restartHours": 2, "training.checkpointStallHours": 1 });
    const m2 = { ...m, silentCorruptions: 5, "training.silentEscapesFromCores": 5 };
    const list = answers([verdict("p", "training.goodput", false), verdict("p", "silentCorruptions", false)], { p: m2 }, {});
    for (const width of [40, 60, 80]) {
      const lines = answerLines(list, width, false);
      expect(lines[0]).toBe("p: 2 FAIL of 2");
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
      expect(lines.join("\n")).toContain("(detect: [gradientChecksum])");
      expect(lines.join(" ").replace(/\s+/g, " ")).toContain("why: training lost 31h: waiting for hosts 20h, redo 8.0h, restarts 2.0h, checkpoint stalls 1.0h");
    }
  });
});
