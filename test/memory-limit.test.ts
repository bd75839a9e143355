// The memory limit: a run whose resident memory passes --max-memory (or limits.maxMemory in
// the scenario) stops as failed, exit 2, with a message naming both ways to raise it; its
// journal keeps every record and ends with a "failed" footer that replays.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";
import { readJournal } from "../src/journal/index.js";
import { loadScenarioText } from "../src/scenario/load.js";

const SMALL = "test/fixtures/small.yaml";

describe("the memory limit", () => {
  it("stops a run past --max-memory with a clear message, exit 2, and a journal with its footer", async () => {
    const journal = join(tempDir(), "run.jsonl");
    const r = await fleet(["chaos", SMALL, "--max-memory", "1MiB", "--journal", journal, "-q"]);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toMatch(
      /the run passed the safety limit of 1 MiB of memory \(resident [\d,]+ MiB\) at \d+s of simulated time; raise it with --max-memory or limits\.maxMemory/,
    );
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    const read = readJournal(journal);
    expect(read.ok).toBe(true);
    expect(read.footer?.status).toBe("failed");
    expect(read.footer?.error).toContain("--max-memory");
  });

  it("takes limits.maxMemory from the scenario, and the flag overrides it", async () => {
    const dir = tempDir();
    const file = join(dir, "tight.yaml");
    writeFileSync(file, `${readFileSync(SMALL, "utf8")}limits: { maxMemory: 2MiB }\n`);
    const tight = await fleet(["chaos", file, "--no-journal", "-q"]);
    expect(tight.code).toBe(2);
    expect(tight.out + tight.err).toContain("safety limit of 2 MiB of memory");
    const raised = await fleet(["chaos", file, "--no-journal", "-q", "--max-memory", "64GiB"]);
    expect(raised.code).toBe(0);
  });

  it("defaults to three quarters of the machine's memory, and rejects a bad size", async () => {
    const loaded = loadScenarioText(readFileSync(SMALL, "utf8"), SMALL);
    expect(loaded.ok && loaded.value.limits.maxMemoryBytes).toBe(Math.floor(0.75 * (await import("node:os")).totalmem()));
    const bad = await fleet(["chaos", SMALL, "--max-memory", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.err.split("\n")[0]).toMatch(/^fleet chaos: --max-memory: .*a size like 32GiB/);
  });
});
