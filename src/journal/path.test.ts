// Tests of the default journal path.
import { describe, expect, it } from "vitest";
import { defaultJournalPath } from "./path.js";

describe("defaultJournalPath", () => {
  it("names the file after scenario, seed and UTC time", () => {
    expect(defaultJournalPath("cosmic-burst", 42, new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).toBe("runs/cosmic-burst-42-20250102-030405.jsonl");
  });

  it("keeps the name one safe path segment", () => {
    expect(defaultJournalPath("../etc/my scenario", "a/b", new Date(Date.UTC(2030, 11, 31, 23, 59, 59)))).toBe(
      "runs/-etc-my-scenario-a-b-20301231-235959.jsonl",
    );
  });
});
