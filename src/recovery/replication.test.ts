import { describe, expect, it } from "vitest";
import { parseSettings } from "../faults/testing.js";
import { defaultPolicy, policySection } from "./policy.js";
import { erasureCode, HDFS_DEAD_NODE_SEC } from "./replication.js";

describe("storage keys of a policy", () => {
  it("default to 3 copies, 50 MB/s per host, HDFS's 10m30s and no scrub", () => {
    const p = defaultPolicy();
    expect(p.replication).toBe(3);
    expect(p.reReplication).toBe(50e6);
    expect(p.reReplicateAfter).toBe(630);
    expect(HDFS_DEAD_NODE_SEC).toBe(10.5 * 60);
    expect(p.scrub).toBe("off");
    expect(p.placement).toBe("random");
    expect(p.redundancy).toBe("replication");
    expect(p.blockChecksums).toBe(false);
  });

  it("read an erasure code as rs(k,m), spaces dropped, and give its k and m", () => {
    const p = parseSettings(policySection, '{ a: { redundancy: "rs(6, 3)", blockChecksums: true }, b: { redundancy: replication } }');
    expect(p.a.redundancy).toBe("rs(6,3)");
    expect(erasureCode(p.a.redundancy)).toEqual({ k: 6, m: 3 });
    expect(p.a.blockChecksums).toBe(true);
    expect(erasureCode(p.b.redundancy)).toBeUndefined();
    expect(() => parseSettings(policySection, '{ a: { redundancy: "rs(0,3)" } }')).toThrow(/k, m >= 1/);
    expect(() => parseSettings(policySection, "{ a: { redundancy: raid6 } }")).toThrow(/e\.g\. redundancy: rs\(6,3\)/);
  });

  it("read DESIGN.md's examples and every unit", () => {
    const p = parseSettings(
      policySection,
      "{ baseline: { replication: 3 }, hardened: { replication: 3, placement: power-aware, scrub: 24h, reReplication: 1Gbps, reReplicateAfter: 15m } }",
    );
    expect(p.baseline.replication).toBe(3);
    expect(p.hardened).toMatchObject({ replication: 3, placement: "power-aware", scrub: 86400, reReplication: 1.25e8, reReplicateAfter: 900 });
    expect(parseSettings(policySection, "{ a: { scrub: off } }").a.scrub).toBe("off");
  });

  it("say what to fix", () => {
    expect(() => parseSettings(policySection, "{ a: { replication: 0 } }")).toThrow(/at least 1/);
    expect(() => parseSettings(policySection, "{ a: { scrub: daily } }")).toThrow(/a duration like/);
    expect(() => parseSettings(policySection, "{ a: { reReplication: 50 } }")).toThrow(/a bandwidth like 400Gbps or 10GB\/s/);
    expect(() => parseSettings(policySection, "{ a: { replicaton: 2 } }")).toThrow(/did you mean "replication"/);
    expect(() => parseSettings(policySection, "{ a: { placement: powr-aware } }")).toThrow(/did you mean "power-aware"/);
  });
});
