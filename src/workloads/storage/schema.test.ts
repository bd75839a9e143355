import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../scenario/load.js";
import { formatIssues } from "../../base/issues.js";
import type { StorageSpec } from "./schema.js";

// 4 rows x 10 racks x 16 hosts = 640 hosts, 2 bus bars per row, 4 x 8 TB disks each.
const scenario = (storage: string, policies = "") => `name: s
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 10, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
workloads:
  - storage: ${storage}
${policies}`;

function load(text: string): StorageSpec {
  const r = loadScenarioText(text, "s.yaml");
  if (!r.ok) throw new Error(formatIssues("s.yaml", r.issues));
  return r.value.workloads[0].spec as StorageSpec;
}

function errors(text: string): string {
  const r = loadScenarioText(text, "s.yaml");
  if (r.ok) throw new Error("expected the scenario to be rejected");
  return formatIssues("s.yaml", r.issues);
}

describe("the storage workload entry", () => {
  it("reads blocks, or data divided into blocks, with documented defaults", () => {
    expect(load(scenario("{ name: hdfs, blocks: 1000 }"))).toEqual({
      name: "hdfs",
      blocks: 1000,
      blockBytes: 128 * 2 ** 20,
      firstHost: 0,
      noRebootFraction: 0.01,
    });
    expect(load(scenario("{ name: hdfs, data: 1TB, blockSize: 64MiB, firstHost: 64, hosts: 320, noRebootAfterPowerLoss: 0.5% }"))).toEqual({
      name: "hdfs",
      blocks: Math.ceil(1e12 / 2 ** 26),
      blockBytes: 2 ** 26,
      firstHost: 64,
      hosts: 320,
      noRebootFraction: 0.005,
    });
  });

  it("points at the line and column of a bad key, with a did-you-mean", () => {
    expect(errors(scenario("{ name: hdfs, blocks: 1000, blockSise: 64MiB }"))).toMatch(
      /s\.yaml:7:42 workloads\[0\]\.storage\.blockSise: unknown key "blockSise".*did you mean "blockSize"/,
    );
    expect(errors(scenario("{ name: hdfs, blocks: 1000, blockSize: 64 }"))).toMatch(/s\.yaml:7:53 workloads\[0\]\.storage\.blockSize: .*a number needs a unit/);
  });

  it("wants exactly one of blocks and data", () => {
    expect(errors(scenario("{ name: hdfs }"))).toMatch(/s\.yaml:7:14 workloads\[0\]\.storage: give blocks or data/);
    expect(errors(scenario("{ name: hdfs, blocks: 5, data: 1TB }"))).toMatch(/give blocks or data, not both/);
  });

  it("checks the store against the fleet and every policy, at the line of the key to change", () => {
    expect(errors(scenario("{ name: hdfs, blocks: 1000, firstHost: 600, hosts: 100 }"))).toMatch(
      /s\.yaml:7:65 workloads\[0\]\.storage\.hosts: storage hdfs: hosts 600\.\.699 run past the fleet's 640 hosts/,
    );
    // 3 copies power-aware need 3 bus bars; hosts 0..159 are one row: 2 bus bars.
    const text = scenario(
      "{ name: hdfs, blocks: 1000, hosts: 160 }",
      "policies:\n  ok: { replication: 2, placement: power-aware }\n  bad: { replication: 3, placement: power-aware }\n",
    );
    expect(errors(text)).toMatch(
      /s\.yaml:7:49 workloads\[0\]\.storage\.hosts: storage hdfs under policy bad \(replication 3, placement power-aware\): power-aware placement of 3 copies needs 3 bus bars, but hosts 0\.\.159 span 2/,
    );
    expect(errors(scenario("{ name: hdfs, data: 30PB, blockSize: 1GiB }"))).toMatch(
      /3 copies of .* blocks need 9.*e\+4 TB, but the store's disks hold 2\.05e\+4 TB/,
    );
  });

  it("takes redundancy: rs(k,m) instead of replication, never both, and says what to fix", () => {
    // RS(6,3) power-aware on one row (2 bus bars): spread 5 + 4, where 3 copies would not fit.
    const ok = scenario("{ name: hdfs, blocks: 1000, hosts: 160 }", 'policies:\n  ec: { redundancy: "rs(6,3)", placement: power-aware }\n');
    const r = loadScenarioText(ok, "s.yaml");
    expect(r.ok && r.value.policies.ec.redundancy).toBe("rs(6,3)");
    expect(errors(scenario("{ name: hdfs, blocks: 1000 }", "policies:\n  both:\n    replication: 3\n    redundancy: rs(6,3)\n"))).toMatch(
      /s\.yaml:10:18 policies\.both\.replication: policy both gives both replication: 3 and redundancy: rs\(6,3\); a block is either copied or erasure-coded.*remove replication/,
    );
    expect(errors(scenario("{ name: hdfs, blocks: 1000 }", "policies:\n  a: { redundancy: rs(6) }\n"))).toMatch(
      /policies\.a\.redundancy: expected replication or a Reed-Solomon code rs\(k,m\).*found "rs\(6\)".*e\.g\. redundancy: rs\(6,3\)/,
    );
    // In a flow map the comma splits the value: the hint says to quote it.
    expect(errors(scenario("{ name: hdfs, blocks: 1000 }", "policies:\n  a: { redundancy: rs(6,3) }\n"))).toMatch(
      /policies\.a\.redundancy: .*found "rs\(6".*quote it, redundancy: "rs\(6,3\)"/,
    );
    expect(errors(scenario("{ name: hdfs, blocks: 1000 }", "policies:\n  a:\n    redundancy: rs(30,3)\n"))).toMatch(/k \+ m <= 32/);
    expect(errors(scenario("{ name: hdfs, blocks: 1000, hosts: 8 }", "policies:\n  a:\n    redundancy: rs(6,3)\n"))).toMatch(
      /storage hdfs under policy a \(redundancy rs\(6,3\), placement random\): rs\(6,3\) puts each stripe's fragments on distinct hosts, but the store has 8/,
    );
    // 1.5x instead of 3x: 30 PB in 1 GiB blocks fits no better, and the message names the code.
    expect(errors(scenario("{ name: hdfs, data: 30PB, blockSize: 1GiB }", "policies:\n  a:\n    redundancy: rs(6,3)\n"))).toMatch(
      /rs\(6,3\) fragments of .* blocks need 4\.5.*e\+4 TB/,
    );
  });

  it("allows one storage workload per scenario", () => {
    const text = scenario("{ name: a, blocks: 10 }").replace("workloads:\n", "workloads:\n  - storage: { name: b, blocks: 10 }\n");
    expect(errors(text)).toMatch(/s\.yaml:8:14 workloads\[1\]\.storage: a scenario holds at most one storage workload/);
  });
});
