// Counterfactual policies from a file: one policy's settings, or a policies: map, checked
// by the scenario's own policy schema.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("expand aliases within fleet's budget of 1,000, not the yaml library's 100; past it, one clear error", () => {
    const file = (n: number) =>
      `policies:\n  p0: { checkpoint: &c 2h, detect: &d [gradientChecksum] }\n${Array.from({ length: n }, (_, i) => `  p${i + 1}: { checkpoint: *c, detect: *d }\n`).join("")}`;
    const many = parsePolicyText(file(150), "x");
    expect(many.ok).toBe(true);
    if (many.ok) expect(many.policies.p150).toEqual({ checkpoint: "2h", detect: ["gradientChecksum"] });
    const tooMany = parsePolicyText(file(600), "x");
    expect(tooMany).toMatchObject({
      ok: false,
      issues: [{ code: "yaml_alias", line: 503, message: "too many alias expansions", hint: "a file may expand at most 1000 aliases" }],
    });
    if (!tooMany.ok) expect(tooMany.issues).toHaveLength(1);
  });

  it("refuse lists and maps nested thousands of levels deep with one error where the nesting passes 100", () => {
    const r = parsePolicyText(`checkpoint: 2h\nspares: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, "x");
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          code: "yaml_syntax",
          path: [],
          line: 2,
          column: 108,
          message: "lists and maps nested more than 100 levels deep",
          hint: "a policy needs a few levels; is this a policy file?",
        },
      ],
    });
  });

  it("say when the file cannot be read", () => {
    expect(loadPolicyFile("test/fixtures/no-such-policy.yaml")).toMatchObject({ ok: false, issues: [{ message: "no such file" }] });
  });

  it("refuse a device or a FIFO before reading it: /dev/zero never ends, a FIFO waits for a writer", () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "fleet-policy-")), "strict.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(loadPolicyFile("/dev/zero")).toEqual({
      ok: false,
      issues: [{ code: "invalid_value", path: [], message: "is not a regular file (a device); a policy file must be a regular file" }],
    });
    expect(loadPolicyFile(fifo)).toMatchObject({ ok: false, issues: [{ message: "is not a regular file (a FIFO); a policy file must be a regular file" }] });
  });
});
