// Replacing one section of a scenario's text, keeping the rest as written.
import { describe, expect, it } from "vitest";
import { policyAsWritten, withSection } from "./scenario-edit.js";

const TEXT = `# comment kept
name: s
policies:
  baseline: { checkpoint: 1h }
  hardened: { checkpoint: daly, spares: 2% }
slo:
  training.goodput: ">= 0.9"
`;

describe("withSection", () => {
  it("replaces policies in place and keeps the other sections and comments", () => {
    const out = withSection(TEXT, "policies", { strict: { checkpoint: "30m" } });
    expect(out).toContain("# comment kept");
    expect(out).toContain("strict:\n    checkpoint: 30m");
    expect(out).not.toContain("hardened");
    expect(out.indexOf("policies:")).toBeLessThan(out.indexOf("slo:"));
  });

  it("adds a missing section, with a comment before it", () => {
    const out = withSection("name: s\n", "faults", [{ at: 10, host: "dc1/row01/rack01/host01" }], " imported");
    expect(out).toBe("name: s\nfaults:\n  # imported\n  - at: 10\n    host: dc1/row01/rack01/host01\n");
  });

  it("refuses text that is not a YAML map", () => {
    expect(() => withSection("- a\n", "faults", [])).toThrow(/not a map/);
  });
});

describe("policyAsWritten", () => {
  it("gives a policy's settings with their units as text", () => {
    expect(policyAsWritten(TEXT, "hardened")).toEqual({ checkpoint: "daly", spares: "2%" });
    expect(policyAsWritten(TEXT, "nope")).toBeUndefined();
  });
});
