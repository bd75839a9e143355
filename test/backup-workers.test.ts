// Backup workers end to end (policy backupWorkers, src/recovery/training.ts): a job whose
// hosts, backups and spares outgrow the fleet is refused at load like one whose spares do;
// scenarios/training-modes.yaml shows them beating draining on short straggler episodes
// and losing to it when permanently slow hosts outnumber them (issue 19's done-criterion).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

describe("backup workers", () => {
  it("backups that do not fit in the fleet are an error at the job, exit 2, no stack trace", async () => {
    const file = join(tempDir(), "job.yaml");
    writeFileSync(
      file,
      `name: big-job
seed: 1
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 16 }
workloads:
  - training: { name: job, hosts: 30, stepTime: 4s }
policies:
  lean: { checkpoint: 1h }
  backup: { checkpoint: 1h, backupWorkers: 2, spares: 5% }
`,
    );
    for (const argv of [
      ["validate", file],
      ["chaos", file, "--no-journal", "--reporter", "text"],
    ]) {
      const r = await fleet(argv);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(
        /job\.yaml:8:\d+ workloads\[0\]\.training\.hosts: training job job needs hosts 0\.\.33 \(30 \+ 2 backup workers \+ 2 spares under policy backup\) but the fleet has 32 hosts/,
      );
      expect(r.err).toMatch(/lower firstHost, hosts or the policy's backupWorkers or spares/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("training-modes.yaml: backups beat draining on short episodes and lose to it on more throttled hosts than backups", async () => {
    const r = await fleet(["chaos", "scenarios/training-modes.yaml", "--reporter", "json", "--no-journal"]);
    const m = (JSON.parse(r.out) as { metrics: Record<string, Record<string, number>> }).metrics;
    const goodput = (policy: string, job: string) => m[policy][`training.${job}.goodput`];
    expect(goodput("backup", "episodes")).toBeGreaterThan(goodput("drain", "episodes") + 0.1);
    expect(goodput("drain", "throttled")).toBeGreaterThan(goodput("backup", "throttled") + 0.1);
    // 3 backups a job for the whole 7 days; none without the key.
    expect(m.backup["training.episodes.backupHostHours"]).toBeCloseTo(3 * 168, -1);
    expect(m.drain["training.episodes.backupHostHours"]).toBeUndefined();
  });
});
