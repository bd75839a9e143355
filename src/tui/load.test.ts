import { afterEach, describe, expect, it, vi } from "vitest";
import { loadInk } from "./load.js";

describe("loadInk", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("loads with CI and CONTINUOUS_INTEGRATION unset (Ink would draw nothing until exit), then puts them back", async () => {
    vi.stubEnv("CI", "true");
    vi.stubEnv("CONTINUOUS_INTEGRATION", "1");
    const seen = await loadInk(async () => [process.env.CI, process.env.CONTINUOUS_INTEGRATION]);
    expect(seen).toEqual([undefined, undefined]);
    expect(process.env.CI).toBe("true");
    expect(process.env.CONTINUOUS_INTEGRATION).toBe("1");
  });

  it("puts them back when loading fails", async () => {
    vi.stubEnv("CI", "true");
    await expect(loadInk(async () => Promise.reject(new Error("no module")))).rejects.toThrow("no module");
    expect(process.env.CI).toBe("true");
  });
});
