// scenarios/llm-training.yaml through `fleet chaos`: the policy x SLO table and the
// interruption-cause table are printed, and the exit code follows the verdicts: 1 when
// any policy breaches an SLO, 0 when every SLO of every policy holds. The job sees Llama
// 3's interruptions (the scenario's comment maps the report's causes onto fault models).
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

  it("reproduces Llama 3's 419 unexpected interruptions in 54 days within 3 sigma, GPUs causing most of them", async () => {
    // Dubey et al. 2024, table 5: 419 on 16,384 GPUs in 54 days; 262 of them GPU parts.
    const r = await fleet(["chaos", "scenarios/llm-training.yaml", "--no-journal", "--reporter", "json"]);
    const doc = JSON.parse(r.out);
    expect(doc.durationSec).toBe(54 * 86400);
    for (const policy of ["naive", "hardened"]) {
      const m = doc.metrics[policy];
      expect({ policy, within: Math.abs(m["training.interruptions"] - 419) <= 3 * Math.sqrt(419) }).toEqual({ policy, within: true });
      expect({ policy, within: Math.abs(m["training.interruptions.accelerator.fail"] - 262) <= 3 * Math.sqrt(262) }).toEqual({ policy, within: true });
      expect(m["training.interruptions.host.crash"]).toBeGreaterThan(114 - 3 * Math.sqrt(114));
      expect(m["training.interruptions.host.crash"]).toBeLessThan(114 + 3 * Math.sqrt(114));
    }
  });

  it("counts each silent corruption once, and only those that reached the job in silentCorruptions", async () => {
    const r = await fleet(["chaos", "scenarios/llm-training.yaml", "--no-journal", "--reporter", "json"]);
    const { naive, hardened } = JSON.parse(r.out).metrics;
    expect(naive["training.silentEscapes"]).toBeGreaterThan(0);
    // Without detection every corruption that reached the job escaped: memory words in its
    // state and defective cores' results; memory escapes elsewhere are idle.
    expect(naive.silentCorruptions).toBe(naive["training.silentEscapes"]);
    expect(naive.silentCorruptions + naive["silentCorruptions.idle"]).toBe(naive["memory.silent"] + naive["training.silentEscapesFromCores"]);
    expect(hardened["training.silentEscapesFromCores"]).toBe(0);
    expect(hardened.silentCorruptions + hardened["silentCorruptions.idle"]).toBe(hardened["memory.silent"]);
    expect(hardened.silentCorruptions).toBeLessThanOrEqual(hardened["training.corruptions"]);
  });
});
