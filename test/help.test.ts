// Every command's help, as `fleet <command> --help` and `fleet help <command>` print it,
// fits an 80-column terminal. The commands are read from `fleet --help`, so a new command
// is covered without editing this file.
import { describe, expect, it } from "vitest";
import { fleet } from "./helpers.js";

/** The command names listed under "Commands:" in the main help. */
async function commandNames(): Promise<string[]> {
  const main = await fleet(["--help"]);
  const section = main.out.split("\nCommands:\n")[1]?.split("\n\n")[0] ?? "";
  return section.split("\n").map((line) => line.trim().split(" ")[0]);
}

/** The lines of a text longer than 80 characters (characters, not bytes: · and √ count one). */
function overlong(text: string): string[] {
  return text.split("\n").filter((line) => [...line].length > 80);
}

describe("help text", () => {
  it("fits 80 columns for fleet --help and for every command's --help and help <command>", async () => {
    const names = await commandNames();
    expect(names).toContain("chaos");
    expect(names).toContain("validate");
    expect(overlong((await fleet(["--help"])).out)).toEqual([]);
    for (const name of names) {
      const flag = await fleet([name, "--help"]);
      expect(flag.code).toBe(0);
      expect(flag.out).toMatch(new RegExp(`^fleet ${name}\\b`));
      expect({ name, overlong: overlong(flag.out) }).toEqual({ name, overlong: [] });
      const topic = await fleet(["help", name]);
      expect(topic.out).toBe(flag.out);
    }
  });
});
