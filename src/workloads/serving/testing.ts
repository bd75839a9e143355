// Test helper for the window simulator: the policy with nothing turned on (no hedging, no
// tied requests, one retry within a 20% budget, no leaf timeout, no CRC, random balance),
// which tests change key by key. Tests only: nothing in src/ outside tests imports it.
import type { WindowConfig } from "./window.js";

export const PLAIN_POLICY: WindowConfig["policy"] = {
  hedge: { kind: "off" },
  tied: false,
  retries: 1,
  retryBudget: 0.2,
  leafTimeout: "off",
  endToEndCrc: false,
  balance: "random",
};
