// `fleet import`: a real failure log (the LANL Campaign disk log in examples/field/) becomes
// an incident timeline that `fleet replay --import` runs and `--verify` proves; bad logs
// and mappings exit 2 with the file, the line and what to fix, never a stack trace.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../src/journal/index.js";
import { fleet, metricRow, tempDir, withoutProgress } from "./helpers.js";

const LOG = "examples/field/lanl-campaign-disk-failures.csv";
const MAP = "examples/field/campaign.map.yaml";
const SCENARIO = "examples/field/campaign.yaml";
const IMPORT = ["import", LOG, "--map", MAP, "--scenario", SCENARIO];

describe("fleet import of the Campaign log", () => {
  it("maps all 1,389 rows; the timeline runs as an incident, and its journal verifies", async () => {
    const dir = tempDir("fleet-field-");
    const out = join(dir, "campaign.csv");
    const r = await fleet([...IMPORT, "-o", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(0, 6)).toEqual([
      `import ${LOG}: 1389 rows read, 1389 mapped, 0 skipped`,
      "  replacement -> disk  247",
      "  cycle -> disk        1142",
      "times: 2021-05-04T23:03:13Z to 2023-07-25T06:03:16Z (811.3 days); 1389 times without a zone read in America/Denver (time.zone in the map)",
      "start: 2021-05-04T00:00:00Z is at 0 (midnight UTC of the first failure's day; --start to change); the last failure is at 2y82d (812.3 days)",
      `wrote ${out}: 1389 faults, 61642 bytes`,
    ]);
    expect(r.out).toContain(`run it: fleet replay --import ${out} --scenario ${SCENARIO}\n`);
    // The scenario's own timeline is this very import (regenerated with the command in its header).
    expect(readFileSync(out, "utf8")).toBe(readFileSync("examples/field/campaign.timeline.csv", "utf8"));

    const journal = join(dir, "run.jsonl");
    const run = await fleet(["replay", "--import", out, "--scenario", SCENARIO, "--journal", journal]);
    expect(withoutProgress(run.err)).toBe("");
    expect(run.code).toBe(1);
    expect(run.out).toContain(`incident: 1389 faults from ${out}, 23h3m to 2y82d; the scenario's own faults are left out\n`);
    expect(metricRow(run.out, "storage.lostBlocks")).toEqual(["45", "39", "0"]);
    const j = readJournal(journal);
    expect(j.ok).toBe(true);
    expect(j.records.filter((x) => x.t === "fault").length).toBe(1389);
    const v = await fleet(["replay", journal, "--verify"]);
    expect(v.code).toBe(0);
    expect(v.out).toContain(`verified: ${j.lines.toLocaleString("en-US")} records, digest ${j.footer!.digest} matches`);

    // fleet chaos runs the scenario with the committed timeline (`- timeline:` in its
    // faults): the same faults, so the same fault trace.
    const chaos = await fleet(["chaos", SCENARIO, "--no-journal", "--reporter", "text"]);
    expect(chaos.code).toBe(1);
    const traceDigest = (text: string) => /\nfault trace: (\w+)\n/.exec(text)?.[1];
    expect(traceDigest(chaos.out)).toBeDefined();
    expect(traceDigest(chaos.out)).toBe(traceDigest(run.out));
    expect(metricRow(chaos.out, "storage.lostBlocks")).toEqual(["45", "39", "0"]);
  });

  it("writes the timeline to stdout and the summary to stderr without -o, and refuses to overwrite", async () => {
    const r = await fleet(IMPORT);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync("examples/field/campaign.timeline.csv", "utf8"));
    expect(r.err).toContain("run it: fleet replay --import OUT.csv --scenario examples/field/campaign.yaml\n");
    const again = await fleet([...IMPORT, "-o", "examples/field/campaign.timeline.csv"]);
    expect(again).toMatchObject({ code: 2, out: "" });
    expect(again.err).toContain("examples/field/campaign.timeline.csv exists; pass --force to overwrite it");
    const self = await fleet([...IMPORT, "-o", LOG, "--force"]);
    expect(self.err).toContain(`-o ${LOG} is the log itself`);
  });
});

describe("fleet import onto a scenario whose own timeline is missing", () => {
  it("reads the scenario's fleet without its faults, says so, and writes the timeline it lacks", async () => {
    const dir = tempDir("fleet-field-regen-");
    const scenario = join(dir, "campaign.yaml");
    writeFileSync(scenario, readFileSync(SCENARIO, "utf8"));
    const r = await fleet(["import", LOG, "--map", MAP, "--scenario", scenario, "-o", join(dir, "campaign.timeline.csv")]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(
      /^note: .*campaign\.yaml: its faults: do not load \(line \d+: cannot read the timeline "campaign\.timeline\.csv": no such file\); import needs only its fleet, so it goes on$/,
    );
    expect(r.out).toContain('   or: fleet chaos with "- timeline: campaign.timeline.csv" in the scenario\'s faults:\n');
    const v = await fleet(["validate", scenario]);
    expect(v.code).toBe(0);
  });
});

describe("fleet import of bad logs and mappings", () => {
  const dir = tempDir("fleet-field-bad-");
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const header = "Timestamp,Server,Rack id,Enclosure,Slot,Action";
  const importOf = (log: string, map = MAP) => fleet(["import", log, "--map", map, "--scenario", SCENARIO]);
  const expectUsage = (r: { code: number; out: string; err: string }) => {
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).not.toMatch(/internal error|\n +at /);
  };

  it("names the line of an unparseable time, and the nearest id of a location outside the fleet", async () => {
    const log = file("bad.csv", `${header}\n2021-05-04T17:03:13,4,2,1,2,cycle\n2021-05-04 5pm,4,2,1,3,cycle\n2021-05-05T17:03:13,50,17,1,3,cycle\n`);
    const r = await importOf(log);
    expectUsage(r);
    expect(r.err.split("\n").slice(0, 2)).toEqual([
      `${log}:3: Timestamp "2021-05-04 5pm": not an ISO 8601 time (e.g. 2021-05-04T17:03:13, 2021-05-04 17:03 or 2021-05-04T17:03:13Z (a zone: Z, +02:00))`,
      `${log}:4: no "dc1/row01/rack17/host03" in the fleet (from Rack id=17, Server=50, Enclosure=1); the nearest is "dc1/row01/rack16/host03"`,
    ]);
  });

  it("names a mapped column the header lacks, in the map, with the columns there are", async () => {
    const log = file("renamed.csv", "Timestamp,Server,Rack,Enclosure,Slot,Action\n2021-05-04T17:03:13,4,2,1,2,cycle\n");
    const r = await importOf(log);
    expectUsage(r);
    expect(r.err).toBe(
      `${MAP}:33:25 target: no column "Rack id" in ${log}'s header (line 1) (did you mean "Rack"? the columns are "Timestamp", "Server", "Rack", "Enclosure", "Slot", "Action")\n`,
    );
  });

  it("refuses an empty log, a header without rows and a bad mapping, each with what to fix", async () => {
    expectUsage(await importOf(file("empty.csv", "")));
    expect((await importOf(file("empty.csv", ""))).err).toContain("is empty: expected a header line naming the columns");
    expect((await importOf(file("header.csv", `${header}\n`))).err).toContain("header.csv:1: a header and no rows");
    const map = file("bad.map.yaml", 'time: Timestamp\nkind: disk\ntarget: "dc1/row01/rack{Rack id:02"\n');
    const r = await importOf(LOG, map);
    expectUsage(r);
    expect(r.err).toBe(`${map}:3:24 target: template "dc1/row01/rack{Rack id:02": a "{" without its "}" (write {{ for a literal brace)\n1 error in ${map}\n`);
    const missing = await fleet(["import", LOG, "--scenario", SCENARIO]);
    expectUsage(missing);
    expect(missing.err).toContain("import needs --map FILE");
  });
});
