// `fleet replay` end to end, in-process: a recorded run verifies; a journal edited by hand
// is caught at its line (by its CRC, or by the re-run when the CRC was recomputed); a
// truncated journal verifies its prefix with --prefix; --policy prints before/after and exits by the
// counterfactual's verdicts; --import turns an incident timeline into the fault trace.
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir, withoutProgress } from "./helpers.js";
import { readJournal } from "../src/journal/index.js";
import { editLine, lineOf } from "../src/replay/testing.js";

const SCENARIO = "test/fixtures/replay.yaml";

/** Records the replay fixture with `fleet chaos`; returns the journal's path and text. */
async function record(): Promise<{ path: string; text: string; dir: string }> {
  const dir = tempDir("fleet-replay-");
  const path = join(dir, "run.jsonl");
  const r = await fleet(["chaos", SCENARIO, "--journal", path, "-q"]);
  expect(r.code).toBe(1); // baseline breaches its SLOs, hardened holds them
  return { path, text: readFileSync(path, "utf8"), dir };
}

describe("fleet replay --verify", () => {
  it("verifies a recorded run of scenarios/cosmic.yaml: every record, and the digest", async () => {
    const path = join(tempDir("fleet-replay-"), "cosmic.jsonl");
    const chaos = await fleet(["chaos", "scenarios/cosmic.yaml", "--journal", path, "-q"]);
    expect(chaos.code).toBe(1);
    const digest = /^digest: ([0-9a-f]{64})$/m.exec(chaos.out)![1];
    const lines = readFileSync(path, "utf8").trimEnd().split("\n").length;
    expect(lines).toBeGreaterThan(5000);
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe(
      `re-running scenario=cosmic seed=42 duration=3d (recorded by fleet ${readJournal(path).header!.fleetVersion}) against ${lines.toLocaleString("en-US")} lines of ${path}`,
    );
    expect(r.out).toContain(`verified: ${lines.toLocaleString("en-US")} records, digest ${digest} matches\n`);
  });

  it("catches a number changed by hand at its line by the stale CRC, and exits 2", async () => {
    const { path, text } = await record();
    const n = lineOf(text, '"kind":"host.crash"');
    writeFileSync(
      path,
      editLine(text, n, (l) => l.replace('"hosts":1', '"hosts":2')),
    );
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toMatch(new RegExp(`^${path}:${n}: CRC mismatch \\(stored [0-9a-f]{8}, computed [0-9a-f]{8}\\)$`));
    expect(r.err).toContain(`${path}: damaged from line ${n} `);
    expect(r.out).toBe("");
  });

  it("catches an edit whose CRC was recomputed by re-running, at the same line, and exits 1", async () => {
    const { path, text } = await record();
    const n = lineOf(text, '"kind":"host.crash"');
    writeFileSync(
      path,
      editLine(text, n, (l) => l.replace('"hosts":1', '"hosts":2'), { crc: true }),
    );
    const r = await fleet(["replay", path, "--verify"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${path}:${n}: the re-run differs here: field hosts: recorded 2, re-run 1\n`);
    expect(r.out).toMatch(/\n {2}recorded: .*"hosts":2.*\n {2}re-run: {3}.*"hosts":1.*\n/);
    expect(r.out).toContain(`does not reproduce: lines 1-${n - 1} match, line ${n} differs\n`);
  });

  it("verifies the prefix of a journal cut off mid-line, and says so", async () => {
    const { path, text } = await record();
    const lines = text.split("\n");
    writeFileSync(path, `${lines.slice(0, 300).join("\n")}\n${lines[300].slice(0, 40)}`);
    const r = await fleet(["replay", path, "--verify", "--prefix"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("note: its last line (301) was cut mid-write and it has no footer");
    expect(r.out).toMatch(/\nverified prefix: 300 records, up to \S+ of 2d simulated, match the re-run/);
  });

  it("prints the result as JSON with --reporter json", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--verify", "--reporter", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { kind: string; scope: string; digest: string; exitCode: number };
    expect([doc.kind, doc.scope, doc.exitCode]).toEqual(["verified", "whole", 0]);
    expect(doc.digest).toBe(readJournal(path).footer!.digest);
  });
});

describe("fleet replay --policy", () => {
  it("prints before and after for every SLO, and exits 0 when the counterfactual holds them", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "hardened", "--baseline", "baseline"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = r.out.split("\n");
    expect(out[0]).toBe(`counterfactual: hardened (from the recorded scenario) against the recorded faults of ${path}`);
    expect(out[1]).toMatch(/^scenario=replay-small seed=5 duration=2d; fault trace [0-9a-f]{16}… equals the recorded one$/);
    expect(r.out).toMatch(/\nmetric +SLO +before: baseline +after: hardened +change\n/);
    expect(r.out).toMatch(/\ntraining\.goodput +>= 0\.85 +0\.1667 ✗ +0\.8947 ✓ +\+0\.728\n/);
    expect(r.out).toMatch(/\ntraining\.silentEscapes +== 0 +29 ✗ +0 ✓ +-29\n/);
    expect(r.out).toContain("verdict: hardened holds every SLO against the recorded faults\nexit 0\n");
  });

  it("exits 1 when the counterfactual breaches an SLO; a policy file works as well as a name", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "test/fixtures/policy-strict.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nmetric +SLO +before: baseline +before: hardened +after: policy-strict\n/);
    expect(r.out).toMatch(/\nverdict: policy-strict breaches training\.goodput >= 0\.85 \(\S+\)\nexit 1\n$/);
    const named = await fleet(["replay", path, "--policy", "baseline"]);
    expect(named.code).toBe(1);
  });

  it("runs every policy of a policies: file as its own column", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "test/fixtures/policies-two.yaml", "--baseline", "hardened"]);
    expect(r.out).toMatch(/\nmetric +SLO +before: hardened +after: lazy +after: careful\n/);
    expect(r.out).toContain("verdict: lazy breaches training.goodput");
    expect(r.code).toBe(1);
  });

  it("prints the same table as JSON with --reporter json", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "hardened", "--reporter", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      rows: { metric: string; before: Record<string, { value: number; ok?: boolean }>; after: Record<string, { value: number; ok?: boolean }> }[];
      traceDigest: { matches: boolean };
      exitCode: number;
    };
    expect(doc.traceDigest.matches).toBe(true);
    expect(doc.exitCode).toBe(0);
    const goodput = doc.rows.find((x) => x.metric === "training.goodput")!;
    expect(goodput.before.baseline.ok).toBe(false);
    expect(goodput.after.hardened).toEqual(goodput.before.hardened); // the same policy against the same faults
  });

  it("answers an unknown policy name with exit 2 and a did-you-mean", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path, "--policy", "hardend"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `fleet replay: --policy hardend: no policy "hardend" in the recorded scenario (did you mean "hardened"?); the recorded scenario's policies are baseline, hardened, or give a YAML file of policy settings\n`,
    );
    const typo = await fleet(["replay", path, "--policy", "test/fixtures/policy-typo.yaml"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('test/fixtures/policy-typo.yaml:4:1 chekpointWrite: unknown key "chekpointWrite" (did you mean "checkpointWrite"?)');
    const baseline = await fleet(["replay", path, "--policy", "hardened", "--baseline", "basline"]);
    expect(baseline.code).toBe(2);
    expect(baseline.err).toContain('--baseline basline: no such recorded policy (did you mean "baseline"?)');
  });
});

describe("fleet replay --import", () => {
  it("runs the scenario against exactly the incident's faults, and its journal verifies", async () => {
    const dir = tempDir("fleet-replay-");
    const journal = join(dir, "incident.jsonl");
    const r = await fleet(["replay", "--import", "test/fixtures/incident.jsonl", "--scenario", SCENARIO, "--journal", journal]);
    expect(withoutProgress(r.err)).toBe("");
    expect([0, 1]).toContain(r.code);
    const out = r.out.split("\n");
    expect(out[0]).toMatch(
      /^seed=5 scenario=test\/fixtures\/replay\.yaml incident=test\/fixtures\/incident\.jsonl duration=2d1h hosts=512 faults=3 policies=baseline,hardened {2}# reproduce: fleet replay --import/,
    );
    expect(r.out).toContain("incident: 3 faults from test/fixtures/incident.jsonl, 10h to 1d23h; the scenario's own faults are left out\n");
    expect(r.out).toContain("note: duration extended from the scenario's 2d to 2d1h, to cover the incident's last fault and its repair (over at 2d1h)\n");
    expect(r.out).toMatch(/\nfaults: power\.busbar 1, rack\.fail 1, straggler 1\n/);
    expect(r.out).toContain(`exit ${r.code}\n`);
    const j = readJournal(journal);
    expect(j.ok).toBe(true);
    expect(j.header!.options).toMatchObject({ durationSec: 49 * 3600, incident: "test/fixtures/incident.jsonl" });
    expect(j.records.filter((x) => x.t === "fault").map((x) => [x.at, x.kind])).toEqual([
      [10 * 3600, "power.busbar"],
      [30 * 3600, "rack.fail"],
      [47 * 3600, "straggler"],
    ]);
    const v = await fleet(["replay", journal, "--verify"]);
    expect(v.code).toBe(0);
    expect(v.out).toContain(`verified: ${j.lines} records, digest ${j.footer!.digest} matches`);
  });

  it("reads a CSV incident to the same fault trace as the JSONL one", async () => {
    const args = (file: string) => ["replay", "--import", file, "--scenario", SCENARIO, "--no-journal", "--reporter", "json"];
    const a = await fleet(args("test/fixtures/incident.jsonl"));
    const b = await fleet(args("test/fixtures/incident.csv"));
    const ja = JSON.parse(a.out) as { traceDigest: string; digest: string; exitCode: number };
    const jb = JSON.parse(b.out) as { traceDigest: string; digest: string; exitCode: number };
    expect(jb.traceDigest).toBe(ja.traceDigest);
    expect(jb.exitCode).toBe(ja.exitCode);
    expect(b.code).toBe(a.code);
    expect(b.err).toContain("incident: 3 faults from test/fixtures/incident.csv");
  });

  it("keeps what an alias in policies meant when its anchor was in the replaced faults, and the journal verifies", async () => {
    const dir = tempDir("fleet-replay-");
    const scenario = join(dir, "anchored.yaml");
    const text = readFileSync(SCENARIO, "utf8")
      .replace("busbar: { mtbf: 3y, repair: 6h }", "busbar: { mtbf: 3y, repair: &busbarRepair 6h }")
      .replace("baseline: { checkpoint: 2h }", "baseline: { checkpoint: *busbarRepair }");
    writeFileSync(scenario, text);
    expect((await fleet(["validate", scenario])).code).toBe(0);
    const journal = join(dir, "incident.jsonl");
    const r = await fleet(["replay", "--import", "test/fixtures/incident.jsonl", "--scenario", scenario, "--journal", journal]);
    expect(withoutProgress(r.err)).toBe("");
    expect([0, 1]).toContain(r.code);
    expect(readJournal(journal).header!.scenarioText).toContain("baseline: { checkpoint: 6h }");
    expect((await fleet(["replay", journal, "--verify"])).code).toBe(0);
  });

  it("reports a bad incident line at the incident's file and line, and exits 2", async () => {
    const r = await fleet(["replay", "--import", "test/fixtures/incident-bad.jsonl", "--scenario", SCENARIO, "--no-journal"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'test/fixtures/incident-bad.jsonl:3: no "dc1/row02/rak05" in the fleet (did you mean "dc1/row02/rack05"?)\n1 error in test/fixtures/incident-bad.jsonl\n',
    );
    expect(r.out).toBe("");
  });

  it("refuses an incident line nested 5,000 levels deep at its line, with exit 2 and no stack trace", async () => {
    const incident = join(tempDir(), "deep.jsonl");
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    writeFileSync(incident, `{"at":"1h","kind":"busbar","target":"dc1/row01/busbar-a","repair":${deep}}\n`);
    const r = await fleet(["replay", "--import", incident, "--scenario", SCENARIO, "--no-journal"]);
    expect(r).toEqual({
      code: 2,
      out: "",
      err: `${incident}:1: objects and arrays nested more than 100 levels deep (each line is one flat object: at, kind, target and the kind's parameters)\n1 error in ${incident}\n`,
    });
  });
});

describe("fleet replay JOURNAL", () => {
  it("prints what the journal holds when stdout is not a terminal", async () => {
    const { path } = await record();
    const r = await fleet(["replay", path]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^journal .*run\.jsonl: scenario=replay-small seed=5 duration=2d fleet=\S+ file=test\/fixtures\/replay\.yaml$/);
    expect(r.out).toContain("\nrecords by type\n");
    expect(r.out).toContain("\nfaults by kind\n");
    expect(r.out).toMatch(/\ncorrelated faults \(1\): bursts, power, racks, links\n.*\n.*\n *20h0m0s {2}rack\.fail {2}dc1\/row02\/rack03 /);
    expect(r.out).toContain("\nverdicts (from the footer)\npolicy    training.goodput >= 0.85");
  });

  it("still summarises a damaged journal, names the bad line, and exits 2", async () => {
    const { path, text } = await record();
    writeFileSync(
      path,
      editLine(text, 10, (l) => l.replace('"at":', '"at": ')),
    );
    const r = await fleet(["replay", path]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toMatch(new RegExp(`^${path}:10: CRC mismatch`));
    expect(r.out).toContain("\nfaults by kind\n");
  });

  it("holds at most 2 GiB of journal in memory, and says --verify reads any size", async () => {
    const path = join(tempDir(), "huge.jsonl");
    writeFileSync(path, "");
    truncateSync(path, 3 * 2 ** 30); // sparse: nothing is written, and nothing is read
    for (const args of [[], ["--policy", "hardened"]]) {
      const r = await fleet(["replay", path, ...args]);
      expect(r).toEqual({
        code: 2,
        out: "",
        err: `fleet replay: ${path} is 3GiB; the summary, --policy and the viewer hold a journal's records in memory and read at most 2GiB (--verify reads a journal of any size)\n`,
      });
    }
  });

  it("rejects contradictory options and missing journals with exit 2", async () => {
    const { path } = await record();
    const both = await fleet(["replay", path, "--verify", "--policy", "hardened"]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("--verify and --policy are separate questions");
    const seed = await fleet(["replay", path, "--seed", "3"]);
    expect(seed.code).toBe(2);
    expect(seed.err).toContain("--seed goes with --import");
    const missing = await fleet(["replay", "no/such/run.jsonl", "--verify"]);
    expect(missing).toEqual({ code: 2, out: "", err: "fleet replay: cannot read journal no/such/run.jsonl: no such file\n" });
    const help = await fleet(["--help"]);
    expect(help.out).toMatch(/\n {2}replay +postmortem of a journal/);
  });
});
