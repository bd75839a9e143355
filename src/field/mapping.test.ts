import { describe, expect, it } from "vitest";
import { formatIssues } from "../base/issues.js";
import { loadLogMapping, type LogMapping, mappingColumns, mappingOf } from "./mapping.js";
import { parseYamlText } from "./yaml.js";

function parse(text: string): ReturnType<typeof mappingOf> {
  const y = parseYamlText(text, "a log mapping");
  return y.ok ? mappingOf(y.value, "map.yaml") : y;
}

function load(text: string): LogMapping {
  const r = parse(text);
  if (!r.ok) throw new Error(formatIssues("map.yaml", r.issues));
  return r.value;
}

/** The issues of a mapping that must be refused, formatted as the CLI prints them. */
function errors(text: string): string[] {
  const r = parse(text);
  if (r.ok) throw new Error("expected the mapping to be refused");
  return formatIssues("map.yaml", r.issues).split("\n").slice(0, -1);
}

const CAMPAIGN = `time: { column: Timestamp, zone: America/Denver }
kind:
  column: Action
  values:
    replacement: disk
    cycle: { kind: disk, params: { replace: 1h } }
target: "dc1/row01/rack{Rack id:02}/host{(Server - 1) % 3 * 2 + Enclosure:02}"
params: { index: "{Slot - 1}" }
`;

describe("log mappings", () => {
  it("reads the Campaign mapping: a zone, kinds per value with their own constants, templates", () => {
    const m = load(CAMPAIGN);
    expect(m.time).toMatchObject({ column: "Timestamp", format: "iso", zoneGiven: true });
    expect(m.time.zone.name).toBe("America/Denver");
    expect("values" in m.kind && [...m.kind.values]).toEqual([
      ["replacement", { kind: "disk", params: {} }],
      ["cycle", { kind: "disk", params: { replace: { value: "1h" } } }],
    ]);
    expect(mappingColumns(m).map((c) => [c.name, c.where.line, c.where.column])).toEqual([
      ["Timestamp", 1, 7],
      ["Action", 3, 11],
      ["Rack id", 7, 25],
      ["Server", 7, 43],
      ["Enclosure", 7, 65],
      ["Slot", 8, 20],
    ]);
  });

  it("takes one kind for the whole file, a bare time column and epoch times", () => {
    const m = load("time: { column: When, format: epoch }\nkind: host\ntarget: '{Host}'\nparams: { repair: 2h }\n");
    expect(m.kind).toEqual({ rule: { kind: "host", params: {} } });
    expect(m.params).toEqual({ repair: { value: "2h" } });
    expect(load("time: When\nkind: disk\ntarget: x").time).toMatchObject({ column: "When", format: "iso", zoneGiven: false });
  });

  it("points a template's syntax error at its character", () => {
    expect(errors('time: T\nkind: disk\ntarget: "dc1/row01/rack{Rack / 2}"\n')).toEqual([
      'map.yaml:3:30 target: template "dc1/row01/rack{Rack / 2}": "/" alone is not an operator (use // for whole-number division (rounds down))',
    ]);
  });

  it("refuses kinds that cannot be scheduled, parameters a kind does not take, and constants of the wrong unit", () => {
    expect(errors("time: T\nkind: dsk\ntarget: x\n")).toEqual(['map.yaml:2:7 kind: unknown fault kind "dsk" (did you mean "disk"?)']);
    expect(errors("time: T\nkind: disk\ntarget: x\nparams: { slot: '{Slot}' }\n")).toEqual([
      'map.yaml:4:11 params.slot: disk takes no parameter "slot" (disk takes index, replace)',
    ]);
    expect(errors("time: T\nkind: disk\ntarget: x\nparams: { replace: 10 parsecs }\n")).toEqual([
      'map.yaml:4:20 params.replace: expected a duration like 250ms, 90s, 4h, 1h30m or 3y, found "10 parsecs" (unknown unit "parsecs")',
    ]);
    expect(errors("time: T\nkind: { column: A, values: { x: disk, y: host } }\ntarget: x\nparams: { index: 1 }\n")[0]).toBe(
      'map.yaml:4:11 params.index: host takes no parameter "index" (host takes repair; put it under kind.values.<value>.params for the kinds that take it)',
    );
  });

  it("refuses unknown keys, a zone on epoch times and a value both mapped and skipped", () => {
    expect(errors("time: T\nkind: disk\ntarget: x\nparms: {}\n")).toEqual(['map.yaml:4:1 parms: unknown key "parms" (did you mean "params"?)']);
    expect(errors("time: { column: T, format: epoch, zone: UTC }\nkind: disk\ntarget: x\n")).toEqual([
      "map.yaml:1:41 time.zone: a zone applies to ISO times only; epoch times are UTC (remove zone)",
    ]);
    expect(errors("time: { column: T, zone: Mars/Base }\nkind: disk\ntarget: x\n")[0]).toMatch(/^map\.yaml:1:26 time\.zone: unknown time zone "Mars\/Base"/);
    expect(errors("time: T\nkind: { column: A, values: { x: disk }, skip: [x] }\ntarget: x\n")).toEqual([
      'map.yaml:2:47 kind.skip: "x" is both under values and under skip (keep it in one of them)',
    ]);
    expect(errors("time: T\ntarget: x\n")).toEqual(['map.yaml:1:1 kind: missing key "kind" (a fault kind for every row (disk), or { column, values })']);
  });

  it("refuses a mapping file that is not a regular file before reading it", () => {
    expect(loadLogMapping("/dev/null")).toMatchObject({
      ok: false,
      issues: [{ message: "is not a regular file (a device); a log mapping (time, kind, target, params) must be a regular file" }],
    });
  });
});
