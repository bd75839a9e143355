// The rates of the DRAM fault model (./dram.ts), from its settings alone: its modes and
// settings, the expected faults and errors of a run (`fleet faults`), and the machine
// checks its errors cause (the host-loss rate a training job's M is made of).
//
// Machine checks. An error takes its host down only when the detection layer finds it
// uncorrectable, and that is the code's decision: under SECDED every 2-bit error and 57% of
// whole-nibble errors (value uniform in 1..15: the 4 single bits are corrected), under
// chipkill none of this model's errors (each stays inside one x4 device, one symbol).
// The codes sit above the fault layer (src/checksums), so the rate takes the detection
// layer's odds for a bit pattern (injector.ts MemoryOdds, scored with the real codes by
// src/run/lane.ts) rather than re-deriving them here. It is the long-run rate of a fleet
// in service: faults of mode m appear at fit_m x scale per device and each in time gives
// all its maxErrors errors at its access rate r; an error read is a machine check with
// odds p (averaged over the 18 devices of a rank and the mode's nibble patterns: per fault
// where the fault fixes its pattern, per error where each error draws one), and the
// errors that fall in the reboot R after one (odds.rebootSec) are never read. Machine
// checks at rate p r with a dead time R after each come at p r / (1 + p r R) (a
// non-paralyzable counter), so a fault gives maxErrors x p / (1 + p r R): a whole-device
// fault under SECDED reboots its host ~5.5 times. A single-bit-mode fault adds grow x a
// grown fault's. At the defaults under SECDED: 39 FIT of machine checks per x4 device, two
// thirds of them from grown faults.
//
// Leaves out, in the machine-check rate: errors meeting a latent error of the same word (a
// row fault's second error in one word, a second fault in the same rank: rare), and host
// downs other than the fault's own machine checks (errors lost while a host crashed).
import type { Fleet } from "../fleet/fleet.js";
import type { EccMode } from "../fleet/spec.js";
import type { MemoryOdds } from "./injector.js";
import { DEVICE_BITS, DEVICES_PER_DIMM, DEVICES_PER_RANK, fitToPerSec } from "./memory.js";

export const DRAM_MODES = ["bit", "word", "column", "row", "bank", "multiBank", "rank"] as const;
export type DramMode = (typeof DRAM_MODES)[number];

/** Modes whose every error is one bit of one word (SECDED corrects them); they may grow. */
export const SINGLE_BIT_MODES: readonly DramMode[] = ["bit", "column", "row", "bank"];
/** What a growing fault becomes: whole-nibble errors over every bank of its rank, same device. */
export const GROWN_MODE: DramMode = "multiBank";

/** Whether mode `m` is one of SINGLE_BIT_MODES. */
export const singleBit = (m: DramMode): boolean => SINGLE_BIT_MODES.includes(m);

export interface DramSettings {
  fitPerDevice: Record<DramMode, number>;
  errorsPerHour: Record<DramMode, number>;
  /** Multiplies every fault rate (not the access rates). */
  scale: number;
  maxErrorsPerFault: number;
  /** Probability that a fault of a single-bit mode grows into a GROWN_MODE fault. */
  growFraction: number;
  /** Mean of the exponential delay from a fault's appearance to its growth. */
  growAfterSecMean: number;
}

/** Codeword positions of the set bits of `mask` in device `device`'s nibble. */
export function maskBits(device: number, mask: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < DEVICE_BITS; b++) if (mask & (1 << b)) out.push(device * DEVICE_BITS + b);
  return out;
}

/** DRAM devices of the fleet per datacenter (hosts x DIMMs x 36). */
export function devicesByDc(fleet: Fleet): Float64Array {
  const out = new Float64Array(fleet.dcCount);
  for (let d = 0; d < fleet.dcCount; d++) {
    const { start, end } = fleet.hostsOfDc(d);
    out[d] = (end - start) * fleet.hostSpecOfDc(d).dimms * DEVICES_PER_DIMM;
  }
  return out;
}

/**
 * The first two moments of one fault's errors X = min(cap, N), N Poisson with mean
 * perSec x (H - s) for a start s uniform on [0, H]: the errors stop at the cap. Exact but
 * for the quadrature over s (midpoints of `points` slices). Capping the mean instead
 * (min(cap, E[N]) >= E[min(cap, N)]) erred high: 472 expected dram.error against 451 over
 * 20 seeds of cosmic.yaml, 1,040,915 against 1,032,693 drawn on 1M hosts x 30 days.
 */
export function errorsPerFaultMoments(perSec: number, cap: number, H: number, points = 256): { mean: number; second: number } {
  if (!(perSec > 0) || cap <= 0 || !(H > 0)) return { mean: 0, second: 0 };
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < points; i++) {
    const lambda = perSec * H * ((i + 0.5) / points);
    let p = Math.exp(-lambda);
    let below = 0;
    for (let k = 0; k < cap; k++) {
      below += p;
      m1 += (k * p) / points;
      m2 += (k * k * p) / points;
      p = (p * lambda) / (k + 1);
    }
    m1 += (cap * Math.max(0, 1 - below)) / points;
    m2 += (cap * cap * Math.max(0, 1 - below)) / points;
  }
  return { mean: m1, second: m2 };
}

/**
 * Expected dram.fault and dram.error counts over [0, H] on `fleet`, and the variance of
 * dram.error: a compound Poisson count, each fault bringing its errors
 * (errorsPerFaultMoments); a grown fault's errors, given it grows, are taken as
 * Poisson around their mean with the 4/3 spread of a uniform start (an approximation:
 * `fleet faults` draws a band from it, nothing else reads it). Only single-bit modes grow.
 */
export function dramCounts(s: DramSettings, fleet: Fleet, H: number) {
  const devices = devicesByDc(fleet).reduce((a, b) => a + b, 0);
  const grown = expectedGrowth(s.errorsPerHour[GROWN_MODE] / 3600, s.maxErrorsPerFault, H, s.growAfterSecMean);
  // grown.errors is a growing candidate's mean (0 when it does not grow, with 1 - p).
  const ey = grown.p > 0 ? grown.errors / grown.p : 0;
  let faults = 0;
  let errors = 0;
  let variance = 0;
  for (const m of DRAM_MODES) {
    const n = fitToPerSec(s.fitPerDevice[m] * s.scale) * devices * H;
    const x = errorsPerFaultMoments(s.errorsPerHour[m] / 3600, s.maxErrorsPerFault, H);
    const growing = singleBit(m) ? n * s.growFraction : 0;
    faults += n + growing * grown.p;
    errors += n * x.mean + growing * grown.errors;
    variance += n * x.second + growing * grown.p * (ey + (4 / 3) * ey * ey);
  }
  return { expected: { "dram.fault": faults, "dram.error": errors }, variance: { "dram.error": variance } };
}

/**
 * Growth of a fault appearing uniformly on [0, H], after an exponential delay of mean D:
 * the chance it grows within the run, and the mean errors of the grown fault (access rate
 * `perSec`, capped). The grown fault has x = H - s - delay of the run left, with density
 * (1 - exp(-(H - x) / D)) / H on [0, H]; Simpson's rule over x (the kink of the cap at
 * cap / perSec is smooth enough at 2,048 intervals for a count compared with Poisson noise).
 */
export function expectedGrowth(perSec: number, cap: number, H: number, D: number): { p: number; errors: number } {
  if (!(H > 0) || !(D > 0)) return { p: 0, errors: 0 };
  const p = 1 - (D / H) * (1 - Math.exp(-H / D));
  if (!(perSec > 0) || cap <= 0) return { p, errors: 0 };
  const n = 2048;
  const dx = H / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const x = i * dx;
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    sum += w * Math.min(cap, perSec * x) * (1 - Math.exp(-(H - x) / D));
  }
  return { p, errors: (sum * dx) / 3 / H };
}

/** Modes whose fault fixes its nibble pattern once (DramEngine.place); the others draw one per error. */
const FIXED_PATTERN_MODES: readonly DramMode[] = ["bit", "column", "word"];

/** Nibble patterns an error of each mode carries, all equally likely (DramEngine.place and onError). */
function errorMasks(mode: DramMode): number[] {
  const all = Array.from({ length: 15 }, (_, i) => i + 1);
  if (singleBit(mode)) return all.filter((m) => (m & (m - 1)) === 0);
  if (mode === "word") return all.filter((m) => (m & (m - 1)) !== 0); // wordMask: 2 to 4 bits
  return all; // multiBank, rank: any non-zero symbol
}

/**
 * Long-run machine checks per second of one x4 device under `ecc`. A fault, in the long
 * run, gives all its maxErrors errors at its access rate r; each error read is a machine
 * check with the detection layer's odds p for its pattern, averaged over the 18 devices of
 * a rank and the mode's nibble patterns (per fault where the fault fixes its pattern, per
 * error where each error draws one). A machine check keeps the host down for R
 * (odds.rebootSec) and the errors arriving then are never read: a Poisson stream of
 * machine checks at rate p r with a dead time R after each gives p r / (1 + p r R) (the
 * non-paralyzable counter), so a fault gives maxErrors p / (1 + p r R). A single-bit-mode
 * fault grows, with probability `grow`, into a GROWN_MODE fault that gives as many again.
 */
export function machineChecksPerDeviceSec(s: DramSettings, ecc: EccMode, odds: MemoryOdds): number {
  const cap = s.maxErrorsPerFault;
  const perFault = (mode: DramMode): number => {
    const perSec = s.errorsPerHour[mode] / 3600;
    if (!(perSec > 0) || cap <= 0) return 0;
    const checks = (p: number) => (cap * p) / (1 + p * perSec * odds.rebootSec);
    const masks = errorMasks(mode);
    const fixed = FIXED_PATTERN_MODES.includes(mode);
    let sum = 0;
    for (let device = 0; device < DEVICES_PER_RANK; device++) {
      const ps = masks.map((m) => odds.machineCheck(ecc, maskBits(device, m)));
      sum += fixed ? ps.reduce((a, p) => a + checks(p), 0) / ps.length : checks(ps.reduce((a, p) => a + p, 0) / ps.length);
    }
    return sum / DEVICES_PER_RANK;
  };
  const grown = perFault(GROWN_MODE);
  let rate = 0;
  for (const m of DRAM_MODES) rate += fitToPerSec(s.fitPerDevice[m] * s.scale) * (perFault(m) + (singleBit(m) ? s.growFraction * grown : 0));
  return rate;
}
