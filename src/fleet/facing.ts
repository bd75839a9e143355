// Rack facing: which compass direction the front of each rack looks at. Cosmic-ray
// bursts (and sun-facing heat) can hit only the racks facing one way, so later layers
// ask "which racks face within ±w degrees of direction d". Azimuths: 0 = north, 90 = east.
import type { DatacenterSpec } from "./spec.js";

/** An angle folded into [0, 360). */
export function normalizeDeg(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d === 0 ? 0 : d; // turns -0 into 0
}

/** Circular distance between two azimuths, in [0, 180]. */
export function angularDistance(a: number, b: number): number {
  const d = normalizeDeg(a - b);
  return d > 180 ? 360 - d : d;
}

/** True when `deg` lies within `halfWidthDeg` of `directionDeg` (inclusive, circular). */
export function isWithin(deg: number, directionDeg: number, halfWidthDeg: number): boolean {
  return angularDistance(deg, directionDeg) <= halfWidthDeg + 1e-9;
}

/**
 * Facing of the racks of one row. `rowNumber` is 1-based within its datacenter:
 * with "alternate", odd rows face `aisleAzimuthDeg` and even rows the opposite way.
 */
export function rowFacingDeg(dc: Pick<DatacenterSpec, "facing" | "aisleAzimuthDeg">, rowNumber: number): number {
  if (dc.facing === "alternate") {
    return normalizeDeg(rowNumber % 2 === 1 ? dc.aisleAzimuthDeg : dc.aisleAzimuthDeg + 180);
  }
  return normalizeDeg(dc.facing);
}
