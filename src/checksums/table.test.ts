import { describe, expect, it } from "vitest";
import { type CodesTableRow, computeCodesTable, formatCodesTable } from "./table.js";

// Small limits keep the test quick; 1-, 2- and 3-bit patterns of the 72-bit word stay exhaustive.
const rows = computeCodesTable({ exhaustiveLimit: 100_000, sampleCases: 5_000, crcSampleCases: 200, crcBlockBytes: 1024 });
const row = (code: string, pattern: string): CodesTableRow => {
  const r = rows.find((x) => x.code === code && x.pattern === pattern);
  if (!r) throw new Error(`no row ${code} ${pattern}`);
  return r;
};

describe("computeCodesTable", () => {
  it("has every code and pattern, and outcome counts that add up", () => {
    const codes = new Set(rows.map((r) => r.code));
    expect([...codes]).toEqual(["none", "parity", "secded(72,64)", "chipkill-x4", "chipkill-x8", "crc32/1024B"]);
    for (const r of rows) expect(r.corrected + r.detected + r.silent).toBe(r.cases);
  });

  it("SECDED: 1-bit 100% corrected, 2-bit 100% detected, 3-bit as counted in secded.ts", () => {
    expect(row("secded(72,64)", "1-bit")).toEqual({
      code: "secded(72,64)",
      pattern: "1-bit",
      cases: 72,
      corrected: 72,
      detected: 0,
      silent: 0,
      exhaustive: true,
    });
    expect(row("secded(72,64)", "2-bit")).toMatchObject({ cases: 2556, detected: 2556, exhaustive: true });
    expect(row("secded(72,64)", "3-bit")).toMatchObject({ cases: 59640, detected: 26072, silent: 33568, exhaustive: true });
    expect(row("secded(72,64)", "burst-2")).toMatchObject({ cases: 71, detected: 71 });
  });

  it("samples deterministically when a pattern is too large to enumerate", () => {
    const r = row("secded(72,64)", "4-bit");
    expect(r).toMatchObject({ cases: 5000, exhaustive: false, corrected: 0 });
    expect(r.silent).toBeGreaterThan(0);
    expect(computeCodesTable({ exhaustiveLimit: 100_000, sampleCases: 5_000, crcSampleCases: 0 })).toEqual(rows.filter((x) => !x.code.startsWith("crc32")));
  });

  it("chipkill x4 corrects every x4 device error and never lets a 2-bit error through", () => {
    expect(row("chipkill-x4", "x4-device")).toMatchObject({ cases: 540, corrected: 540 });
    expect(row("chipkill-x4", "2-bit")).toMatchObject({ cases: 10296, silent: 0 });
    expect(row("chipkill-x4", "x8-device").silent).toBe(0);
    expect(row("chipkill-x8", "x8-device")).toMatchObject({ cases: 4590, corrected: 4590 });
  });

  it("none is always silent; parity catches odd and misses even flip counts", () => {
    for (const r of rows.filter((x) => x.code === "none")) expect(r.silent).toBe(r.cases);
    expect(row("parity", "3-bit")).toMatchObject({ cases: 43680, detected: 43680 });
    expect(row("parity", "2-bit")).toMatchObject({ cases: 2080, silent: 2080 });
  });

  it("CRC-32 detects every sampled error of up to 4 bits and bursts up to 33 bits", () => {
    for (const r of rows.filter((x) => x.code.startsWith("crc32"))) expect(r.detected).toBe(r.cases);
  });
});

describe("formatCodesTable", () => {
  it("prints an aligned table with counts and percentages", () => {
    const text = formatCodesTable(rows);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(rows.length + 2);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^code\s+pattern\s+cases\s+method\s+corrected\s+detected\s+silent$/);
    const secded3 = lines.find((l) => l.startsWith("secded(72,64)") && l.includes("3-bit"));
    expect(secded3).toMatch(/59,640\s+all\s+0 \(0\.00%\)\s+26,072 \(43\.72%\)\s+33,568 \(56\.28%\)$/);
  });

  it("never rounds a non-zero count down to 0.00%", () => {
    const text = formatCodesTable([{ code: "c", pattern: "p", cases: 1_000_000, corrected: 1, detected: 999_999, silent: 0, exhaustive: false }]);
    expect(text).toContain("1 (<0.01%)");
    expect(text).toContain("sample");
  });
});
