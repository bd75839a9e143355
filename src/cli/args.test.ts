import { describe, expect, it } from "vitest";
import { UsageError } from "../base/errors.js";
import { int, parse } from "./args.js";

const OPTIONS = { seed: { type: "string" }, out: { type: "string", short: "o" }, force: { type: "boolean" } } as const;

const seedOf = (...argv: string[]) => int(parse("chaos", argv, OPTIONS), "seed", { min: 0, max: 2 ** 53 - 1 });

describe("command-line numbers", () => {
  it("says what a seed must be, whatever was wrong with it", () => {
    const expected = (found: string) => new UsageError(`--seed must be a whole number from 0 to 2^53-1, found "${found}"`);
    expect(() => seedOf("x.yaml", "--seed", "-5")).toThrow(expected("-5"));
    expect(() => seedOf("--seed=-5")).toThrow(expected("-5"));
    expect(() => seedOf("--seed", "1.5")).toThrow(expected("1.5"));
    expect(() => seedOf("--seed", "9007199254740992")).toThrow(expected("9007199254740992"));
    expect(seedOf("--seed", "9007199254740991")).toBe(2 ** 53 - 1);
    expect(() => int(parse("codes", ["--seed", "-1"], OPTIONS), "seed", { min: 0, max: 2 ** 31 - 1 })).toThrow(/from 0 to 2\^31-1, found "-1"/);
  });

  it("hands a negative number to the option before it, short or long, but not past --", () => {
    expect(parse("x", ["-o", "-5"], OPTIONS).values.out).toBe("-5");
    expect(parse("x", ["--", "--seed", "-5"], OPTIONS).positionals).toEqual(["--seed", "-5"]);
    expect(() => parse("x", ["--out", "-x"], OPTIONS)).toThrow(
      new UsageError('option --out needs a value; one that starts with "-" is written --out=-...', "x"),
    );
  });
});
