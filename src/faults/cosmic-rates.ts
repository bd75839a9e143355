// The rates of the cosmic-ray upset model (./cosmic.ts): the upset rate of each rack from
// its memory, its datacenter's altitude and the FIT rate; racks grouped by the way they
// face, so a directional burst's gain (a function of facing only) is one number per group;
// the alias tables the injector draws racks and groups from (a burst's: its component);
// and what its machine-check rate (cosmic.ts hostLossRatePerSec) is made of.
//
// Machine checks. The rate over a range of hosts is the sum over racks of the rack's upset
// rate x its share of the range x (1 + the random bursts' long-run mean excess for its
// facing: duration / every x (gain - 1), overlaps adding, averaged over directions when
// random) x the chance that one upset is a machine check under the rack's code:
// (1 - multiBit) x odds(1 bit) + multiBit x sum over widths w of P(w) x odds(w adjacent
// bits), each averaged over the first position; the odds are the detection layer's
// (injector.ts MemoryOdds), for a word with no latent error.
import type { Fleet } from "../fleet/fleet.js";
import { angularDistance } from "../fleet/facing.js";
import type { EccMode } from "../fleet/spec.js";
import type { MemoryOdds } from "./injector.js";
import { AliasTable, adjacentBits, BITS_PER_MBIT, fitToPerSec, WORD_TOTAL_BITS } from "./memory.js";

/** Altitude attenuation length: flux(h) / flux(0) = exp(h / L); 3.5x at 1,500 m. */
export const ALTITUDE_SCALE_M = 1197;

/** Widths of multi-bit upsets (adjacent codeword positions) and their probabilities. */
export const MULTI_BIT_WIDTHS = [2, 3, 4] as const;
export const MULTI_BIT_PROBS = [0.7, 0.2, 0.1] as const;

export interface BurstSettings {
  /** Mean interval between Poisson bursts, seconds; undefined: no random bursts. */
  everySecMean?: number;
  /** Scheduled burst starts, seconds. */
  atSec: number[];
  durationSec: number;
  /** Azimuth the burst comes from (0 = north, 90 = east), or a uniform draw per burst. */
  directionDeg: number | "random";
  /** Full-gain width: racks within widthDeg / 2 of the direction get the full gain. */
  widthDeg: number;
  /** Raised-cosine taper beyond widthDeg / 2, down to gain 1. */
  edgeDeg: number;
  /** Rate multiplier at full gain. */
  gain: number;
}

/** What a burst from one direction adds: the excess of each facing group, and a table to draw a group from it. */
export interface BurstComponent {
  excess: Float64Array;
  /** Extra upsets per second over the fleet. */
  extraPerSec: number;
  table: AliasTable;
  /** Racks and hosts facing it (excess > 0). */
  racks: number;
  hosts: number;
}

export interface CosmicSettings {
  fitPerMbit: number;
  multiBitFraction: number;
  altitudeScaleM: number;
  /** Expected upsets per run above which single-bit upsets are aggregated. */
  aggregateAbove: number;
  bursts?: BurstSettings;
}

/** Neutron flux relative to sea level at `altitudeM`. */
export function altitudeFactor(altitudeM: number, scaleM = ALTITUDE_SCALE_M): number {
  return Math.exp(altitudeM / scaleM);
}

/**
 * Rate multiplier of a rack whose facing is `offDeg` away from the burst direction:
 * `gain` within width/2, a raised cosine from gain to 1 over the next `edgeDeg`, then 1.
 */
export function burstGain(offDeg: number, widthDeg: number, edgeDeg: number, gain: number): number {
  const half = widthDeg / 2;
  if (offDeg <= half + 1e-9) return gain;
  if (offDeg >= half + edgeDeg) return 1;
  return 1 + (gain - 1) * 0.5 * (1 + Math.cos((Math.PI * (offDeg - half)) / edgeDeg));
}

/** Width of a multi-bit upset from one uniform. */
export function multiBitWidth(u: number): number {
  let acc = 0;
  for (let i = 0; i < MULTI_BIT_WIDTHS.length - 1; i++) {
    acc += MULTI_BIT_PROBS[i];
    if (u < acc) return MULTI_BIT_WIDTHS[i];
  }
  return MULTI_BIT_WIDTHS[MULTI_BIT_WIDTHS.length - 1];
}

/**
 * Per-rack upset rates of a fleet, with the racks grouped by facing (a burst's gain is a
 * function of facing only): alias tables over groups and over the racks of each group.
 */
export class CosmicRates {
  /** Upsets per second of each rack (all upsets, single and multi-bit), no burst. */
  readonly rackPerSec: Float64Array;
  /** Facing group of each rack. */
  readonly rackGroup: Int32Array;
  /** Facing of each group, degrees. */
  readonly groupFacing: number[] = [];
  /** Racks of each group, and an alias table over them by rate. */
  readonly groupRacks: Int32Array[] = [];
  readonly groupRackTable: AliasTable[] = [];
  /** Summed rate of each group, per second. */
  readonly groupPerSec: Float64Array;
  /** Hosts of each group. */
  readonly groupHosts: Float64Array;
  /** The base rate of the fleet, per second, and a table over groups by it. */
  readonly basePerSec: number;
  readonly groupTable: AliasTable;

  constructor(
    readonly fleet: Fleet,
    readonly s: CosmicSettings,
  ) {
    const racks = fleet.rackCount;
    this.rackPerSec = new Float64Array(racks);
    this.rackGroup = new Int32Array(racks);
    const byFacing = new Map<number, number>();
    const members: number[][] = [];
    for (let r = 0; r < racks; r++) {
      const { start, end } = fleet.hostsOfRack(r);
      const dc = fleet.dcOfRack(r);
      const bitsPerHost = end > start ? fleet.dramBitsOfHost(start) : 0;
      const alt = altitudeFactor(fleet.altitudeMOfDc(dc), s.altitudeScaleM);
      this.rackPerSec[r] = fitToPerSec(s.fitPerMbit) * ((bitsPerHost * (end - start)) / BITS_PER_MBIT) * alt;
      const f = fleet.rackFacingDeg[r];
      let g = byFacing.get(f);
      if (g === undefined) {
        g = members.length;
        byFacing.set(f, g);
        members.push([]);
        this.groupFacing.push(f);
      }
      this.rackGroup[r] = g;
      members[g].push(r);
    }
    this.groupPerSec = new Float64Array(members.length);
    this.groupHosts = new Float64Array(members.length);
    let base = 0;
    members.forEach((m, g) => {
      const ids = Int32Array.from(m);
      const w = new Float64Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        w[i] = this.rackPerSec[ids[i]];
        this.groupPerSec[g] += w[i];
        const { start, end } = fleet.hostsOfRack(ids[i]);
        this.groupHosts[g] += end - start;
      }
      this.groupRacks.push(ids);
      this.groupRackTable.push(new AliasTable(w));
      base += this.groupPerSec[g];
    });
    this.basePerSec = base;
    this.groupTable = new AliasTable(this.groupPerSec);
  }

  /** The excess (gain - 1) of each facing group under a burst from `directionDeg`. */
  excessByGroup(directionDeg: number, b: BurstSettings): Float64Array {
    const out = new Float64Array(this.groupFacing.length);
    for (let g = 0; g < out.length; g++) {
      out[g] = burstGain(angularDistance(this.groupFacing[g], directionDeg), b.widthDeg, b.edgeDeg, b.gain) - 1;
    }
    return out;
  }

  /** A burst from `directionDeg`: its excess by group, weighted by each group's rate into an alias table. */
  burstComponent(directionDeg: number, b: BurstSettings): BurstComponent {
    const excess = this.excessByGroup(directionDeg, b);
    const w = new Float64Array(excess.length);
    let extra = 0;
    let racks = 0;
    let hosts = 0;
    for (let g = 0; g < w.length; g++) {
      w[g] = excess[g] * this.groupPerSec[g];
      extra += w[g];
      if (excess[g] > 0) {
        racks += this.groupRacks[g].length;
        hosts += this.groupHosts[g];
      }
    }
    return { excess, extraPerSec: extra, table: new AliasTable(w), racks, hosts };
  }

  /** Extra upsets per second a burst from `directionDeg` adds to the whole fleet. */
  burstExtraPerSec(directionDeg: number, b: BurstSettings): number {
    const ex = this.excessByGroup(directionDeg, b);
    let e = 0;
    for (let g = 0; g < ex.length; g++) e += ex[g] * this.groupPerSec[g];
    return e;
  }

  /** Expected upsets over [0, horizonSec]: base plus the bursts' excess. */
  expectedUpsets(horizonSec: number): number {
    let total = this.basePerSec * horizonSec;
    const b = this.s.bursts;
    if (!b) return total;
    let extra = 0;
    if (b.directionDeg === "random") {
      const steps = 3600;
      for (let i = 0; i < steps; i++) extra += this.burstExtraPerSec((i * 360) / steps, b);
      extra /= steps;
    } else {
      extra = this.burstExtraPerSec(b.directionDeg, b);
    }
    const d = b.durationSec;
    let burstSec = 0;
    for (const at of b.atSec) if (at <= horizonSec) burstSec += Math.min(d, horizonSec - at);
    if (b.everySecMean !== undefined) {
      // Poisson starts at rate 1/every over [0, H], each cut at H: integral of min(d, H - s).
      const H = horizonSec;
      burstSec += (H >= d ? d * (H - d) + (d * d) / 2 : (H * H) / 2) / b.everySecMean;
    }
    total += extra * burstSec;
    return total;
  }

  /**
   * Variance of the upsets counted over [0, H], a fraction `kept` of them (the multi-bit
   * share when single-bit upsets are aggregated): background upsets are Poisson; a burst's
   * upsets come together, so random bursts make the count compound Poisson (each adds
   * kept x mu + (kept x mu)^2, mu its mean upsets, averaged over directions when random) and
   * scheduled ones add their Poisson share. Bursts cut by the end of the run count whole:
   * the variance errs high by at most one burst's share.
   */
  upsetVariance(horizonSec: number, kept: number): number {
    let v = kept * this.basePerSec * horizonSec;
    const b = this.s.bursts;
    if (!b) return v;
    const mus: number[] = [];
    if (b.directionDeg === "random") for (let i = 0; i < 360; i++) mus.push(kept * this.burstExtraPerSec(i, b) * b.durationSec);
    else mus.push(kept * this.burstExtraPerSec(b.directionDeg, b) * b.durationSec);
    const mean = mus.reduce((a, x) => a + x, 0) / mus.length;
    const second = mus.reduce((a, x) => a + x + x * x, 0) / mus.length;
    v += b.atSec.filter((t) => t <= horizonSec).length * mean;
    if (b.everySecMean !== undefined) v += (horizonSec / b.everySecMean) * second;
    return v;
  }

  expectedBursts(horizonSec: number): number {
    const b = this.s.bursts;
    if (!b) return 0;
    return b.atSec.filter((t) => t <= horizonSec).length + (b.everySecMean !== undefined ? horizonSec / b.everySecMean : 0);
  }
}

/**
 * The chance that one upset is a machine check under `ecc`: its width drawn as the injector
 * draws it (1 bit, or 2-4 adjacent with MULTI_BIT_PROBS), its first position uniform, each
 * pattern scored by the detection layer's odds on a word with no latent error.
 */
export function machineCheckPerUpset(ecc: EccMode, multiBitFraction: number, odds: MemoryOdds): number {
  const meanOver = (width: number): number => {
    const starts = WORD_TOTAL_BITS - width + 1;
    let sum = 0;
    for (let first = 0; first < starts; first++) sum += odds.machineCheck(ecc, adjacentBits(first, width));
    return sum / starts;
  };
  let multi = 0;
  MULTI_BIT_WIDTHS.forEach((w, i) => {
    multi += MULTI_BIT_PROBS[i] * meanOver(w);
  });
  return (1 - multiBitFraction) * meanOver(1) + multiBitFraction * multi;
}

/**
 * Machine checks per second from upsets on `hosts` (cosmic.ts hostLossRatePerSec): each
 * rack's upset rate x its share of the range x (1 + the random bursts' long-run mean
 * excess), times machineCheckPerUpset under the rack's code. 0 without `memory`.
 */
export function machineCheckRatePerSec(fleet: Fleet, s: CosmicSettings, hosts: { start: number; end: number }, memory?: MemoryOdds): number {
  const end = Math.min(hosts.end, fleet.hostCount);
  if (!memory || end <= hosts.start) return 0;
  const rates = new CosmicRates(fleet, s);
  const excess = meanBurstExcess(rates, s.bursts);
  const perUpset = new Map<EccMode, number>();
  let rate = 0;
  for (let r = fleet.rackOf[hosts.start]; r <= fleet.rackOf[end - 1]; r++) {
    const rack = fleet.hostsOfRack(r);
    const n = Math.min(end, rack.end) - Math.max(hosts.start, rack.start);
    if (n <= 0) continue;
    const ecc = memory.ecc ?? fleet.hostSpecOfDc(fleet.dcOfRack(r)).ecc;
    let p = perUpset.get(ecc);
    if (p === undefined) perUpset.set(ecc, (p = machineCheckPerUpset(ecc, s.multiBitFraction, memory)));
    rate += rates.rackPerSec[r] * (n / (rack.end - rack.start)) * (1 + excess[rates.rackGroup[r]]) * p;
  }
  return rate;
}

/**
 * The long-run mean excess (gain - 1) of each facing group from the random bursts: a burst
 * is in force duration / every of the time on average (overlaps add), its direction fixed or
 * uniform (averaged over 3,600 directions, as CosmicRates.expectedUpsets does). Scheduled
 * bursts (`at`) are not a rate and are left out.
 */
export function meanBurstExcess(rates: CosmicRates, b: BurstSettings | undefined): Float64Array {
  const out = new Float64Array(rates.groupFacing.length);
  if (!b || b.everySecMean === undefined) return out;
  const steps = b.directionDeg === "random" ? 3600 : 1;
  const share = b.durationSec / b.everySecMean / steps;
  for (let i = 0; i < steps; i++) {
    const ex = rates.excessByGroup(b.directionDeg === "random" ? (i * 360) / steps : b.directionDeg, b);
    for (let g = 0; g < out.length; g++) out[g] += share * ex[g];
  }
  return out;
}
