// Fault kinds that a layer above the injectors raises when it decides a consequence: they
// reach the workloads like any fault (trace.down with `traced: false`) but depend on
// settings (the ECC code, the scrub), not only on the seed, so they never enter the fault
// trace's counts, digest or journal records. Their expected rate (a training job's M) comes
// from the models whose faults they follow, given the detection layer's odds: cosmic.ts and
// dram.ts hostLossRatePerSec with injector.ts MemoryOdds.
import { defineKind } from "./kind.js";

/** A detected-uncorrectable memory error took a host down for a reboot (src/checksums/detect.ts). */
export const MACHINE_CHECK = defineKind("machine.check", {
  code: 20,
  summary: "a detected-uncorrectable memory error took a host down for a reboot",
  effect: { class: "down", on: "hosts" },
  fields: { code: "the ECC code that detected it" },
});

/** Every kind raised outside the injectors. */
export const CONSEQUENCE_KINDS = [MACHINE_CHECK] as const;
