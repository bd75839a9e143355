/**
 * Test fixture, not used by the simulator: writes a small, deterministic run into any journal
 * sink, the same way the simulator would. `variant` changes one record, to get a different run.
 */

import type { JournalSink } from "./journal.js";
import type { FooterRecord } from "./format.js";

export const SAMPLE_SCENARIO = `name: cosmic-burst
seed: 42
duration: 72h
# unicode on purpose: ±, µs, 宇宙線, and "quotes"
faults:
  - cosmic: { rate: 25000 FIT/Mbit, multiBit: 2% }
`;

export function writeSampleRun(sink: JournalSink, options: { records?: number; variant?: number } = {}): FooterRecord {
  const n = options.records ?? 40;
  sink.writeHeader({
    fleetVersion: "0.1.0",
    scenario: "cosmic-burst",
    scenarioText: SAMPLE_SCENARIO,
    seed: 42,
    options: { policy: "hardened", hosts: 16000, hedge: null },
  });
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += (i % 3) * 0.125 + 1 / 3; // non-round floats on purpose
    const kind = (["fault", "detection", "recovery", "milestone", "snapshot"] as const)[i % 5];
    const bit = i === 7 && options.variant ? 30 + options.variant : 30;
    sink.record(kind, at, { host: (i * 7919) % 16000, rack: `dc1/row${i % 40}/rack${i % 25}`, bit, word: [i, i * 2, -0.5] });
  }
  return sink.close({ at: at + 1, metrics: { goodput: 0.9312, lostWorkHours: 1.75 }, verdicts: { "training.goodput": "pass" }, simEvents: n * 100 });
}
