// The detection layer's metrics (./detect.ts computes them; src/slo/catalog.ts gathers
// them for SLOs and reports). The same in every lane but for the lane's `ecc` what-if: no
// recovery policy changes what the code catches.
import { type MetricDef, metric } from "../base/metric.js";

/** What the code decides changes with the lane's `ecc` only (src/recovery/hardware.ts). */
const ECC = { changedBy: ["ecc"] };
/** Disk scrubs run the same in every lane. */
const NONE = { changedBy: [] };

/** The detection layer's metrics (src/slo/catalog.ts gathers them). */
export const MEMORY_METRICS: readonly MetricDef[] = [
  metric("memory.corrected", "count", "memory errors the code corrected", "sum", ECC),
  metric("memory.machineChecks", "count", "detected-uncorrectable memory errors (each reboots its host)", "sum", ECC),
  metric("memory.silent", "count", "memory errors the code missed or miscorrected: the reader got wrong data, on any host", "sum", ECC),
  metric("memory.decoded", "count", "errors decoded for real (multi-bit, or on a word holding a latent error)", "sum", ECC),
  metric("memory.latentCleared", "count", "latent errors cleared by the patrol scrub", "sum", ECC),
  metric("memory.latent", "count", "latent (corrected, not yet scrubbed) errors held at the end", "sum", ECC),
  metric("memory.collisions", "count", "aggregated upsets that landed on a word holding a latent error", "sum", ECC),
  metric("memory.whileDown", "count", "memory errors on hosts that were down (ignored)", "sum", ECC),
  metric("memory.latentDropped", "count", "latent errors forgotten because of the bound on those kept", "sum", ECC),
  metric("disk.lseFound", "count", "latent sector errors found by the disk scrub", "sum", NONE),
  metric("disk.lseLatent", "count", "latent sector errors not found by the end", "sum", NONE),
];
