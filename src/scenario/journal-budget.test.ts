import { describe, expect, it } from "vitest";
import { parseDuration } from "../base/units.js";
import { MIN_SNAPSHOT_LINE_BYTES, snapshotBudgetProblem, snapshotRecords } from "./journal-budget.js";
import { loadScenarioText, type Scenario } from "./load.js";

const FLEET = `fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 4 }
`;

function load(text: string): Scenario {
  const r = loadScenarioText(`name: s\n${text}${FLEET}`, "s.yaml", { limits: { maxJournalBytes: 2 ** 30 } });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join("; "));
  return r.value;
}

describe("the snapshots' share of the journal limit", () => {
  it("counts one snapshot per policy per interval, 100 per policy by default", () => {
    expect(snapshotRecords(load("duration: 72h\n"), 72 * 3600)).toBe(100);
    const two = load("duration: 72h\nsnapshotEvery: 1h\npolicies: { a: {}, b: {} }\n");
    expect(snapshotRecords(two, 72 * 3600)).toBe(144);
    expect(snapshotRecords(two, 30 * 60)).toBe(2); // a run shorter than the interval still ends with a snapshot
  });

  it("names a snapshotEvery that fits, and the one it names does", () => {
    const s = load("duration: 1h\nsnapshotEvery: 10ms\npolicies: { a: {}, b: {}, c: {} }\n");
    for (const durationSec of [86400 * 10, 86400 * 365 * 10, 86400 * 7 + 13]) {
      const problem = snapshotBudgetProblem(s, durationSec);
      expect(problem?.message).toContain("(3 policies)");
      const every = /at least (\S+),/.exec(problem?.hint ?? "")?.[1];
      const fits = { ...s, snapshotEverySec: parseDuration(every) };
      expect(snapshotBudgetProblem(fits, durationSec)).toBeUndefined();
      expect(snapshotRecords(fits, durationSec) * MIN_SNAPSHOT_LINE_BYTES).toBeLessThanOrEqual(2 ** 30);
    }
  });

  it("is checked by the loader at snapshotEvery, or at limits.maxJournal when that is what is small", () => {
    const r = loadScenarioText(`name: s\nduration: 30d\nsnapshotEvery: 10ms\n${FLEET}`, "s.yaml");
    expect(!r.ok && r.issues.map((i) => [i.path.join("."), i.line, i.code])).toEqual([["snapshotEvery", 3, "limit"]]);
    const small = loadScenarioText(`name: s\nduration: 30d\nlimits: { maxJournal: 4KiB }\n${FLEET}`, "s.yaml");
    expect(!small.ok && small.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["limits.maxJournal", "snapshots every 7h12m over 30d make 100 records, at least 6.25KiB of journal, above the safety limit of 4KiB (limits.maxJournal)"],
    ]);
  });
});
