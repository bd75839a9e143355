// The shapes `fleet fit` (./fit.ts) fills in: what was fitted, with its intervals.
import type { BurstSettings, HazardPiece, RepeatSettings } from "../faults/disk-process.js";
import type { DiskSettings } from "../faults/disk.js";
import type { HostCrashSettings } from "../faults/host.js";

export interface Interval {
  low: number;
  high: number;
}

export interface PieceFit extends HazardPiece {
  /** Ages younger than the log's: the log's mean rate, for replacement disks. */
  before?: boolean;
  /** Ages of the log's failures this piece was estimated from, seconds. */
  fromAgeSec: number;
  toAgeSec: number;
  events: number;
  interval: Interval;
}

export interface BurstFit extends BurstSettings {
  /** E[K^2] / E[K] of the bursts found at gapSec (the fit uses the weekly figure instead). */
  burstDispersion: number;
  /** The log's weekly index of dispersion, and the part of it the pieces explain. */
  weeklyDispersion: number;
  drift: number;
  /** The dispersion matched by simulation (the second step), and what its traces gave. */
  calibrated?: { value: number; reached: number; seeds: number };
  gapSec: number;
  bursts: number;
  /** Bursts of at least two failures. */
  multi: number;
  interval: { sizeMean: Interval; dispersion: Interval; sameRack: Interval };
}

export interface RepeatFit extends RepeatSettings {
  horizonSec: number;
  eligible: number;
  pairs: number;
  /** Pairs that chance alone would give (the log with places redrawn in their racks). */
  background: number;
  /** The chance matched by simulation (the second step): the first estimate, and the repeat share its traces gave. */
  calibrated?: { first: number; reached: number; seeds: number };
  interval: { chance: Interval };
}

/** A rate ratio by position: top over bottom of a rack, or last row over first. */
export interface PositionFit {
  ratio: number;
  interval: Interval;
  /** The interval excludes 1: the fit writes the ratio, else 1x. */
  applies: boolean;
  /** Distinct positions in the fleet. */
  positions: number;
}

export interface PlaceFit {
  variation: number;
  /** The log's host dispersion, the model's without place variation and with the fitted one. */
  target: number;
  without: number;
  reached: number;
  seeds: number;
}

/** What one failure takes out: a disk (disk.fail) or a host (host.crash). */
export type FitUnit = "disk" | "host";

/** The settings of the model a unit's failures come from. */
export type FitSettings = { unit: "disk"; settings: DiskSettings } | { unit: "host"; settings: HostCrashSettings };

export interface FailureFit {
  unit: FitUnit;
  /** Rate ratios by height in the rack and row, of bursts' first failures. */
  position: { height?: PositionFit; row?: PositionFit };
  /** Share of the log's times in the busiest 5 minutes of the hour, when it is at least 80%: the log was written by an hourly check. */
  hourlyGrid?: number;
  /** Set by a second step (src/field/gof.ts calibrate): it needs simulated traces. */
  places?: PlaceFit;
  events: number;
  /** Disks or hosts of the fleet: the population the rates are per. */
  units: number;
  spanSec: number;
  ageAtStartSec: number;
  pieces: PieceFit[];
  bursts: BurstFit;
  repeat: RepeatFit;
}
