// A journal's header turned back into a run: scenario, seed, duration.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HeaderRecord } from "../journal/index.js";
import { VERSION } from "../base/version.js";
import { recordedRun } from "./recorded.js";

const SCENARIO = `name: tiny
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 4 }
`;

function header(over: Partial<HeaderRecord> = {}): HeaderRecord {
  return {
    t: "header",
    format: 1,
    fleetVersion: VERSION,
    scenario: "tiny",
    scenarioText: SCENARIO,
    scenarioSha256: "",
    seed: 7,
    options: { durationSec: 3600 },
    wall: { startedAt: "" },
    ...over,
  };
}

describe("recordedRun", () => {
  it("gives back the scenario, seed and duration the header records", () => {
    const r = recordedRun(header({ seed: "12" }), "j.jsonl", process.cwd());
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.value.scenario.name, r.value.seed, r.value.durationSec, r.value.versionWarning]).toEqual(["tiny", 12, 3600, undefined]);
  });

  it("refuses a seed it cannot re-run", () => {
    expect(recordedRun(header({ seed: "abc" }), "j.jsonl", process.cwd())).toEqual({
      ok: false,
      message: "j.jsonl:1: the header's seed \"abc\" is not a whole number fleet can re-run (0 to 2^53-1, as a scenario's seed)",
    });
    expect(recordedRun(header({ seed: 2 ** 53 }), "j.jsonl", process.cwd())).toMatchObject({
      ok: false,
      message: expect.stringContaining("seed 9007199254740992 is not"),
    });
  });

  it("re-runs with the journal limit the run was given on the command line (options.maxJournalBytes), and refuses one that is not a size", () => {
    const r = recordedRun(header({ options: { durationSec: 3600, maxJournalBytes: 8192 } }), "j.jsonl", process.cwd(), { maxHosts: 100 });
    expect(r.ok && [r.value.scenario.limits.maxJournalBytes, r.value.scenario.limits.maxHosts]).toEqual([8192, 100]);
    expect(recordedRun(header({ options: { durationSec: 3600, maxJournalBytes: -1 } }), "j.jsonl", process.cwd())).toEqual({
      ok: false,
      message: "j.jsonl:1: the header's options.maxJournalBytes -1 is not a journal limit (a whole number of bytes, more than zero)",
    });
  });

  it("names the header when the recorded scenario does not load in this build", () => {
    const r = recordedRun(header({ scenarioText: SCENARIO.replace("rows: 1", "rowz: 1") }), "j.jsonl", process.cwd());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message.split("\n")[0]).toBe("the recorded scenario does not load in this build:");
      expect(r.message).toContain('\nj.jsonl:1 (the scenario text in the header):5:20 fleet.datacenters[0].rowz: unknown key "rowz" (did you mean "rows"?)\n');
    }
  });

  it("looks timelines up beside the recorded scenario only inside the working folder", () => {
    const outside = mkdtempSync(join(tmpdir(), "fleet-recorded-"));
    mkdirSync(join(outside, "s"));
    writeFileSync(join(outside, "s", "t.jsonl"), '{"at":"1h","kind":"host","target":"dc1/row01/rack01/host01"}\n');
    const text = `${SCENARIO}faults:\n  - timeline: t.jsonl\n`;
    // The header claims the scenario sat in a folder outside the working folder: fleet does
    // not follow it there, so the timeline beside it is not found.
    const claimed = recordedRun(header({ scenarioText: text, options: { durationSec: 3600, file: join(outside, "s", "x.yaml") } }), "j.jsonl", process.cwd());
    expect(claimed.ok).toBe(false);
    if (!claimed.ok) expect(claimed.message).toMatch(/timeline "t\.jsonl"/);
    // Inside the working folder, it is.
    const inside = recordedRun(header({ scenarioText: text, options: { durationSec: 3600, file: "s/x.yaml" } }), "j.jsonl", outside);
    expect(inside.ok).toBe(true);
  });
});
