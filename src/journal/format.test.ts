// Tests of the line format: the CRC rule as documented, checked with an independent CRC-32.
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CRC_SUFFIX_BYTES, MAX_LINE_DEPTH, checkLineBytes, sealLine } from "./format.js";
import { MemoryJournal } from "./memory.js";
import { writeSampleRun } from "./sample-run.js";

describe("line format", () => {
  it("every line verifies with an independent CRC-32 (zlib) by the documented rule", () => {
    const j = new MemoryJournal({ clock: () => new Date(0) });
    writeSampleRun(j);
    for (const line of j.lines) {
      const bytes = Buffer.from(line, "utf8");
      expect(bytes.at(-1)).toBe(0x0a);
      const content = bytes.subarray(0, -1);
      const body = content.subarray(0, content.length - CRC_SUFFIX_BYTES);
      const suffix = content.subarray(content.length - CRC_SUFFIX_BYTES).toString("latin1");
      expect(suffix).toMatch(/^,"crc":"[0-9a-f]{8}"\}$/);
      expect(suffix.slice(8, 16)).toBe((crc32(body) >>> 0).toString(16).padStart(8, "0"));
      expect(Object.keys(JSON.parse(content.toString("utf8"))).at(-1)).toBe("crc");
    }
  });

  it("puts t first, wall just before crc", () => {
    const j = new MemoryJournal({ clock: () => new Date(0) });
    writeSampleRun(j, { records: 2 });
    const keys = j.lines.map((l) => Object.keys(JSON.parse(l)));
    expect(keys[0]).toEqual(["t", "format", "fleetVersion", "scenario", "scenarioText", "scenarioSha256", "seed", "options", "wall", "crc"]);
    expect(keys[1].slice(0, 2)).toEqual(["t", "at"]);
    expect(keys.at(-1)!.slice(-3)).toEqual(["digest", "wall", "crc"]);
  });

  it("reports a CRC mismatch with both values", () => {
    const line = sealLine('{"t":"fault","at":1').slice(0, -1);
    const bad = Buffer.from(line.replace('"at":1', '"at":2'));
    const r = checkLineBytes(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^CRC mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)$/);
    expect(checkLineBytes(Buffer.from(line)).ok).toBe(true);
  });

  it("accepts lines nested up to MAX_LINE_DEPTH levels and refuses deeper ones, brackets in strings aside", () => {
    const line = (depth: number, extra = "") =>
      Buffer.from(sealLine(`{"t":"fault","at":1${extra},"x":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}`).slice(0, -1));
    expect(checkLineBytes(line(MAX_LINE_DEPTH)).ok).toBe(true);
    expect(checkLineBytes(line(MAX_LINE_DEPTH, ',"s":"[[[[\\"{{{{"')).ok).toBe(true);
    expect(checkLineBytes(line(MAX_LINE_DEPTH + 1))).toEqual({
      ok: false,
      reason: `objects and arrays nested more than ${MAX_LINE_DEPTH} levels deep (a journal line nests at most ${MAX_LINE_DEPTH})`,
    });
    expect(checkLineBytes(line(100_000)).ok).toBe(false);
  });
});
