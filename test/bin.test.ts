// The real `fleet` binary, as a user runs it (bin/fleet.js over the dist/ that `npm install`
// and `npm test` build): the main job end to end, and Ctrl-C in the middle of a run.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import { readJournal } from "../src/journal/index.js";
import { tempDir } from "./helpers.js";

const BIN = join(process.cwd(), "bin/fleet.js");

describe("bin/fleet.js", () => {
  it("runs scenarios/cosmic.yaml to the end: seed line first, summary last, a journal written", () => {
    const dir = tempDir();
    const journal = join(dir, "cosmic.jsonl");
    const r = spawnSync(process.execPath, [BIN, "chaos", "scenarios/cosmic.yaml", "--reporter", "text", "--journal", journal], { encoding: "utf8" });
    // Progress on stderr at every tenth, with the wall time left; nothing else there.
    const progress = r.stderr.trimEnd().split("\n");
    expect(progress).toHaveLength(10);
    for (const l of progress) expect(l).toMatch(/^ +\S+ +\d+% {2}faults=\d+ hostsDown=\d+( {2}ETA \S+)?$/);
    expect(r.stdout).not.toMatch(/hostsDown=/);
    // seed 42: baseline breaches five SLOs, hardened one (availability: defective cores' wrong answers): exit 1, by the verdicts
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^seed=42 scenario=scenarios\/cosmic\.yaml duration=3d hosts=11200 .* policies=baseline,hardened /);
    expect(lines.at(-1)).toBe("exit 1");
    // The verdict first: six SLOs would not fit 80 columns side by side, so one row per SLO.
    expect(r.stdout).toMatch(/\n\nslo +baseline +hardened\n-+ +-+ +-+\ntraining\.goodput >= 0\.9 +\S+ ✗ +\S+ ✓\ntraining\.silentEscapes == 0 +\d+ ✗ +0 ✓\n/);
    // then the answer: why each policy failed and what to try, the one SLO hardened misses explained in a line
    expect(r.stdout).toMatch(/\nbaseline: 5 ✗ of 6\n {2}why: training lost \S+: slow participants /);
    expect(r.stdout).toMatch(
      /\nhardened: 1 ✗ of 6\n {2}why: serving failed \S+ of queries: defectiveCore \S+\n {2}note: no policy setting catches a defective core's wrong answers/,
    );
    for (const line of r.stdout.split("\n").slice(1)) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain("training interruptions by cause");
    const j = readJournal(journal);
    expect(j.ok).toBe(true);
    expect(j.footer?.status).toBe("complete");
    expect(j.records.some((x) => x.t === "fault" && x.kind === "cosmic.burst" && x.at === 30 * 3600)).toBe(true);
  });

  it("prints --version and --help, and exits 2 on an unknown command", () => {
    expect(spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" }).stdout).toMatch(/^fleet \d+\.\d+\.\d+\n$/);
    const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("fleet chaos scenarios/cosmic.yaml");
    const bad = spawnSync(process.execPath, [BIN, "chaso"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('did you mean "chaos"?');
  });

  it("stops cleanly on Ctrl-C: exit 130, partial summary, journal readable with an interrupted footer", async () => {
    const dir = tempDir();
    const journal = join(dir, "long.jsonl");
    const child = spawn(process.execPath, [BIN, "chaos", "scenarios/cosmic.yaml", "--duration", "5y", "--journal", journal], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => (out += d));
    // Interrupt the run once its journal holds 1,000 records (the header and 1,000 more
    // complete lines): the folder is watched, and every write to the journal is an event.
    const RECORDS = 1000;
    let before = -1;
    const watcher = watch(dir, () => {
      if (before >= 0) return;
      let text: string;
      try {
        if (statSync(`${journal}.partial`).size < 100_000) return; // too few to be worth counting yet
        text = readFileSync(`${journal}.partial`, "utf8");
      } catch {
        return;
      }
      const lines = text.split("\n").length - 1;
      if (lines < RECORDS + 1) return;
      before = lines - 1;
      child.kill("SIGINT");
    });
    // "close": exited, and its stdout and stderr read to the end
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    watcher.close();
    expect(before).toBeGreaterThanOrEqual(RECORDS);
    expect(code).toBe(130);
    expect(err).toMatch(/SIGINT: stopping/);
    expect(out).toMatch(/status: interrupted at /);
    expect(out).toContain(`journal: ${journal} (incomplete: readable up to its last record)`);
    const j = readJournal(journal);
    expect(j.issues).toEqual([]);
    expect(j.footer?.status).toBe("interrupted");
    // every record written before the Ctrl-C is kept
    expect(j.records.length).toBeGreaterThanOrEqual(before);
  });
});
