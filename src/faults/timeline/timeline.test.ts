import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssues, type Issue } from "../../base/issues.js";
import { loadScenarioText, type Scenario } from "../../scenario/load.js";
import { FAULT_MODELS } from "../registry.js";
import { startFaultLayer } from "../layer.js";
import { splitCsvLine } from "./file.js";
import { timelineInjector } from "./injector.js";
import { scheduledFaults } from "./targets.js";
import type { FaultEvent } from "../trace.js";

const HOUR = 3600;

/** 2 rows x 4 racks x 4 hosts, 2 bus bars per row; `faults` is the YAML list under faults:. */
function scenarioText(faults: string): string {
  return `name: t
duration: 3d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2 } }
faults:
${faults}
`;
}

function load(faults: string, file = "scenario.yaml"): Scenario {
  const r = loadScenarioText(scenarioText(faults), file);
  if (!r.ok) throw new Error(formatIssues(file, r.issues));
  return r.value;
}

function issues(faults: string, file = "scenario.yaml"): Issue[] {
  const r = loadScenarioText(scenarioText(faults), file);
  if (r.ok) throw new Error("expected the scenario to be refused");
  return r.issues;
}

/** Writes files into a fresh folder and returns the path of its scenario.yaml. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-timeline-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, "scenario.yaml");
}

function runLayer(s: Scenario, horizonSec: number) {
  const layer = startFaultLayer(s, { seed: 1, horizonSec });
  const events: FaultEvent[] = [];
  layer.trace.addListener({ onFault: (e) => void events.push(e) });
  layer.sim.run({ until: horizonSec });
  return { ...layer, events };
}

describe("scheduled faults in a scenario", () => {
  it("reads at, the kind with its target, and the kind's parameters with defaults", () => {
    const s = load(`  - at: 3h
    straggler: dc1/row01/rack02/host03
    slowdown: 10x
    duration: 1h
  - { at: 90m, mercurialCore: dc1/row02/rack04/host01 }`);
    expect(scheduledFaults(s)).toEqual([
      { atSec: 3 * HOUR, kind: "straggler", target: "dc1/row01/rack02/host03", params: { slowdown: 10, duration: HOUR }, origin: { path: ["faults", 0] } },
      { atSec: 1.5 * HOUR, kind: "mercurialCore", target: "dc1/row02/rack04/host01", params: { bit: 30, rate: 1 / HOUR }, origin: { path: ["faults", 1] } },
    ]);
  });

  it("refuses an unknown kind with a did-you-mean, and lists the kinds that can be scheduled", () => {
    const [typo] = issues("  - { at: 1h, stragler: dc1/row01/rack01/host01 }");
    expect(typo).toMatchObject({ code: "unknown_key", line: 7, path: ["faults", 0, "stragler"], hint: 'did you mean "straggler"?' });
    const [none] = issues("  - { at: 1h, what: dc1/row01/rack01/host01 }");
    expect(none.message).toMatch(/needs a fault kind and its target/);
    expect(none.hint).toMatch(/kinds that can be scheduled: .*straggler.*mercurialCore/);
  });

  it("refuses a kind that cannot be scheduled on a target", () => {
    FAULT_MODELS.untargeted = { kind: "untargeted", summary: "test only", kinds: [], schema: () => ({}), create: () => ({ name: "untargeted", start() {} }) };
    try {
      const [i] = issues("  - { at: 1h, untargeted: dc1 }");
      expect(i.message).toBe('"untargeted" faults cannot be scheduled on a target');
      expect(i.hint).toMatch(/^kinds that can be scheduled: .*straggler/);
      expect(i.hint).not.toMatch(/untargeted/);
    } finally {
      delete FAULT_MODELS.untargeted;
    }
  });

  it("refuses unknown parameters with a did-you-mean, a bad time and two kinds in one entry", () => {
    const [param] = issues("  - { at: 1h, straggler: dc1/row01/rack01/host01, slowdwn: 10x }");
    expect(param).toMatchObject({ code: "unknown_key", path: ["faults", 0, "slowdwn"], hint: 'did you mean "slowdown"?' });
    const [at] = issues("  - { at: soon, straggler: dc1/row01/rack01/host01 }");
    expect(at).toMatchObject({ code: "bad_unit", path: ["faults", 0, "at"] });
    const [two] = issues("  - { at: 1h, straggler: dc1/row01/rack01/host01, mercurialCore: dc1/row01/rack01/host02 }");
    expect(two.message).toBe("one scheduled fault names one fault kind; found straggler and mercurialCore");
  });

  it("refuses a target that does not exist, naming the closest real id, at the entry's line", () => {
    const found = issues(`  - busbar: { mtbf: 3y }
  - at: 30h
    straggler: dc1/row01/rack02/host09`);
    expect(found).toEqual([
      {
        code: "unknown_target",
        path: ["faults", 1, "straggler"],
        line: 9,
        column: 16,
        message: 'no "dc1/row01/rack02/host09" in the fleet',
        hint: 'did you mean "dc1/row01/rack02/host04"?',
      },
    ]);
    expect(formatIssues("s.yaml", found)).toBe(
      's.yaml:9:16 faults[1].straggler: no "dc1/row01/rack02/host09" in the fleet (did you mean "dc1/row01/rack02/host04"?)\n1 error in s.yaml',
    );
  });

  it("refuses a target of the wrong kind: a rack id for a bus bar fault", () => {
    const [rack] = issues("  - { at: 30h, busbar: dc1/row01/rack03 }");
    expect(rack.message).toBe('a busbar fault hits a bus bar, but "dc1/row01/rack03" is a rack');
    expect(rack.hint).toBe('did you mean "dc1/row01/busbar-b"?'); // the bus bar feeding that rack
    const [host] = issues("  - { at: 3h, straggler: dc1/row02 }");
    expect(host.message).toBe('a straggler fault hits a host, but "dc1/row02" is a row');
  });
});

describe("timeline files", () => {
  it("reads only under the scenario's folder or the working directory, unless the user named the file", () => {
    const elsewhere = folder({ "secret.jsonl": '{"at":"1h","kind":"host","target":"dc1/row01/rack01/host01"}' });
    const scenario = folder({});
    for (const path of [elsewhere.replace("scenario.yaml", "secret.jsonl"), `../${elsewhere.split("/").at(-2)}/secret.jsonl`]) {
      const r = loadScenarioText(scenarioText(`  - timeline: ${path}`), scenario);
      if (r.ok) throw new Error(`read ${path} from outside the scenario's folder`);
      expect(r.issues[0].message).toMatch(/is outside the scenario's folder and the working directory/);
      expect(r.issues[0].hint).toMatch(/untrusted pull requests/);
    }
    const secret = elsewhere.replace("scenario.yaml", "secret.jsonl");
    const trusted = loadScenarioText(scenarioText(`  - timeline: ${secret}`), scenario, { trustedFiles: [secret] });
    expect(trusted.ok).toBe(true);
  });

  it("loads JSONL relative to the scenario's folder, skipping blank and # lines", () => {
    const scenario = folder({
      "incidents/a.jsonl": [
        "# the 19 July incident",
        '{"at":"30h","kind":"straggler","target":"dc1/row01/rack02/host03","slowdown":"10x"}',
        "",
        '{"at":7200,"kind":"mercurialCore","target":"dc1/row02/rack01/host01","bit":29}',
      ].join("\n"),
    });
    const r = loadScenarioText(scenarioText("  - timeline: incidents/a.jsonl"), scenario);
    if (!r.ok) throw new Error(formatIssues(scenario, r.issues));
    expect(scheduledFaults(r.value)).toEqual([
      {
        atSec: 30 * HOUR,
        kind: "straggler",
        target: "dc1/row01/rack02/host03",
        params: { slowdown: 10, duration: 1200 },
        origin: { path: ["faults", 0], file: "incidents/a.jsonl", line: 2 },
      },
      {
        atSec: 2 * HOUR,
        kind: "mercurialCore",
        target: "dc1/row02/rack01/host01",
        params: { bit: 29, rate: 1 / HOUR },
        origin: { path: ["faults", 0], file: "incidents/a.jsonl", line: 4 },
      },
    ]);
  });

  it("loads CSV with a header of at,kind,target and parameter columns; empty cells take defaults", () => {
    const scenario = folder({
      "t.csv": [
        "at,kind,target,slowdown,duration,bit",
        "3h,straggler,dc1/row01/rack01/host01,10x,1h,",
        '1h, mercurialCore ,"dc1/row01/rack01/host02",,,31',
      ].join("\r\n"),
    });
    const r = loadScenarioText(scenarioText("  - timeline: t.csv"), scenario);
    if (!r.ok) throw new Error(formatIssues(scenario, r.issues));
    expect(scheduledFaults(r.value).map((f) => [f.atSec, f.kind, f.target, f.params, f.origin.line])).toEqual([
      [3 * HOUR, "straggler", "dc1/row01/rack01/host01", { slowdown: 10, duration: HOUR }, 2],
      [HOUR, "mercurialCore", "dc1/row01/rack01/host02", { bit: 31, rate: 1 / HOUR }, 3],
    ]);
  });

  it("names the file and line of every bad line", () => {
    const scenario = folder({
      "bad.jsonl": [
        '{"at":"1h","kind":"straggler","target":"dc1/row01/rack01/host01"}',
        "{not json",
        '{"at":"1h","kind":"stragler","target":"dc1/row01/rack01/host01"}',
        '{"at":"1h","kind":"straggler","target":"dc1/row01/rack01/host01","slowdwn":"3x"}',
        '{"at":"soon","kind":"straggler","target":"dc1/row01/rack01/host01"}',
        '{"kind":"straggler","target":"dc1/row01/rack01/host01"}',
      ].join("\n"),
    });
    const r = loadScenarioText(scenarioText("  - timeline: bad.jsonl"), scenario);
    expect(r.ok).toBe(false);
    const text = formatIssues("scenario.yaml", r.ok ? [] : r.issues);
    expect(text).toMatch(/scenario\.yaml:7:15 faults\[0\]\.timeline: bad\.jsonl:2: not valid JSON/);
    expect(text).toContain('bad.jsonl:3: unknown fault kind "stragler" (did you mean "straggler"?)');
    expect(text).toContain('bad.jsonl:4: slowdwn: unknown key "slowdwn" (did you mean "slowdown"?)');
    expect(text).toMatch(/bad\.jsonl:5: at: expected a duration/);
    expect(text).toContain('bad.jsonl:6: missing "at"');
    expect(text).toMatch(/5 errors in scenario\.yaml$/);
  });

  it("names the file and line of a target that does not exist", () => {
    const scenario = folder({
      "t.csv": "at,kind,target\n1h,straggler,dc1/row01/rack01/host01\n2h,straggler,dc1/row03/rack01/host01\n",
    });
    const r = loadScenarioText(scenarioText("  - timeline: t.csv"), scenario);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues).toEqual([
      {
        code: "unknown_target",
        path: ["faults", 0, "timeline"],
        line: 7,
        column: 15,
        message: 't.csv:3: no "dc1/row03/rack01/host01" in the fleet',
        hint: 'did you mean "dc1/row02/rack01/host01"?',
      },
    ]);
  });

  it("explains a missing file, a wrong extension and a bad CSV header", () => {
    const scenario = folder({ "h.csv": "time,kind,target\n1h,straggler,dc1/row01/rack01/host01\n" });
    const missing = loadScenarioText(scenarioText("  - timeline: nope.jsonl"), scenario);
    expect(missing.ok ? "" : formatIssues("s", missing.issues)).toMatch(/cannot read the timeline "nope\.jsonl": no such file \(looked for .*nope\.jsonl/);
    const ext = loadScenarioText(scenarioText("  - timeline: t.txt"), scenario);
    expect(ext.ok ? "" : ext.issues[0].message).toBe('expected a .jsonl or .csv timeline file, found "t.txt"');
    const header = loadScenarioText(scenarioText("  - timeline: h.csv"), scenario);
    expect(header.ok ? "" : header.issues[0].message).toBe('h.csv:1: expected the header "at,kind,target,...", found "time,kind,target"');
  });

  it("splits CSV lines with quotes", () => {
    expect(splitCsvLine('a, "b,c" ,"d""e",')).toEqual(["a", "b,c", 'd"e', ""]);
    expect(splitCsvLine('"open')).toBeUndefined();
  });
});

describe("the timeline injector", () => {
  it("fires each scheduled fault at its exact time on its target", () => {
    const s = load(`  - { at: 3h, straggler: dc1/row01/rack02/host03, slowdown: 10x, duration: 1h }
  - { at: 5h, mercurialCore: dc1/row02/rack04/host04, rate: 0/h }`);
    const { events, fleet } = runLayer(s, 24 * HOUR);
    expect(events.map((e) => [e.at, e.kind.name, fleet.idOf(e.ref!), e.untilSec])).toEqual([
      [3 * HOUR, "straggler", "dc1/row01/rack02/host03", 4 * HOUR],
      [5 * HOUR, "mercurial.core", "dc1/row02/rack04/host04", Infinity],
    ]);
  });

  it("fires in time order, entries at the same time in the order written, and none past the horizon", () => {
    const s = load(`  - { at: 2h, straggler: dc1/row01/rack01/host02 }
  - { at: 2h, straggler: dc1/row01/rack01/host01 }
  - { at: 1h, straggler: dc1/row02/rack01/host01 }
  - { at: 2h, straggler: dc1/row01/rack01/host03 }
  - { at: 30h, straggler: dc1/row01/rack01/host04 }`);
    const { events, fleet, injectors } = runLayer(s, 24 * HOUR);
    expect(events.map((e) => [e.at / HOUR, fleet.idOf(e.ref!)])).toEqual([
      [1, "dc1/row02/rack01/host01"],
      [2, "dc1/row01/rack01/host02"],
      [2, "dc1/row01/rack01/host01"],
      [2, "dc1/row01/rack01/host03"],
    ]);
    // Scheduled faults are certain: expected = what they emitted.
    expect(injectors.at(-1)!.expected!(fleet, 24 * HOUR)).toEqual({ straggler: 4 });
  });

  it("refuses to start with a target missing from the fleet (a scenario built past the loader)", () => {
    const s = load("  - { at: 1h, straggler: dc1/row01/rack01/host01 }");
    const layer = startFaultLayer({ ...s, faults: [] }, { seed: 1, horizonSec: HOUR });
    const bad = timelineInjector([{ ...scheduledFaults(s)[0], target: "dc1/row09/rack01/host01" }]);
    expect(() => bad.start({ ...layer, horizonSec: HOUR, rng: layer.sim.streams.get("faults.timeline") })).toThrow(
      /scheduled straggler fault: no "dc1\/row09\/rack01\/host01" in the fleet \(did you mean "dc1\/row02\/rack01\/host01"\?\)/,
    );
  });
});
