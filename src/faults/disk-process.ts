// The disk failure process beyond a smooth hazard: a hazard by age in pieces (early-life
// failures, then a plateau, then wear-out), failures that come in bursts, and slots whose
// new disk fails again. These are the parts `fleet fit` estimates from a real failure log
// (src/field/fit.ts); src/faults/disk.ts draws them.
//
// Model.
//   Hazard by age. `hazard: [{ until: 1y, afr: 4%}, { until: 5y, afr: 1.5% }, { afr: 3% }]`
//   gives h(a) = the afr of the piece holding age a (the last piece has no end). It
//   replaces afr / wearOut / risePerYear. The hazard is the rate of all failures,
//   bursts and repeats included: what the field calls the annualized failure rate.
//   Bursts (`bursts: { size, dispersion, spread, together, sameRack }`). Failures come as a compound
//   Poisson process: burst starts arrive at h(a) x (1 - repeat chance) / size, each holds
//   K failures, K - 1 negative binomial with mean size - 1, drawn as a Poisson count whose
//   mean is gamma distributed (a Poisson-gamma mixture), its variance set so that
//   E[K^2] / E[K] = dispersion. The first failure is on the slot the thinning chose, at the
//   burst's start; each other one fails with it (same second) with probability
//   `together` (a controller or enclosure reset takes many drives at once), else after an
//   exponential time of mean `spread`,
//   on a uniform slot of the first one's rack with probability `sameRack`, else of its
//   datacenter. A member whose slot is empty then (its disk already failed) is lost.
//   Why this shape: counted in windows much longer than a burst, a compound Poisson
//   process has variance / mean = E[K^2] / E[K] whatever the rate, so `dispersion` is the
//   weekly index of dispersion the model produces, the statistic a log is compared on; a
//   negative binomial has the two free moments the fit sets (mean and dispersion) and
//   puts most bursts at one failure with a long tail of large ones, as logs show (the
//   Campaign log: 278 of 443 hourly clusters are single failures, one holds 175).
//   Repeats (`repeat: { chance, after }`). After every failure, with probability `chance`,
//   the same slot fails again an exponential time of mean `after` later (a bad slot,
//   backplane or cable fails the replacement too; or, in logs that record both, a drive
//   power-cycled and then replaced). If the slot is still empty then, the new disk fails
//   as it arrives. A repeat can repeat, so a share `chance` of all failures are repeats.
//   Places (`places: { variation, height, row }`). Some hosts (enclosures, backplanes, a
//   hot spot) fail more than others for the whole run: each host's hazard is multiplied
//   by a frailty drawn at the start, gamma with mean 1 and variance `variation`, and by
//   its position: `height` is the top host of a rack's hazard over the bottom one's
//   (hot air rises), `row` the last row of a datacenter's over the first's, both linear
//   in between. The multipliers are then scaled so their mean over the fleet is exactly
//   1, which keeps the fleet's rate. They apply to burst starts; a burst's other failures
//   land on uniform slots.
//
// Defaults: none of this is on by default (one piece from afr / wearOut / risePerYear, no
// bursts, no repeats: the smooth model of disk.ts and its sources). Values come from a fit
// to a log (examples/field/campaign-fitted.yaml is the Campaign log's).
//
// Left out: position effects other than linear in height and row (a hot aisle, one bad
// rack position);
// bursts that span datacenters; a burst's members following their own disks' ages (they
// land on uniform slots); repeats that fall past the horizon (the expected count ignores
// the truncation).
import type { Fleet } from "../fleet/fleet.js";
import type { PathPart } from "../base/issues.js";
import { type Ctx, duration, factor, fraction, list, map, number, object, opt, refine, type Validator } from "../base/schema.js";
import type { Rng } from "../sim/rng.js";

const YEAR = 365 * 86400;

/** One piece of a hazard by age: failures per disk-year for ages below `untilSec`. */
export interface HazardPiece {
  untilSec: number;
  afrPerYear: number;
}

export interface BurstSettings {
  /** Mean failures per burst (1: no bursts). */
  sizeMean: number;
  /** E[K^2] / E[K] of the burst size K: the index of dispersion the bursts produce. */
  dispersion: number;
  /** Mean time from a burst's first failure to each other one, seconds. */
  spreadSec: number;
  /** Chance that a burst member fails at the same time as the first. */
  together: number;
  /** Chance that a burst member is in the first failure's rack (else anywhere in its datacenter). */
  sameRack: number;
}

export interface RepeatSettings {
  /** Chance that a failure is followed by another in the same slot. */
  chance: number;
  /** Mean time from a failure to its repeat, seconds. */
  afterSec: number;
}

/** How the hazard differs between hosts: a random frailty, and the host's position. */
export interface PlaceSettings {
  /** Variance of a gamma multiplier with mean 1, drawn per host (0: none). */
  variation: number;
  /** The top host of a rack's hazard over the bottom one's, linear in between (1: none). */
  height: number;
  /** The last row of a datacenter's hazard over the first row's, linear in between (1: none). */
  row: number;
}

export const NO_PLACES: PlaceSettings = { variation: 0, height: 1, row: 1 };

/** `places: { variation: 0.3, height: 1.3x, row: 1.2x }`. */
export const placeSettings: Validator<PlaceSettings> = object({
  variation: opt(number({ min: 0, max: 100 }), 0, "variance of a host's hazard multiplier, gamma with mean 1 (0: every host alike)"),
  height: opt(factor({ positive: true }), 1, "hazard of a rack's top host over its bottom host's, linear in between (1x: none)"),
  row: opt(factor({ positive: true }), 1, "hazard of a datacenter's last row over its first row's, linear in between (1x: none)"),
});

/** Whether any host differs from another. */
export function placesDiffer(p: PlaceSettings): boolean {
  return p.variation > 0 || p.height !== 1 || p.row !== 1;
}

/**
 * Per-host hazard multipliers: the position's (linear in the host's height in its rack,
 * host01 at the bottom, and in its row's place in the datacenter) times a gamma frailty of
 * variance `variation` (drawn host by host, in order), scaled so that their mean weighted
 * by `weight` (the disks or accelerators a host holds) is exactly 1, which keeps the
 * fleet's rate; and their largest.
 */
export function placeMultipliers(fleet: Fleet, rng: Rng, p: PlaceSettings, weight: (host: number) => number): { multiplier: Float32Array; max: number } {
  const n = fleet.hostCount;
  const m = new Float32Array(n);
  for (let h = 0; h < n; h++) m[h] = p.variation > 0 ? rng.gamma(1 / p.variation, p.variation) : 1;
  if (p.height !== 1 || p.row !== 1) {
    for (let h = 0; h < n; h++) {
      const inRack = fleet.hostsOfRack(fleet.rackOfHost(h));
      const rows = fleet.rowsOfDc(fleet.dcOfHost(h));
      const up = inRack.end - inRack.start > 1 ? fleet.hostPositionInRack(h) / (inRack.end - inRack.start - 1) : 0;
      const along = rows.end - rows.start > 1 ? fleet.rowPositionInDc(fleet.rowOfHost(h)) / (rows.end - rows.start - 1) : 0;
      m[h] *= (1 + (p.height - 1) * up) * (1 + (p.row - 1) * along);
    }
  }
  let sum = 0;
  let total = 0;
  for (let h = 0; h < n; h++) {
    const w = weight(h);
    sum += w * m[h];
    total += w;
  }
  let max = 0;
  for (let h = 0; h < n; h++) {
    m[h] = sum > 0 ? (m[h] * total) / sum : 1;
    if (m[h] > max) max = m[h];
  }
  return { multiplier: m, max };
}

export const NO_BURSTS: BurstSettings = { sizeMean: 1, dispersion: 1, spreadSec: 0, together: 0, sameRack: 0 };
export const NO_REPEATS: RepeatSettings = { chance: 0, afterSec: 0 };

/** The least dispersion a burst of mean size m can have here: K - 1 Poisson. */
export function minDispersion(m: number): number {
  return m + (m - 1) / m;
}

/**
 * Pieces of a hazard by age whose `afr` is read by `afr` (documented as `afrDoc`): the disk
 * model's `hazardPieces` below, and the host model's, whose rates may pass 100% a year.
 */
export function hazardPiecesOf(afr: Validator<number>, afrDoc: string): Validator<HazardPiece[]> {
  const piece = object({
    until: opt(duration({ positive: true }), Number.POSITIVE_INFINITY, "end of the piece: the age below which its afr holds (the last piece has none)"),
    afr: opt(afr, 0, afrDoc),
  });
  return refine(
    map(list(piece, { min: 1, max: 64, what: "pieces of the hazard by age" }), (ps) => ps.map((p) => ({ untilSec: p.until, afrPerYear: p.afr }))),
    checkPieces,
  );
}

/** `hazard: [{ until: 1y, afr: 4% }, ..., { afr: 2% }]`: ends increasing, only the last open. */
export const hazardPieces: Validator<HazardPiece[]> = hazardPiecesOf(fraction(), "failures per disk-year in this piece of ages");

function checkPieces(ps: HazardPiece[], path: PathPart[], ctx: Ctx, node: unknown): boolean {
  for (let i = 0; i < ps.length; i++) {
    const last = i === ps.length - 1;
    if (last !== (ps[i].untilSec === Number.POSITIVE_INFINITY)) {
      return !ctx.report(
        "invalid_value",
        [...path, i],
        node,
        last ? "the last piece of the hazard must have no `until` (it holds for every older age)" : `piece ${i + 1} needs an \`until\` (only the last is open)`,
        "write pieces like [{ until: 1y, afr: 4% }, { afr: 2% }]",
      );
    }
    if (i > 0 && ps[i].untilSec <= ps[i - 1].untilSec) {
      return !ctx.report("invalid_value", [...path, i], node, `piece ${i + 1} ends before piece ${i}`, "list the pieces from the youngest ages up");
    }
  }
  return true;
}

export const burstSettings: Validator<BurstSettings> = refine(
  map(
    object({
      size: opt(number({ min: 1 }), 1, "mean failures per burst (1: no bursts)"),
      dispersion: opt(number({ min: 1 }), 1, "E[K^2]/E[K] of the burst size: the index of dispersion of counts the bursts give"),
      spread: opt(duration(), 3600, "mean time from a burst's first failure to each other one (1h)"),
      together: opt(fraction(), 0, "chance that a burst member fails at the same time as the first (0%)"),
      sameRack: opt(fraction(), 1, "chance that a burst member is in the first failure's rack (else anywhere in its datacenter)"),
    }),
    (b): BurstSettings => ({ sizeMean: b.size, dispersion: b.dispersion, spreadSec: b.spread, together: b.together, sameRack: b.sameRack }),
  ),
  (b, path, ctx, node) => {
    const least = minDispersion(b.sizeMean);
    if (b.dispersion + 1e-9 >= least) return true;
    return !ctx.report(
      "invalid_value",
      [...path, "dispersion"],
      node,
      `a dispersion of ${b.dispersion} is below the least a burst of mean size ${b.sizeMean} can have (${+least.toFixed(4)}, sizes Poisson about the mean)`,
      `raise dispersion to at least ${+least.toFixed(4)}`,
    );
  },
);

export const repeatSettings: Validator<RepeatSettings> = refine(
  map(
    object({
      chance: opt(fraction(), 0, "chance that a failure is followed by another in the same slot"),
      after: opt(duration({ positive: true }), 7 * 86400, "mean time from a failure to its repeat (7d)"),
    }),
    (r): RepeatSettings => ({ chance: r.chance, afterSec: r.after }),
  ),
  // A chance of 1 would make every failure repeat for ever.
  (r, path, ctx, node) =>
    r.chance < 1 ||
    !ctx.report("invalid_value", [...path, "chance"], node, "a repeat chance of 100% makes every failure repeat for ever", "use less than 100%"),
);

// ---- hazard by pieces -------------------------------------------------------------------

/** h(a), failures per second, for a hazard in pieces. */
export function pieceHazard(pieces: readonly HazardPiece[], ageSec: number): number {
  for (const p of pieces) if (ageSec < p.untilSec) return p.afrPerYear / YEAR;
  return pieces[pieces.length - 1].afrPerYear / YEAR;
}

/** The largest h(a) for ages in [0, maxAgeSec], failures per second. */
export function pieceHazardBound(pieces: readonly HazardPiece[], maxAgeSec: number): number {
  let m = 0;
  let start = 0;
  for (const p of pieces) {
    if (start > maxAgeSec) break;
    m = Math.max(m, p.afrPerYear);
    start = p.untilSec;
  }
  return m / YEAR;
}

/** G(a) = the integral from 0 to a of H, where H(x) is the cumulative hazard at age x. */
export function pieceIntegratedHazard(pieces: readonly HazardPiece[], a: number): number {
  // H(x) = sum over pieces of rate_i x overlap([0, x], [s_i, e_i]); the integral of
  // min(max(x - s, 0), e - s) over [0, a] is closed form.
  let g = 0;
  let s = 0;
  for (const p of pieces) {
    if (s >= a) break;
    const e = p.untilSec;
    const rate = p.afrPerYear / YEAR;
    const rampEnd = Math.min(a, e);
    let area = ((rampEnd - s) * (rampEnd - s)) / 2;
    if (a > e) area += (e - s) * (a - e);
    g += rate * area;
    s = e;
  }
  return g;
}

/** H(a), the cumulative hazard at age a. */
export function pieceCumulativeHazard(pieces: readonly HazardPiece[], a: number): number {
  let h = 0;
  let s = 0;
  for (const p of pieces) {
    if (s >= a) break;
    h += (p.afrPerYear / YEAR) * (Math.min(a, p.untilSec) - s);
    s = p.untilSec;
  }
  return h;
}

// ---- bursts -------------------------------------------------------------------------------

/** Draws burst sizes K >= 1: K - 1 a Poisson-gamma (negative binomial) count. */
export class BurstSize {
  /** Gamma shape and scale of the mean of K - 1 (shape Infinity: K - 1 Poisson with mean mu). */
  private readonly shape: number;
  private readonly scale: number;
  private readonly mu: number;

  constructor(b: BurstSettings) {
    this.mu = b.sizeMean - 1;
    // Var(K) = m (D - m); Var(K - 1) = mu + mu x scale for the mixture.
    const variance = b.sizeMean * (b.dispersion - b.sizeMean);
    const excess = variance - this.mu;
    if (this.mu <= 0 || excess <= 1e-12 * Math.max(1, this.mu)) {
      this.shape = Number.POSITIVE_INFINITY;
      this.scale = 0;
    } else {
      this.scale = excess / this.mu;
      this.shape = this.mu / this.scale;
    }
  }

  /** E[z^(K - 1)]: the chance that none of a burst's other failures falls in a set each falls in with chance 1 - z. */
  othersPgf(z: number): number {
    if (this.mu <= 0) return 1;
    if (this.shape === Number.POSITIVE_INFINITY) return Math.exp(-this.mu * (1 - z));
    return (1 + this.scale * (1 - z)) ** -this.shape;
  }

  draw(rng: Rng): number {
    if (this.mu <= 0) return 1;
    const mean = this.shape === Number.POSITIVE_INFINITY ? this.mu : rng.gamma(this.shape, this.scale);
    return 1 + rng.poisson(mean);
  }
}

/** A uniform host of the rack holding `host`, or of its datacenter `dc`, as the burst settings say. */
export function burstMemberHost(fleet: Fleet, rng: Rng, b: BurstSettings, host: number, dc: number): number {
  const hosts = rng.next() < b.sameRack ? fleet.hostsOfRack(fleet.rackOfHost(host)) : fleet.hostsOfDc(dc);
  return hosts.start + rng.int(hosts.end - hosts.start);
}

/** When a burst member fails after the burst's first failure: with it (together), or an exponential time of mean spread later. */
function burstMemberDelay(rng: Rng, b: BurstSettings): number {
  return b.spreadSec > 0 && !(b.together > 0 && rng.next() < b.together) ? rng.exp(b.spreadSec) : 0;
}

/** A burst's other members: how many (its size less the first), where (`pick`, drawn first) and after how long. */
export function burstMembers(rng: Rng, b: BurstSettings, size: BurstSize, pick: () => number, each: (member: number, delaySec: number) => void): void {
  const n = size.draw(rng) - 1;
  for (let i = 0; i < n; i++) {
    const member = pick();
    each(member, burstMemberDelay(rng, b));
  }
}

/** A uniform slot of the rack holding `slot`, or of its datacenter, as the burst settings say. */
export function burstMemberSlot(fleet: Fleet, rng: Rng, b: BurstSettings, host: number, dc: number, dcFirstSlot: number): number {
  const disks = fleet.hostSpecOfDc(dc).disks;
  const h = burstMemberHost(fleet, rng, b, host, dc);
  return dcFirstSlot + (h - fleet.dcFirstHost[dc]) * disks + rng.int(disks);
}
