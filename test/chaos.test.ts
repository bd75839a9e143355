// `fleet chaos` end to end, in-process: the seed line first, the summary last, a journal
// that reproduces byte for byte from the same seed and differs under another seed.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleet, tempDir, withoutWall } from "./helpers.js";
import { readJournal } from "../src/journal/index.js";

const SMALL = "test/fixtures/small.yaml";

describe("fleet chaos", () => {
  it("prints every scenario's text report within 80 columns (but the seed line, to copy whole)", async () => {
    for (const file of readdirSync("scenarios").filter((f) => f.endsWith(".yaml"))) {
      const r = await fleet(["chaos", `scenarios/${file}`, "--duration", "6h", "--no-journal", "--reporter", "text"]);
      const long = r.out
        .split("\n")
        .slice(1)
        .filter((l) => [...l].length > 80);
      expect({ file, long }).toEqual({ file, long: [] });
    }
  });

  it("prints the seed line first and the summary last, and writes a complete journal", async () => {
    const dir = tempDir();
    const journal = join(dir, "run.jsonl");
    const r = await fleet(["chaos", SMALL, "--reporter", "text", "--journal", journal]);
    // Progress goes to stderr (a line per tenth of the run, the wall time left), never stdout.
    expect(r.err).toMatch(/^ +1d +10% {2}faults=\d+ hostsDown=\d+ {2}ETA \S+\n/);
    expect(r.out).not.toMatch(/hostsDown=/);
    expect(r.code).toBe(0);
    const quiet = await fleet(["chaos", SMALL, "--reporter", "text", "--no-journal", "-q"]);
    expect(quiet.err).toBe("");
    const json = await fleet(["chaos", SMALL, "--reporter", "json", "--no-journal"]);
    expect(json.err).toMatch(/\n +1d +10% {2}faults=\d+ hostsDown=\d+ {2}ETA /);
    expect(JSON.parse(json.out).status).toBe("complete");
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^seed=11 scenario=test\/fixtures\/small\.yaml duration=10d hosts=640 racks=40 busbars=12 /);
    expect(lines[0]).toContain("# reproduce: fleet chaos test/fixtures/small.yaml --seed 11 --duration 10d");
    expect(lines.at(-1)).toBe("exit 0");
    expect(r.out).toContain(`journal: ${journal} (complete)`);
    const j = readJournal(journal);
    expect(j.issues).toEqual([]);
    expect(j.complete).toBe(true);
    expect(j.header?.seed).toBe(11);
    expect(j.footer?.status).toBe("complete");
    // the scheduled bus bar at 30h is in the journal, at the exact time and target
    const scheduled = j.records.find((x) => x.t === "fault" && x.kind === "power.busbar" && x.target === "dc1/row02/busbar-a" && x.at === 30 * 3600);
    expect(scheduled).toBeDefined();
    expect(j.records.filter((x) => x.t === "snapshot").length).toBe(100);
  });

  it("gives byte-identical journals (apart from wall-clock fields) and the same digest for the same seed", async () => {
    const dir = tempDir();
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    const c = join(dir, "c.jsonl");
    await fleet(["chaos", SMALL, "--seed", "5", "--journal", a, "-q"]);
    await fleet(["chaos", SMALL, "--seed", "5", "--journal", b, "-q"]);
    await fleet(["chaos", SMALL, "--seed", "6", "--journal", c, "-q"]);
    const la = readFileSync(a, "utf8").trimEnd().split("\n");
    const lb = readFileSync(b, "utf8").trimEnd().split("\n");
    expect(la.length).toBe(lb.length);
    expect(la.length).toBeGreaterThan(100);
    // every record between header and footer is the same byte for byte, CRC included
    expect(la.slice(1, -1)).toEqual(lb.slice(1, -1));
    expect(withoutWall(la[0])).toEqual(withoutWall(lb[0]));
    expect(withoutWall(la.at(-1)!)).toEqual(withoutWall(lb.at(-1)!));
    const da = readJournal(a).footer!.digest;
    expect(readJournal(b).footer!.digest).toBe(da);
    expect(readJournal(c).footer!.digest).not.toBe(da);
  });

  it("never overwrites a journal silently", async () => {
    const dir = tempDir();
    const j = join(dir, "keep.jsonl");
    writeFileSync(j, "precious\n");
    const r = await fleet(["chaos", SMALL, "--journal", j]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists.*--force/);
    expect(readFileSync(j, "utf8")).toBe("precious\n");
    const forced = await fleet(["chaos", SMALL, "--journal", j, "--force", "-q"]);
    expect(forced.code).toBe(0);
  });

  it("--no-journal still computes the same digest", async () => {
    const dir = tempDir();
    const j = join(dir, "x.jsonl");
    const withJ = await fleet(["chaos", SMALL, "--journal", j, "--reporter", "json"]);
    const without = await fleet(["chaos", SMALL, "--no-journal", "--reporter", "json"]);
    const a = JSON.parse(withJ.out);
    const b = JSON.parse(without.out);
    expect(b.digest).toBe(a.digest);
    expect(b.journal).toBeNull();
    expect(withJ.err.split("\n")[0]).toMatch(/^seed=11 /);
  });

  it("bad input exits 2 with a message, never a stack trace", async () => {
    const dir = tempDir();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(SMALL, "utf8").replace("mtbf: 1y", "mtfb: 1y"));
    const r = await fleet(["chaos", bad, "--no-journal"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:10:\d+ faults\[0\]\.busbar\.mtfb: unknown key "mtfb" \(did you mean "mtbf"\?\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
    for (const argv of [
      ["chaos"],
      ["chaos", SMALL, "--seed", "x"],
      ["chaos", SMALL, "--duration", "-1h"],
      ["chaos", SMALL, "--reportr", "json"],
      ["chaos", SMALL, "--reporter", "xml"],
      ["chaz", SMALL],
    ]) {
      const u = await fleet(argv);
      expect(u.code, argv.join(" ")).toBe(2);
      expect(u.err, argv.join(" ")).not.toMatch(/\n\s+at /);
    }
    expect((await fleet(["chaos", SMALL, "--reportr", "json"])).err).toMatch(/did you mean --reporter/);
  });

  it("--duration and --seed override the scenario", async () => {
    const r = await fleet(["chaos", SMALL, "--seed", "99", "--duration", "36h", "--no-journal", "--reporter", "json"]);
    const doc = JSON.parse(r.out);
    expect(doc.seed).toBe(99);
    expect(doc.simulatedSec).toBe(36 * 3600);
    expect(doc.status).toBe("complete");
  });
});
