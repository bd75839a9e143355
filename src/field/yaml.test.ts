// Small YAML files of the field tools (log mappings): the safety rules of scenario files.
import { describe, expect, it } from "vitest";
import { parseYamlText } from "./yaml.js";

describe("a mapping file's YAML", () => {
  it("nested thousands of levels deep is one error where the nesting passes 100, not a stack overflow", () => {
    const r = parseYamlText(`time: { column: T }\nkind: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, "a log mapping");
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          code: "yaml_syntax",
          path: [],
          line: 2,
          column: 106,
          message: "lists and maps nested more than 100 levels deep",
          hint: "is this a log mapping?",
        },
      ],
    });
  });
});
