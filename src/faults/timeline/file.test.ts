// Hostile timeline files (./file.ts): what they may cost is bounded by their entries, and
// their errors are few and short.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssues, type Issue } from "../../base/issues.js";
import { loadScenarioText } from "../../scenario/load.js";

/** A scenario in a fresh folder holding `files`, with `- timeline:` entries for `timelines`. */
function scenarioWith(files: Record<string, string>, timelines: string[], limits = "") {
  const dir = mkdtempSync(join(tmpdir(), "fleet-timeline-file-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const text = `name: t
duration: 3d
${limits}fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 4, hostsPerRack: 4 }
faults:
${timelines.map((t) => `  - timeline: ${t}\n`).join("")}`;
  return { dir, load: () => loadScenarioText(text, join(dir, "scenario.yaml")) };
}

function issuesOf(r: ReturnType<typeof loadScenarioText>): Issue[] {
  if (r.ok) throw new Error("expected the scenario to be refused");
  return r.issues;
}

describe("timeline files that would cost more than their entries", () => {
  it("refuses a 1 MiB file of junk lines with one error naming the entry limit", () => {
    const { load } = scenarioWith({ "junk.jsonl": "x\n".repeat(2 ** 19) }, ["junk.jsonl"]);
    expect(issuesOf(load())).toEqual([
      {
        code: "limit",
        path: ["faults", 0, "timeline"],
        line: 7,
        column: 15,
        message: `the timeline "junk.jsonl" holds ${2 ** 19} entries; a scenario's timelines may hold at most 100000 in all`,
        hint: "raise limits.maxTimelineEntries if you mean it",
      },
    ]);
  });

  it("counts the entries of all the scenario's timelines against limits.maxTimelineEntries, which raises it", () => {
    const files = { "a.csv": `# comments and blank lines are not entries\n\nat,kind,target\n${"1h,straggler,dc1/row01/rack01/host01\n".repeat(150)}` };
    const twice = scenarioWith(files, ["a.csv", "a.csv"], "limits: { maxTimelineEntries: 200 }\n");
    expect(issuesOf(twice.load()).map((i) => i.message)).toEqual([
      `the timeline "a.csv" holds 150 entries and the scenario's other timelines 150; a scenario's timelines may hold at most 200 in all`,
    ]);
    const raised = scenarioWith(files, ["a.csv", "a.csv"], "limits: { maxTimelineEntries: 300 }\n").load();
    expect(raised.ok && raised.value.faults.length).toBe(2);
  });

  it("reads at most 16 MiB of timelines in all, however often a file is named", () => {
    const comments = `${"#".repeat(1023)}\n`.repeat(9 * 1024);
    const { load } = scenarioWith({ "c.csv": comments }, ["c.csv", "c.csv"]);
    expect(issuesOf(load())).toMatchObject([
      {
        code: "too_large",
        path: ["faults", 1, "timeline"],
        message: `the timeline "c.csv" is ${9 * 2 ** 20} bytes and the scenario's other timelines ${9 * 2 ** 20}; a scenario's timelines may hold at most ${16 * 2 ** 20} bytes in all`,
      },
    ]);
  });

  it("refuses a FIFO instead of waiting for a writer", () => {
    const { dir, load } = scenarioWith({}, ["fifo.jsonl"]);
    execFileSync("mkfifo", [join(dir, "fifo.jsonl")]);
    expect(issuesOf(load()).map((i) => i.message)).toEqual([
      'cannot read the timeline "fifo.jsonl": is not a regular file (a FIFO); a timeline file must be a regular file',
    ]);
  });
});

describe("errors about timeline lines", () => {
  it("quote at most 60 characters of a line, and print the first 50 errors then a count", () => {
    const long = "y".repeat(5000);
    const header = scenarioWith({ "h.csv": `${long},kind,target\n` }, ["h.csv"]);
    expect(issuesOf(header.load())[0].message).toBe(`h.csv:1: expected the header "at,kind,target,...", found "${"y".repeat(60)}..."`);
    const rows = scenarioWith({ "k.csv": `at,kind,target\n${`1h,${long},dc1/row01/rack01/host01\n`.repeat(80)}` }, ["k.csv"]);
    const all = issuesOf(rows.load());
    expect(all).toHaveLength(80);
    expect(all[0].message).toBe(`k.csv:2: unknown fault kind "${"y".repeat(60)}..."`);
    const jsonl = scenarioWith({ "j.jsonl": `"${long}"\n{"at": "1h", "kind": "straggler", "target": "x", "${long}": 1}\n` }, ["j.jsonl"]);
    const [notObject, unknownKey] = issuesOf(jsonl.load()).map((i) => i.message);
    expect(notObject).toBe(`j.jsonl:1: expected a JSON object, found "${"y".repeat(59)}...`);
    expect(unknownKey).toBe(`j.jsonl:2: ["${"y".repeat(60)}..."]: unknown key "${"y".repeat(60)}..."`);
    const text = formatIssues("s.yaml", all);
    expect(text.split("\n")).toHaveLength(52);
    expect(text).toMatch(/k\.csv:51: .*\n {2}\.\.\. and 30 more\n80 errors in s\.yaml$/);
  });

  it("quote at most 60 characters of a target id that is not in the fleet", () => {
    const long = `dc1/row01/${"z".repeat(5000)}`;
    const { load } = scenarioWith({ "t.jsonl": `{"at": "1h", "kind": "straggler", "target": "${long}"}\n` }, ["t.jsonl"]);
    expect(issuesOf(load()).map((i) => [i.message, i.hint])).toEqual([
      [`t.jsonl:1: no "${long.slice(0, 60)}..." in the fleet`, 'did you mean "dc1/row01/rack01"?'],
    ]);
  });

  it("refuse a line nested thousands of levels deep with one error at its line, not a stack overflow", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const { load } = scenarioWith(
      {
        "d.jsonl": `{"at": "1h", "kind": "straggler", "target": "dc1/row01/rack01/host01"}\n{"at": "2h", "kind": "straggler", "target": "x", "slowdown": ${deep}}\n`,
      },
      ["d.jsonl"],
    );
    expect(issuesOf(load())).toEqual([
      {
        code: "invalid_value",
        path: ["faults", 0, "timeline"],
        line: 7,
        column: 15,
        message: "d.jsonl:2: objects and arrays nested more than 100 levels deep",
        hint: "each line is one flat object: at, kind, target and the kind's parameters",
      },
    ]);
  });
});
