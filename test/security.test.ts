// SECURITY.md's claims that no test closer to the code holds: of hostile scenario files,
// a custom tag, the size of a file, a second YAML document, the simulated duration's limit
// and how to raise it, the limits a scenario gets by default, and a timeline reached
// through a symbolic link that leaves the scenario's folder; of runs, the snapshots a
// --duration asks for; of output files, a folder given as a gate or sweep report. Each is
// checked as a user meets it, through the CLI: exit 2, one error saying where and what.
// And SECURITY.md itself: every test it names exists.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../src/scenario/load.js";
import { fleet, tempDir } from "./helpers.js";

const SMALL = "test/fixtures/small.yaml";
const small = readFileSync(SMALL, "utf8");

async function validate(text: string): Promise<{ file: string; code: number; err: string }> {
  const file = join(tempDir("fleet-security-"), "x.yaml");
  writeFileSync(file, text);
  const r = await fleet(["validate", file]);
  return { file, code: r.code, err: r.err };
}

describe("a hostile scenario file", () => {
  it("with a custom tag is refused at the tag's line and column, as the core schema's tags are", async () => {
    const r = await validate(small.replace("name: small", "name: !foo small"));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${r.file}:2:12 YAML tag !foo is not allowed (scenario files use plain YAML: no tags)\n`);
  });

  it("over 4 MiB is refused with its size, as one error", async () => {
    const r = await validate(`${small}#${"x".repeat(4 * 2 ** 20)}\n`);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${r.file} the file is 4194714 bytes; a scenario file may be at most 4194304 bytes\n1 error in ${r.file}\n`);
  });

  it("holding a second YAML document is refused at the separator", async () => {
    const r = await validate(`${small}---\nname: other\n`);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(`${r.file}:16:1 a scenario file holds one YAML document; found a second one (remove the \`---\` separator)`);
  });

  it("asking for more than 10 years of simulated time is refused, naming what raises the limit", async () => {
    const r = await validate(small.replace("duration: 10d", "duration: 11y"));
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(`${r.file}:4:11 duration: "11y" is above the safety limit of 10y (raise it with limits.maxDuration if you mean it)`);
    expect((await validate(small.replace("duration: 10d", "duration: 11y\nlimits: { maxDuration: 20y }"))).code).toBe(0);
    const flag = await fleet(["chaos", SMALL, "--duration", "11y", "--no-journal"]);
    expect(flag.code).toBe(2);
    expect(flag.err.split("\n")[0]).toBe("fleet chaos: --duration 11y is above the safety limit of 10y; raise limits.maxDuration in the scenario");
  });

  it("with a duration under 1ns is refused: 1e-320 seconds would make a rate of episodes infinite (found by the scenario fuzzer)", async () => {
    const r = await validate(`${small}  - straggler: { hosts: 50%, duration: 1e-320 }\n`);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(
      `${r.file}:16:40 faults[4].straggler.duration: expected at least 1ns (the shortest duration fleet simulates), found 1e-320`,
    );
    expect((await validate(small.replace("duration: 10d", "duration: 9.5e-237"))).err).toContain("duration: expected at least 1ns");
  });

  it("gets the documented limits unless it raises them: 2,000,000 hosts, 10 years, 2e9 events, 1 GiB of journal, 100,000 timeline entries", () => {
    const r = loadScenarioText(small, "x.yaml");
    if (!r.ok) throw new Error("the fixture must load");
    expect(r.value.limits).toMatchObject({
      maxHosts: 2_000_000,
      maxDurationSec: 10 * 365 * 86400,
      maxEvents: 2e9,
      maxJournalBytes: 2 ** 30,
      maxTimelineEntries: 100_000,
    });
  });

  it("naming a timeline through a symbolic link that leaves its folder is refused: the link is followed before the check", async () => {
    const outside = tempDir("fleet-security-outside-");
    writeFileSync(join(outside, "secret.jsonl"), '{"at":"1h","kind":"host","target":"dc1/row01/rack01/host01"}\n');
    const dir = tempDir("fleet-security-");
    mkdirSync(join(dir, "incidents"));
    symlinkSync(join(outside, "secret.jsonl"), join(dir, "incidents", "link.jsonl"));
    const file = join(dir, "x.yaml");
    writeFileSync(file, `${small}  - timeline: incidents/link.jsonl\n`);
    const r = await fleet(["validate", file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/incidents\/link\.jsonl.* is outside the scenario's folder and the working directory/);
  });
});

describe("a run's snapshots", () => {
  it("over a --duration past the scenario's own are held to the journal limit, journal or not, before anything runs (found by the scenario fuzzer)", async () => {
    // `duration: 1s` makes a snapshot every 10ms: 30 days of them would take the run days.
    const file = join(tempDir("fleet-security-"), "short.yaml");
    writeFileSync(file, readFileSync("test/fixtures/replay.yaml", "utf8").replace("duration: 2d", "duration: 1s"));
    const why =
      "snapshots every 10ms over 30d make 518,400,000 records (2 policies), at least 30.9GiB of journal, above the safety limit of 1GiB (limits.maxJournal); make snapshotEvery at least 309ms, or raise the limit with --max-journal or limits.maxJournal";
    for (const [command, where] of [
      [["chaos", file, "--no-journal"], ""],
      [["gate", file, "--seeds", "1", "--serial"], `${file}: `],
      [["sweep", file, "--set", "policies.baseline.checkpoint=1h..2h:2", "--seeds", "1", "--serial"], `${file}: `],
      [["explain", file], ""],
      [["shrink", file, "--slo", "training.goodput"], ""],
    ] as const) {
      const r = await fleet([...command, "--duration", "30d"]);
      expect([r.code, r.out]).toEqual([2, ""]);
      expect(r.err.split("\n")[0]).toBe(`fleet ${command[0]}: ${where}${why}`);
    }
  });
});

describe("an output path", () => {
  it("that is a folder is refused as a gate or sweep report, with or without --force, before any run", async () => {
    const folder = tempDir("fleet-security-out-");
    for (const command of [
      ["gate", SMALL, "--seeds", "1", "--duration", "1h", "--serial"],
      ["sweep", "test/fixtures/gate-small.yaml", "--set", "policies.naive.checkpoint=1h..2h:2", "--seeds", "1", "--duration", "1h", "--serial"],
    ]) {
      for (const force of [[], ["--force"]]) {
        const r = await fleet([...command, "--json", folder, ...force]);
        expect([r.code, r.out]).toEqual([2, ""]);
        expect(r.err.split("\n")[0]).toBe(`fleet ${command[0]}: --json ${folder} is a folder; give a file path`);
      }
    }
  });
});

describe("SECURITY.md", () => {
  it("names only tests that exist, in the files it names", () => {
    const text = readFileSync("SECURITY.md", "utf8").replace(/\s+/g, " ");
    const cited = [...text.matchAll(/`((?:src|test)\/[^`]+\.test\.tsx?)` › ((?:"[^"]*"(?:, | › )?)+)/g)];
    expect(cited.length).toBeGreaterThan(30);
    for (const [, file, names] of cited) {
      const source = readFileSync(file, "utf8");
      const titles = [...source.matchAll(/\b(?:it|describe|describeRedis)\(\s*(["`])((?:\\.|(?!\1)[^\\])*)\1/g)].map(([, , t]) => t.replace(/\s+/g, " "));
      for (const [, name] of names.matchAll(/"([^"]*)"/g)) {
        const prefix = name.endsWith("…") ? name.slice(0, -1).trimEnd() : undefined;
        const found = titles.some((t) => {
          const pattern = new RegExp(`^${t.replace(/[.*+?^()|[\]\\]/g, "\\$&").replace(/\$\{[^}]*\}/g, ".*")}$`);
          return prefix !== undefined ? t.startsWith(prefix) : pattern.test(name);
        });
        if (!found) throw new Error(`SECURITY.md cites "${name}" in ${file}, which has no such test`);
      }
    }
  });
});
