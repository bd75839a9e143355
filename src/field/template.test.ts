import { describe, expect, it } from "vitest";
import { bindTemplate, parseTemplate, type Template, TemplateError } from "./template.js";

const HEADER = ["Timestamp", "Server", "Rack id", "Enclosure", "Slot", "slot-bin", "Name"];

function template(text: string): Template {
  const p = parseTemplate(text);
  if (!p.ok) throw new Error(`${p.message} at ${p.offset}`);
  return p.template;
}

/** The template applied to one row given as { column: cell }. */
function apply(text: string, row: Record<string, string>): string | number {
  const cells = HEADER.map((h) => row[h] ?? "");
  return bindTemplate(template(text), (name) => HEADER.indexOf(name))(cells);
}

describe("templates", () => {
  it("turns the Campaign log's location columns into a zero-padded fleet id", () => {
    const t = "dc1/row01/rack{Rack id:02}/host{(Server - 1) % 3 * 2 + Enclosure:02}";
    expect(apply(t, { "Rack id": "2", Server: "4", Enclosure: "1" })).toBe("dc1/row01/rack02/host01");
    expect(apply(t, { "Rack id": "16", Server: "48", Enclosure: "2" })).toBe("dc1/row01/rack16/host06");
    expect(template(t).columns.map((c) => c.name)).toEqual(["Rack id", "Server", "Enclosure"]);
  });

  it("gives a lone expression's value as a number, and a lone column's text as text", () => {
    expect(apply("{Slot - 1}", { Slot: "84" })).toBe(83);
    expect(apply("{Slot}", { Slot: "007" })).toBe(7);
    expect(apply("{Name}", { Name: "sda" })).toBe("sda");
    expect(apply("disk-{Slot}", { Slot: "3" })).toBe("disk-3");
  });

  it("divides and takes the modulo rounding down, never negative for a positive divisor", () => {
    expect(apply("{Slot // 24}", { Slot: "47" })).toBe(1);
    expect(apply("{Slot % 24}", { Slot: "47" })).toBe(23);
    expect(apply("{-Slot // 24}", { Slot: "1" })).toBe(-1);
    expect(apply("{-Slot % 24}", { Slot: "1" })).toBe(23);
    expect(apply("{2 + 3 * 4 - (1 + 1)}", {})).toBe(12);
    expect(apply("{-5:03}", {})).toBe("-005");
  });

  it("reads a column with other characters in backquotes, and {{ }} as braces", () => {
    expect(apply("{`slot-bin` + 1}", { "slot-bin": "4" })).toBe(5);
    expect(apply("{{x}}-{Slot}", { Slot: "1" })).toBe("{x}-1");
  });

  it("says which cell does not fit a row", () => {
    expect(() => apply("{Slot - 1}", { Slot: "x7" })).toThrow(new TemplateError('column "Slot" is "x7", not a whole number'));
    expect(() => apply("{Slot // (Server - Server)}", { Slot: "1", Server: "2" })).toThrow("division by zero");
    expect(() => apply("rack{Name:02}", { Name: "a" })).toThrow('{Name:02} pads a whole number, found "a"');
  });

  it("reports a syntax error at its character, with a hint", () => {
    const bad = (t: string) => {
      const p = parseTemplate(t);
      return p.ok ? undefined : { offset: p.offset, message: p.message, hint: p.hint };
    };
    expect(bad("rack{Slot / 2}")).toEqual({ offset: 10, message: '"/" alone is not an operator', hint: "use // for whole-number division (rounds down)" });
    expect(bad("rack{Slot")).toMatchObject({ offset: 4, message: 'a "{" without its "}"' });
    expect(bad("rack}")).toMatchObject({ offset: 4, message: 'a "}" without its "{"' });
    expect(bad("{(Slot + 1}")).toMatchObject({ offset: 10, message: "expected )" });
    expect(bad("{Slot + }")).toMatchObject({ offset: 8, message: "expected a column name, a number or (" });
    expect(bad("{Slot:x}")).toMatchObject({ offset: 5, message: 'expected a width after ":", found "x"' });
    expect(bad("{Slot $ 2}")).toMatchObject({ offset: 6, message: 'unexpected "$"' });
  });
});
