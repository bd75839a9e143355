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

  it("keeps what an alias elsewhere meant when its anchor goes with the replaced section", () => {
    const text =
      "name: s\nfaults:\n  - busbar: { mtbf: 3y, repair: &r 6h }\n  - rack: &rack { mtbf: 2y }\npolicies:\n  baseline: { checkpoint: *r, x: *rack }\n";
    const out = withSection(text, "faults", [{ at: 10, host: "dc1/row01/rack01/host01" }]);
    expect(out).toBe("name: s\nfaults:\n  - at: 10\n    host: dc1/row01/rack01/host01\npolicies:\n  baseline: { checkpoint: 6h, x: { mtbf: 2y } }\n");
    // Aliases to anchors outside the replaced section stay aliases.
    const kept = withSection("a: &a 1h\npolicies: { p: { checkpoint: *a } }\nslo: { x: *a }\n", "policies", {});
    expect(kept).toBe("a: &a 1h\npolicies: {}\nslo: { x: *a }\n");
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

  it("expands more than the yaml library's default of 100 aliases, as the scenario loader allows", () => {
    const text = `d: &d [gradientChecksum]\npolicies:\n${Array.from({ length: 150 }, (_, i) => `  p${i}: { detect: *d }\n`).join("")}`;
    expect(policyAsWritten(text, "p149")).toEqual({ detect: ["gradientChecksum"] });
  });
});
