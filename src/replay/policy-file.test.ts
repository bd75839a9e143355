// Counterfactual policies from a file: one policy's settings, or a policies: map, checked
// by the scenario's own policy schema.
import { describe, expect, it } from "vitest";
import { formatIssues } from "../base/issues.js";
import { loadPolicyFile, parsePolicyText, policyNameOf } from "./policy-file.js";

describe("policy files", () => {
  it("name a one-policy file's policy after the file", () => {
    expect(policyNameOf("policies/strict.yaml")).toBe("strict");
    expect(policyNameOf("my policy.v2.yml")).toBe("my-policy-v2");
  });

  it("read one policy's settings, as written", () => {
    const r = parsePolicyText("checkpoint: 30m\ndetect: [gradientChecksum]\n", "strict");
    expect(r).toEqual({ ok: true, form: "single", policies: { strict: { checkpoint: "30m", detect: ["gradientChecksum"] } } });
  });

  it("read a policies: map of several", () => {
    const r = parsePolicyText("policies:\n  a: { checkpoint: 4h }\n  b: { spares: 2% }\n", "ignored");
    expect(r).toEqual({ ok: true, form: "map", policies: { a: { checkpoint: "4h" }, b: { spares: "2%" } } });
  });

  it("report a misspelt key at its line and column, with a did-you-mean", () => {
    const r = loadPolicyFile("test/fixtures/policy-typo.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues("policy-typo.yaml", r.issues)).toBe(
        'policy-typo.yaml:4:1 chekpointWrite: unknown key "chekpointWrite" (did you mean "checkpointWrite"?)\n1 error in policy-typo.yaml',
      );
  });

  it("report bad values with the scenario's own messages", () => {
    const r = parsePolicyText("policies:\n  a: { checkpoint: soon }\n", "x");
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({ line: 2, path: ["policies", "a", "checkpoint"], message: expect.stringContaining("or young, daly or adaptive") });
  });

  it("refuse keys beside policies:, tags, lists and empty files", () => {
    const beside = parsePolicyText("policies: { a: {} }\ncheckpoint: 1h\n", "x");
    expect(beside.ok ? [] : beside.issues.map((i) => [i.line, i.message])).toEqual([[2, 'unknown key "checkpoint" beside policies']]);
    const tag = parsePolicyText("checkpoint: !!js/function 'x'\n", "x");
    expect(tag.ok ? "" : tag.issues[0].message).toMatch(/YAML tag .* is not allowed|not valid YAML/);
    expect(parsePolicyText("- checkpoint: 1h\n", "x")).toMatchObject({ ok: false, issues: [{ line: 1, message: expect.stringMatching(/^expected a map/) }] });
    expect(parsePolicyText("", "x")).toMatchObject({ ok: false, issues: [{ message: "the file is empty" }] });
  });

  it("say when the file cannot be read", () => {
    expect(loadPolicyFile("test/fixtures/no-such-policy.yaml")).toMatchObject({ ok: false, issues: [{ message: "no such file" }] });
  });
});
