// The rules of docs/ARCHITECTURE.md that the linters do not check: small files (a source
// file over 500 lines says in its header why: a hot path), and fault kinds and workloads
// registered in one place each.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

describe("architecture", () => {
  it("no source file is over 500 lines unless its header says why (a hot path)", () => {
    const long = sources("src")
      .map((file) => ({ file, text: readFileSync(file, "utf8") }))
      .filter(({ text }) => text.split("\n").length > 500)
      .filter(({ text }) => !/HOT PATH[\s\S]*500 lines/.test(text.split("\nimport ")[0]))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });

  it("nothing registers itself at import time: kinds, models, workloads and metrics are declared and listed", () => {
    const offenders = sources("src").filter((file) => /^(register[A-Z]\w*|registerCrossCheck|registerMetric)\(/m.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
