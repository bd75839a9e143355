// scenarios/llm-training.yaml through `fleet chaos`: the policy x SLO table and the
// interruption-cause table are printed, and the exit code follows the verdicts: 1 when
// any policy breaches an SLO, 0 when every SLO of every policy holds.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleet, tempDir } from "./helpers.js";

describe("llm-training.yaml", () => {
  it("prints both tables and exits 1: the naive policy breaches, the hardened one holds", async () => {
    const r = await fleet(["chaos", "scenarios/llm-training.yaml", "--no-journal", "--reporter", "text"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("training interruptions by cause");
    expect(r.out).toMatch(/^host\.crash\s+\d+\s+\d+$/m);
    expect(r.out).toMatch(/^naive\s+\S+ ✗\s+\d+ ✗$/m);
    expect(r.out).toMatch(/^hardened\s+\S+ ✓\s+0 ✓$/m);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe("exit 1");
  });

  it("exits 0 when every SLO holds (the hardened policy alone)", async () => {
    const dir = tempDir();
    const file = join(dir, "hardened-only.yaml");
    writeFileSync(file, readFileSync("scenarios/llm-training.yaml", "utf8").replace(/^  naive: .*\n/m, ""));
    const r = await fleet(["chaos", file, "--no-journal", "--reporter", "json"]);
    const doc = JSON.parse(r.out);
    expect(doc.policies).toEqual(["hardened"]);
    expect(doc.verdicts.every((v: { ok: boolean }) => v.ok)).toBe(true);
    expect(r.code).toBe(0);
  });

  it("counts each silent corruption once: memory escapes plus defective-core escapes in the job", async () => {
    const r = await fleet(["chaos", "scenarios/llm-training.yaml", "--no-journal", "--reporter", "json"]);
    const { naive, hardened } = JSON.parse(r.out).metrics;
    expect(naive["training.silentEscapes"]).toBeGreaterThan(0);
    expect(naive.silentCorruptions).toBe(naive["memory.silent"] + naive["training.silentEscapesFromCores"]);
    expect(hardened["training.silentEscapesFromCores"]).toBe(0);
    expect(hardened.silentCorruptions).toBe(hardened["memory.silent"]);
  });
});
