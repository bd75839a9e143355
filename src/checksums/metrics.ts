// The detection layer's metrics (./detect.ts computes them; src/slo/catalog.ts gathers
// them for SLOs and reports).
import { type MetricDef, metric } from "../base/metric.js";

/** The detection layer's metrics (src/slo/catalog.ts gathers them). */
export const MEMORY_METRICS: readonly MetricDef[] = [
  metric("memory.corrected", "count", "memory errors the code corrected"),
  metric("memory.machineChecks", "count", "detected-uncorrectable memory errors (each reboots its host)"),
  metric("memory.silent", "count", "memory errors the code missed or miscorrected: the reader got wrong data, on any host"),
  metric("memory.decoded", "count", "errors decoded for real (multi-bit, or on a word holding a latent error)"),
  metric("memory.latentCleared", "count", "latent errors cleared by the patrol scrub"),
  metric("memory.latent", "count", "latent (corrected, not yet scrubbed) errors held at the end"),
  metric("memory.collisions", "count", "aggregated upsets that landed on a word holding a latent error"),
  metric("memory.whileDown", "count", "memory errors on hosts that were down (ignored)"),
  metric("memory.latentDropped", "count", "latent errors forgotten because of the bound on those kept"),
  metric("disk.lseFound", "count", "latent sector errors found by the disk scrub"),
  metric("disk.lseLatent", "count", "latent sector errors not found by the end"),
];
