import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssues } from "../base/issues.js";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { type FailureLog, LogError, type ReadOptions, readFailureLog } from "./log.js";
import { type LogMapping, mappingOf } from "./mapping.js";
import { parseYamlText } from "./yaml.js";

// A small Campaign: 4 racks of 2 servers with 2 enclosures each (4 hosts a rack), 8 slots
// an enclosure.
const fleet = buildFleet(fleetSpec({ rows: 1, racksPerRow: 4, hostsPerRack: 4, host: { disks: 8 } }));

const MAP = `time: { column: Timestamp, zone: "-07:00" }
kind:
  column: Action
  values:
    replacement: disk
    cycle: { kind: disk, params: { replace: 1h } }
  skip: [inspection]
target: "dc1/row01/rack{Rack id}/host{(Server - 1) % 2 * 2 + Enclosure}"
params: { index: "{Slot - 1}" }
`;

const HEADER = "Timestamp,Server,Rack id,Enclosure,Slot,Action";

function mapping(text = MAP): LogMapping {
  const y = parseYamlText(text, "a log mapping");
  const m = y.ok ? mappingOf(y.value, "map.yaml") : y;
  if (!m.ok) throw new Error(formatIssues("map.yaml", m.issues));
  return m.value;
}

function logFile(lines: string[] | string): string {
  const file = join(mkdtempSync(join(tmpdir(), "fleet-log-")), "log.csv");
  writeFileSync(file, typeof lines === "string" ? lines : `${lines.join("\n")}\n`);
  return file;
}

function read(lines: string[] | string, opts: ReadOptions = {}, map = MAP): FailureLog & { path: string } {
  const path = logFile(lines);
  return { ...readFailureLog(path, mapping(map), fleet, opts), path };
}

/** The LogError message of a read that must fail, with the temp path shown as log.csv. */
function failure(lines: string[] | string, opts: ReadOptions = {}, map = MAP): string {
  const path = logFile(lines);
  try {
    readFailureLog(path, mapping(map), fleet, opts);
  } catch (e) {
    if (!(e instanceof LogError)) throw e;
    return e.message.replaceAll(path, "log.csv");
  }
  throw new Error("expected the read to fail");
}

const utc = (text: string) => Date.parse(text) / 1000;

describe("reading a failure log", () => {
  it("maps each row to a disk failure on the fleet: time in the map's zone, padded ids, each value's params", () => {
    const log = read([
      HEADER,
      "2021-05-04T17:03:13,3,2,1,2,cycle",
      "2021-05-04T17:03:14,3,2,1,3,cycle",
      "2021-05-05T08:00:00Z,8,4,2,8,replacement",
      "2021-05-06T08:00:00,1,1,1,1,inspection",
    ]);
    expect(log.rows).toBe(4);
    expect(log.records).toEqual([
      {
        line: 2,
        timeSec: utc("2021-05-05T00:03:13Z"),
        kind: "disk",
        host: 4,
        target: "dc1/row01/rack02/host01",
        params: { index: 1, replace: 3600 },
        given: { index: 1, replace: "1h" },
      },
      {
        line: 3,
        timeSec: utc("2021-05-05T00:03:14Z"),
        kind: "disk",
        host: 4,
        target: "dc1/row01/rack02/host01",
        params: { index: 2, replace: 3600 },
        given: { index: 2, replace: "1h" },
      },
      {
        line: 4,
        timeSec: utc("2021-05-05T08:00:00Z"),
        kind: "disk",
        host: 15,
        target: "dc1/row01/rack04/host04",
        params: { index: 7, replace: 86400 },
        given: { index: 7 },
      },
    ]);
    expect(log.skipped).toEqual([{ reason: 'Action "inspection" (kind.skip)', count: 1, lines: [5] }]);
    expect(log.mappedBy).toEqual([
      { value: "replacement", kind: "disk", count: 1 },
      { value: "cycle", kind: "disk", count: 2 },
    ]);
    expect([log.startSec, log.endSec]).toEqual([utc("2021-05-05T00:03:13Z"), utc("2021-05-05T08:00:00Z")]);
    expect(log.zoneNote).toBe("2 times without a zone read in -07:00 (time.zone in the map)");
    expect(log.unordered).toBeUndefined();
  });

  it("sorts rows out of time order and says which lines were", () => {
    const log = read([HEADER, "2021-05-04T12:00:00,1,1,1,1,cycle", "2021-05-04T10:00:00,1,1,1,2,cycle", "2021-05-04T11:00:00,1,1,1,3,cycle"]);
    expect(log.records.map((r) => r.line)).toEqual([3, 4, 2]);
    expect(log.unordered).toEqual({ count: 2, lines: [3, 4] });
  });

  it("rejects bad rows with their line and what is wrong, and fails unless told to skip them", () => {
    const rows = [
      HEADER,
      "2021-05-04 17:03,1,1,1,1,cycle",
      "04/05/2021 17:03,1,1,1,1,cycle",
      "2021-05-04T17:03:13,1,1,1,1,cycel",
      "2021-05-04T17:03:13,1,9,1,1,cycle",
      "2021-05-04T17:03:13,1,1,1,9,cycle",
      "2021-05-04T17:03:13,1,1,1,x,cycle",
      "2021-05-04T17:03:13,1,1,1,1",
      '2021-05-04T17:03:13,1,1,1,"1,cycle',
    ];
    expect(failure(rows)).toBe(
      [
        'log.csv:3: Timestamp "04/05/2021 17:03": not an ISO 8601 time (e.g. 2021-05-04T17:03:13, 2021-05-04 17:03 or 2021-05-04T17:03:13Z (a zone: Z, +02:00))',
        'log.csv:4: Action "cycel" is not listed under kind.values ("replacement", "cycle"): did you mean "cycle"?',
        'log.csv:5: no "dc1/row01/rack9/host1" in the fleet (from Rack id=9, Server=1, Enclosure=1); the nearest is "dc1/row01/rack04/host01"',
        "log.csv:6: params.index is 8, but dc1/row01/rack01/host01 has 8 disks (index counts from 0 to 7)",
        'log.csv:7: params.index: column "Slot" is "x", not a whole number',
        "log.csv:8: 5 cells, but the header (line 1) names 6 columns",
        'log.csv:9: a quoted cell is still open at the end of the file (close it with ")',
        "7 rows of log.csv rejected:",
        "  unparseable time: 1 row (line 3)",
        "  Action value not listed: 1 row (line 4)",
        "  location outside the fleet: 1 row (line 5)",
        "  bad parameter: 1 row (line 6)",
        "  template does not apply: 1 row (line 7)",
        "  wrong number of cells: 1 row (line 8)",
        "  cells cannot be split: 1 row (line 9)",
        "fix the rows or the mapping, or pass --skip-bad to count them as skipped and go on",
      ].join("\n"),
    );
    const log = read(rows, { skipBad: true, name: "log.csv" });
    expect(log.records.map((r) => r.line)).toEqual([2]);
    expect(log.rejectedRows[0]).toBe(
      'log.csv:3: Timestamp "04/05/2021 17:03": not an ISO 8601 time (e.g. 2021-05-04T17:03:13, 2021-05-04 17:03 or 2021-05-04T17:03:13Z (a zone: Z, +02:00))',
    );
    expect(log.rejectedRows.length).toBe(7);
    expect(log.skipped.map((s) => `${s.reason}: ${s.lines}`)).toEqual([
      "rejected: unparseable time: 3",
      "rejected: Action value not listed: 4",
      "rejected: location outside the fleet: 5",
      "rejected: bad parameter: 6",
      "rejected: template does not apply: 7",
      "rejected: wrong number of cells: 8",
      "rejected: cells cannot be split: 9",
    ]);
  });

  it("names a mapped column the header lacks where the map writes it, with the columns that exist", () => {
    expect(failure(["Timestamp,Server,Rack,Enclosure,Slot,Action", "2021-05-04T17:03:13,1,1,1,1,cycle"])).toBe(
      'map.yaml:8:25 target: no column "Rack id" in log.csv\'s header (line 1) (did you mean "Rack"? the columns are "Timestamp", "Server", "Rack", "Enclosure", "Slot", "Action")',
    );
  });

  it("refuses an empty file, a header without rows, and a log where no row maps", () => {
    expect(failure("")).toBe("log.csv is empty: expected a header line naming the columns, then one row per failure");
    expect(failure("\n\r\n")).toBe("log.csv is empty: expected a header line naming the columns, then one row per failure");
    expect(failure(`${HEADER}\r\n`)).toBe("log.csv:1: a header and no rows: expected one row per failure after the header");
    expect(failure([HEADER, "2021-05-04T17:03:13,1,1,1,1,inspection"])).toBe(
      'log.csv: none of its 1 rows maps to a fault (Action "inspection" (kind.skip): 1 row (line 2))',
    );
  });

  it("refuses a log that is not a regular file (a device, a FIFO) before reading it", () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "fleet-log-")), "log.csv");
    execFileSync("mkfifo", [fifo]);
    for (const [path, kind] of [
      ["/dev/null", "a device"],
      [fifo, "a FIFO"],
    ]) {
      expect(() => readFailureLog(path, mapping(), fleet, { name: "log.csv" })).toThrow(
        new LogError(`cannot read log.csv: is not a regular file (${kind}); a failure log must be a regular file`),
      );
    }
  });

  it("skips rows before the start", () => {
    const log = read([HEADER, "2021-05-04T17:03:13Z,1,1,1,1,cycle", "2021-05-06T17:03:13Z,1,1,1,2,cycle"], { startSec: utc("2021-05-05T00:00:00Z") });
    expect(log.records.map((r) => r.line)).toEqual([3]);
    expect(log.skipped).toEqual([{ reason: "before --start 2021-05-05T00:00:00Z", count: 1, lines: [2] }]);
  });

  it("reads epoch seconds with one kind for the whole file", () => {
    const log = read(
      ["When,Where", "1620147793,dc1/row01/rack01/host02", "1620147800,dc1/row01/rack1/host2"],
      {},
      "time: { column: When, format: epoch }\nkind: host\ntarget: '{Where}'\n",
    );
    expect(log.records.map((r) => [r.timeSec, r.kind, r.target, r.params])).toEqual([
      [1620147793, "host", "dc1/row01/rack01/host02", { repair: 600 }],
      [1620147800, "host", "dc1/row01/rack01/host02", { repair: 600 }],
    ]);
    expect(log.zoneNote).toBe("times are seconds since 1970 (UTC)");
  });

  it("stops past the bound on records, and after maxRejected bad rows, without reading the rest", () => {
    const many = [HEADER, ...Array.from({ length: 5000 }, (_, i) => `2021-05-04T17:03:13,1,1,1,${(i % 8) + 1},cycle`)];
    expect(failure(many, { maxRecords: 1000 })).toBe(
      "log.csv:1002: more than 1000 failures mapped; fleet reads at most that many in one go (--max-records raises it; each takes ~200 bytes of memory), or split the log by time",
    );
    const junk = [HEADER, ...Array.from({ length: 5000 }, () => "junk,1,1,1,1,cycle")];
    const message = failure(junk, { maxRejected: 100 }).split("\n");
    expect(message.length).toBe(20 + 4);
    expect(message.slice(19)).toEqual([
      'log.csv:21: Timestamp "junk": not an ISO 8601 time (e.g. 2021-05-04T17:03:13, 2021-05-04 17:03 or 2021-05-04T17:03:13Z (a zone: Z, +02:00))',
      "... and 80 more",
      "100 rows of log.csv rejected:",
      "  unparseable time: 100 rows (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...)",
      "stopped reading at line 101 after 100 rejected rows: is the mapping right for this file?",
    ]);
  });
});
