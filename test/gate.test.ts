// `fleet gate` end to end, in-process: a small scenario under a few seeds, its outputs
// read back (the JUnit XML with a real XML parser), threads against serial, bad input, and
// Ctrl-C on the real binary.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

const SMALL = "test/fixtures/gate-small.yaml";
const BIN = join(process.cwd(), "bin/fleet.js");

describe("fleet gate", () => {
  it("runs every seed on threads, judges each SLO per policy, writes JUnit, Markdown and JSON (the same as serially), exits 1 on a breach", async () => {
    const dir = tempDir();
    const [junit, md, json] = ["gate.xml", "gate.md", "gate.json"].map((f) => join(dir, f));
    const r = await fleet(["gate", SMALL, "--seeds", "4", "--duration", "5d", "--jobs", "2", "--junit", junit, "--markdown", md, "--json", json]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("gate: 1 scenario x 4 seeds = 4 runs on 2 worker threads\n");
    expect(r.err).toContain("gate: 4/4 runs ");
    // stdout: the table; naive breaches both SLOs, hardened holds both
    expect(r.out).toContain("gate-small (test/fixtures/gate-small.yaml): 4 seeds 100..103, 5d each\n");
    expect(r.out).toMatch(/^naive +0\.4559 \[0\.3167, 0\.5951\] ✗ +210 \[195\.9, 224\.1\] ✗$/m);
    expect(r.out).toMatch(/^hardened +0\.9296 \[0\.9172, 0\.942\] ✓ +0 ✓$/m);
    const lines = r.out.trimEnd().split("\n");
    const summary = lines.findIndex((l) => l.startsWith("gate: "));
    expect(lines[summary]).toBe("gate: 2 of 4 checks breached over 4 complete runs -> exit 1");
    const tail = lines.slice(summary + 2);
    // Then the run to explain: the seed whose run breached the most SLOs, with its answer
    // (why from its own tallies, what to try); and per breached SLO, a run that breached it
    // to shrink to its smallest fault schedule.
    expect(tail[0]).toMatch(/^explain: fleet explain test\/fixtures\/gate-small\.yaml --seed 10[0-3] --duration 5d {2}# 2 SLOs breached in that run$/);
    expect(tail[1]).toBe("  naive: 2 ✗ of 2");
    expect(tail[2]).toMatch(/^ {4}why: training lost \S+h: waiting for hosts /);
    expect(tail).toContain("  hardened: passes all 2");
    expect(tail.filter((l) => l.startsWith("  ")).every((l) => l.length <= 80)).toBe(true);
    expect(tail.filter((l) => l.startsWith("shrink: "))).toEqual([
      expect.stringMatching(/^shrink: fleet shrink test\/fixtures\/gate-small\.yaml --seed 10[0-3] --duration 5d --slo training\.goodput --policy naive$/),
      expect.stringMatching(
        /^shrink: fleet shrink test\/fixtures\/gate-small\.yaml --seed 10[0-3] --duration 5d --slo training\.silentEscapes --policy naive$/,
      ),
    ]);

    const xml = readFileSync(junit, "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml);
    expect(doc.testsuites).toMatchObject({ "@tests": "4", "@failures": "2", "@errors": "0" });
    const cases = doc.testsuites.testsuite.testcase as Record<string, unknown>[];
    expect(cases.map((c) => `${c["@classname"]} | ${c["@name"]} | ${c.failure ? "fail" : "pass"}`)).toEqual([
      "gate-small.naive | mean(training.goodput) >= 0.80 | fail",
      "gate-small.naive | mean(training.silentEscapes) == 0 | fail",
      "gate-small.hardened | mean(training.goodput) >= 0.80 | pass",
      "gate-small.hardened | mean(training.silentEscapes) == 0 | pass",
    ]);
    expect((cases[0].failure as Record<string, string>)["@message"]).toBe(
      "mean 0.4559, 95% CI [0.3167, 0.5951] (Student-t 95% interval of the mean, cut at the metric's range), judged on its lower end 0.3167, must be >= 0.80; training.goodput >= 0.80 fails in 4 of 4 seeds",
    );

    expect(readFileSync(md, "utf8")).toContain("| hardened | ✅ 0.9296 [0.9172, 0.942] | ✅ 0 |");
    // The Markdown summary says what to run next: why, and the smallest schedule per breach.
    expect(readFileSync(md, "utf8")).toMatch(
      /\nWhy: `fleet explain test\/fixtures\/gate-small\.yaml --seed 10[0-3] --duration 5d` \(2 SLOs breached in that run\)\.\n/,
    );
    expect(readFileSync(md, "utf8")).toMatch(
      /\n- `fleet shrink test\/fixtures\/gate-small\.yaml --seed 10[0-3] --duration 5d --slo training\.silentEscapes --policy naive`\n/,
    );
    // and that run's answer, as the text report gives it
    expect(readFileSync(md, "utf8")).toContain(
      `In that run, from its own tallies:\n\n\`\`\`text\n${tail
        .slice(1, tail.indexOf("  hardened: passes all 2") + 1)
        .map((l) => l.slice(2))
        .join("\n")}\n\`\`\`\n`,
    );
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j).toMatchObject({ exitCode: 1, partial: false, runsComplete: 4, checks: 4, breaches: 2 });
    expect(j.scenarios[0].runs.map((x: { seed: number; status: string }) => [x.seed, x.status])).toEqual([100, 101, 102, 103].map((s) => [s, "complete"]));
    expect(new Set(j.scenarios[0].runs.map((x: { digest: string }) => x.digest)).size).toBe(4);

    // the same gate run serially in this thread writes byte-identical JSON
    const serial = await fleet(["gate", SMALL, "--seeds", "4", "--duration", "5d", "--serial", "--json", join(dir, "serial.json")]);
    expect(serial.code).toBe(1);
    expect(serial.err).toContain("runs on serial, in this thread");
    expect(readFileSync(join(dir, "serial.json"), "utf8")).toBe(readFileSync(json, "utf8"));
  });

  it("judges SLOs over seeds given with --slo, on the interval's bound or on the estimate", async () => {
    const slos = ["--slo", "mean(training.goodput) >= 0.3", "--slo", "max(training.goodput) <= 0.95"];
    const pass = await fleet(["gate", SMALL, "--seeds", "4", "--duration", "5d", "--serial", ...slos]);
    expect(pass.code).toBe(0);
    expect(pass.out).toMatch(/^policy +mean\(training\.goodput\) >= 0\.3 +max\(training\.goodput\) <= 0\.95$/m);
    expect(pass.out).toContain("  min, max: exact over the seeds (no interval)");
    // naive's mean 0.456 clears 0.35, but its interval's lower end (0.317) does not
    const strict = await fleet(["gate", SMALL, "--seeds", "4", "--duration", "5d", "--serial", "--slo", "mean(training.goodput) >= 0.35"]);
    expect(strict.code).toBe(1);
    const lenient = await fleet([
      "gate",
      SMALL,
      "--seeds",
      "4",
      "--duration",
      "5d",
      "--serial",
      "--slo",
      "mean(training.goodput) >= 0.35",
      "--judge",
      "estimate",
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain("judging: an SLO holds when its point estimate meets it (--judge estimate)");
  });

  it("exits 2 on bad input before any run starts, saying what to fix", async () => {
    const dir = tempDir();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(SMALL, "utf8").replace("checkpoint: 4h", "chekpoint: 4h"));
    const invalid = await fleet(["gate", SMALL, bad, "--seeds", "3"]);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(new RegExp(`^${bad}:\\d+:\\d+ policies\\.naive\\.chekpoint: unknown key .*did you mean "checkpoint"`, "m"));
    expect(invalid.err).not.toContain("runs on");

    const slo = await fleet(["gate", SMALL, "--slo", "p5(training.goodptu) >= 0.9"]);
    expect(slo.code).toBe(2);
    expect(slo.err.split("\n")[0]).toMatch(
      /^fleet gate: --slo "p5\(training\.goodptu\) >= 0\.9": unknown metric "training\.goodptu" \(did you mean "training\.goodput"\?\)/,
    );

    const folder = await fleet(["gate", SMALL, "--junit", join(dir, "no/such/gate.xml")]);
    expect(folder.code).toBe(2);
    expect(folder.err).toContain("does not exist; create it or choose another path");

    // an output file that holds something is not overwritten without --force, checked before any run
    const kept = join(dir, "kept.json");
    writeFileSync(kept, "a result someone needs\n");
    const exists = await fleet(["gate", SMALL, "--seeds", "2", "--duration", "1d", "--serial", "--json", kept]);
    expect(exists.code).toBe(2);
    expect(exists.err.split("\n")[0]).toBe(`fleet gate: --json ${kept} already exists; pass --force to overwrite it or choose another path`);
    expect(readFileSync(kept, "utf8")).toBe("a result someone needs\n");
    const forced = await fleet(["gate", SMALL, "--seeds", "2", "--duration", "1d", "--serial", "--json", kept, "--force"]);
    expect(forced.code).toBe(1);
    expect(JSON.parse(readFileSync(kept, "utf8"))).toMatchObject({ runsComplete: 2 });
    // an empty file (as CI hands out for $GITHUB_STEP_SUMMARY) is filled without --force
    const summary = join(dir, "step-summary.md");
    writeFileSync(summary, "");
    expect((await fleet(["gate", SMALL, "--seeds", "2", "--duration", "1d", "--serial", "--markdown", summary])).code).toBe(1);
    expect(readFileSync(summary, "utf8")).toContain("## fleet gate:");

    expect((await fleet(["gate", SMALL, "--serial", "--jobs", "2"])).err).toContain("--serial and --jobs contradict each other");
    expect((await fleet(["gate"])).err).toContain("gate needs at least one scenario file");
    expect((await fleet(["gate", SMALL, "--judge", "median"])).code).toBe(2);
  });

  it("on Ctrl-C writes what finished, marked partial, and exits 130 (the real binary)", async () => {
    const dir = tempDir();
    const json = join(dir, "gate.json");
    const junit = join(dir, "gate.xml");
    const md = join(dir, "gate.md");
    const child = spawn(
      process.execPath,
      [BIN, "gate", SMALL, "--seeds", "20", "--duration", "200d", "--jobs", "2", "--json", json, "--junit", junit, "--markdown", md],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    let sent = false;
    child.stderr.on("data", (d) => {
      err += d;
      // interrupt once the first runs are in
      if (!sent && /gate: \d+\/20 runs/.test(err)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(err).toContain("SIGINT: stopping; the runs that finished are written, marked partial");
    expect(out).toMatch(/PARTIAL: \d+ of 20 runs finished\) -> exit 130/);
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j.partial).toBe(true);
    expect(j.exitCode).toBe(130);
    expect(j.runsComplete).toBeGreaterThanOrEqual(2);
    expect(j.runsComplete).toBeLessThan(20);
    expect(XMLValidator.validate(readFileSync(junit, "utf8"))).toBe(true);
    expect(readFileSync(junit, "utf8")).toContain("interrupted: ");
    expect(readFileSync(md, "utf8")).toMatch(/^## fleet gate: .*\(partial results\)/);
    expect(existsSync(`${json}.tmp-${child.pid}`)).toBe(false);
  });
});
