// Permanent DRAM faults, by mode, and the errors they keep producing when read.
//
// Model. Every x4 DRAM device of the fleet (18 per rank, 2 ranks per ECC DIMM: 36 per
// DIMM, see memory.ts) develops permanent faults as a Poisson process at a FIT rate per
// mode; the fleet's faults are one Poisson process (superposition), each landing on a
// datacenter by its device count, then a uniform host, DIMM, rank and device. A fault
// covers a region of that device, in the DIMM geometry of memory.ts:
//   bit        one cell: one word, one bit of the device's nibble
//   word       one word, a fixed 2-4 bit pattern in the device's nibble
//   column     one column of one bank (every row), one fixed bit of the nibble (a bitline)
//   row        one row of one bank (every column), any bit of the nibble (a wordline)
//   bank       one whole bank, any bit of the nibble
//   multiBank  every bank of the rank: whole-nibble errors (random non-zero symbol)
//   rank       the device position in both ranks of the DIMM: whole-nibble errors
// It is recorded as `dram.fault` (mode, DIMM, rank, device, the rank/bank/row/column
// ranges it covers and the codeword bits it can touch). From then on it produces
// `dram.error` events, a Poisson stream at a per-mode access rate (a bigger region is
// read more often), each on a word of the region with the bits the mode says. Errors stop
// after `maxErrors` per fault (the access-model cap that keeps a 1M-host, 30-day trace
// bounded; a policy has long seen the repeats by then) or at the end of the run. Whether
// an error is corrected, detected or silent is the detection layer's decision: a second
// fault in another device of the same rank, or a whole-nibble error under SECDED, makes
// words uncorrectable there; this model only places real bits.
//
// Defaults and sources.
//   FIT per device by mode: Sridharan & Liberty, "A Study of DRAM Failures in the Field",
//     SC'12, permanent faults on Jaguar (DDR2): bit 18.6, word 0.3, column 5.6, row 8.2,
//     bank 10.0, multi-bank 1.4, multi-rank 2.8 (46.9 FIT/device in all). These are the
//     per-mode figures as we recall them (the same Jaguar table is in Sridharan et al.,
//     "Feng Shui of Supercomputer Memory", SC'13, Table 2); we could not re-check every
//     digit, so treat them as documented defaults. Cross-check that holds: permanent
//     faults are ~70% of all faults and single-bit faults ~half, as the paper reports.
//     Rates are per device, not per bit, as in the paper (density barely moved them).
//   That gives 1,688 FIT per DIMM, 1.5% of DIMMs per year with a permanent fault: below
//     Schroeder, Pinheiro & Weber, "DRAM Errors in the Wild", SIGMETRICS 2009 (Google,
//     DDR1/DDR2), who see correctable errors on more than 8% of DIMMs per year, mostly
//     from hard faults. `scale: 5x` brings the incidence to that older fleet's.
//   Access rates (errors per hour of one fault: bit and word 0.05, column and row 0.1,
//     bank 0.25, multiBank and rank 0.5, i.e. about 1 to 12 a day) and maxErrors 100: our
//     own engineering choice. They are far below what a hot page would give (Schroeder et
//     al. report thousands of CEs per affected DIMM per year, with strongly repeating
//     errors) but give a policy the same signal, repeated correctable errors from one
//     region within a day or two, while keeping 1M hosts x 30 days near 0.8M errors.
//
// Leaves out: faults in the DIMM's logic, bus and channel (their field shares are small in
// SC'12), x8 devices, the burst (beat) structure of a codeword, data-dependent errors
// (a stuck-at cell errs only when the stored value differs), intermittent faults, and
// address scrambling; faults never heal (retiring the DIMM is a policy's business).
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { factor, map, maybe, number, object, oneOf, opt } from "../base/schema.js";
import type { Rng } from "../sim/rng.js";
import type { Sim } from "../sim/sim.js";
import type { FaultEnv, FaultModel, Injector } from "./injector.js";
import { defineKind } from "./kind.js";
import { AliasTable, DEVICE_BITS, DEVICES_PER_DIMM, DEVICES_PER_RANK, type DimmGeometry, dimmGeometry, fitToPerSec, wordAddress } from "./memory.js";

export const DRAM_MODES = ["bit", "word", "column", "row", "bank", "multiBank", "rank"] as const;
export type DramMode = (typeof DRAM_MODES)[number];

/** Permanent-fault FIT per x4 device (Sridharan & Liberty SC'12, Jaguar; see the header). */
export const DEFAULT_FIT_PER_DEVICE: Record<DramMode, number> = {
  bit: 18.6,
  word: 0.3,
  column: 5.6,
  row: 8.2,
  bank: 10.0,
  multiBank: 1.4,
  rank: 2.8,
};

/** Errors per hour a fault of each mode produces (our own access model; see the header). */
export const DEFAULT_ERRORS_PER_HOUR: Record<DramMode, number> = {
  bit: 0.05,
  word: 0.05,
  column: 0.1,
  row: 0.1,
  bank: 0.25,
  multiBank: 0.5,
  rank: 0.5,
};

export const DEFAULT_MAX_ERRORS = 100;

export interface DramSettings {
  fitPerDevice: Record<DramMode, number>;
  errorsPerHour: Record<DramMode, number>;
  /** Multiplies every fault rate (not the access rates). */
  scale: number;
  maxErrorsPerFault: number;
}

function perMode(defaults: Record<DramMode, number>, what: string) {
  return object(
    Object.fromEntries(DRAM_MODES.map((m) => [m, opt(number({ min: 0 }), defaults[m], `${what} of ${m} faults (${defaults[m]})`)])) as {
      [K in DramMode]: ReturnType<typeof opt<number>>;
    },
  );
}

const schema = map(
  object({
    fit: opt(
      perMode(DEFAULT_FIT_PER_DEVICE, "FIT per x4 device"),
      { ...DEFAULT_FIT_PER_DEVICE },
      "permanent-fault FIT per device by mode (Sridharan & Liberty SC'12)",
    ),
    errorsPerHour: opt(perMode(DEFAULT_ERRORS_PER_HOUR, "errors per hour"), { ...DEFAULT_ERRORS_PER_HOUR }, "errors per hour a fault produces, by mode"),
    scale: opt(factor(), 1, "multiplies every fault rate (1x; 5x approaches Schroeder et al. 2009)"),
    maxErrors: opt(number({ min: 0, integer: true }), DEFAULT_MAX_ERRORS, "errors per fault after which it goes quiet in the trace (100)"),
  }),
  (s): DramSettings => ({
    fitPerDevice: s.fit as Record<DramMode, number>,
    errorsPerHour: s.errorsPerHour as Record<DramMode, number>,
    scale: s.scale,
    maxErrorsPerFault: s.maxErrors,
  }),
);

/** A permanent fault and where it is. `-1` in bank/row/col: every one of them. */
export interface DramFault {
  id: number;
  host: number;
  mode: DramMode;
  dimm: number;
  /** First and last rank covered (rank mode: both). */
  rankLo: number;
  rankHi: number;
  /** Device within its rank, 0..17: codeword bits 4d .. 4d+3. */
  device: number;
  bank: number;
  row: number;
  col: number;
  /** Nibble bits that err (bit/word/column: fixed mask; else 0 = drawn per error). */
  mask: number;
  geometry: DimmGeometry;
  perSec: number;
  errorsLeft: number;
  rng: Rng;
}

/**
 * The fault table and the error event of one simulator, shared by the dram injector(s)
 * and scheduled incidents (which fire with only an env in hand).
 */
class DramEngine {
  readonly faults: DramFault[] = [];
  readonly errorKind: number;

  constructor(
    readonly sim: Sim,
    readonly env: FaultEnv,
  ) {
    this.errorKind = sim.defineEvent("dram.error", (i) => this.onError(i));
  }

  /** Records a new fault on `host` and starts its errors. */
  place(host: number, mode: DramMode, rng: Rng, settings: DramSettings, where: { dimm?: number; device?: number } = {}): DramFault {
    const { fleet, trace } = this.env;
    const spec = fleet.hostSpec(host);
    const g = dimmGeometry(spec.dimmBytes);
    const dimm = where.dimm !== undefined ? Math.min(where.dimm, spec.dimms - 1) : rng.int(spec.dimms);
    const dev = where.device !== undefined ? where.device % (g.ranks * DEVICES_PER_RANK) : rng.int(g.ranks * DEVICES_PER_RANK);
    const rank = Math.floor(dev / DEVICES_PER_RANK);
    const device = dev % DEVICES_PER_RANK;
    const wide = mode === "multiBank" || mode === "rank";
    const f: DramFault = {
      id: this.faults.length,
      host,
      mode,
      dimm,
      rankLo: mode === "rank" ? 0 : rank,
      rankHi: mode === "rank" ? g.ranks - 1 : rank,
      device,
      bank: wide ? -1 : rng.int(g.banks),
      row: mode === "bit" || mode === "word" || mode === "row" ? rng.int(g.rows) : -1,
      col: mode === "bit" || mode === "word" || mode === "column" ? rng.int(g.cols) : -1,
      mask: mode === "bit" || mode === "column" ? 1 << rng.int(DEVICE_BITS) : mode === "word" ? wordMask(rng) : 0,
      geometry: g,
      perSec: settings.errorsPerHour[mode] / 3600,
      errorsLeft: settings.maxErrorsPerFault,
      rng,
    };
    this.faults.push(f);
    const span = (v: number, n: number) => (v < 0 ? [0, n - 1] : [v, v]);
    trace.emit(
      DRAM_FAULT,
      { kind: "host", index: host },
      {
        detail: {
          fault: f.id,
          mode,
          dimm,
          device,
          ranks: [f.rankLo, f.rankHi],
          banks: span(f.bank, g.banks),
          rows: span(f.row, g.rows),
          cols: span(f.col, g.cols),
          // Host words of the region's corners (first and last word covered).
          words: [wordAddress(g, dimm, f.rankLo, Math.max(0, f.bank), Math.max(0, f.row), Math.max(0, f.col)), lastWord(f)],
          bits: maskBits(device, f.mask === 0 ? 0xf : f.mask),
        },
      },
    );
    this.scheduleError(f);
    return f;
  }

  private scheduleError(f: DramFault): void {
    const { sim, horizonSec } = this.env;
    if (f.errorsLeft <= 0 || !(f.perSec > 0)) return;
    const t = sim.now + f.rng.exp(1 / f.perSec);
    if (t <= horizonSec) sim.scheduleAt(t, this.errorKind, f.id, 0);
  }

  private onError(i: number): void {
    const f = this.faults[i];
    const rng = f.rng;
    const g = f.geometry;
    const rank = f.rankLo === f.rankHi ? f.rankLo : f.rankLo + rng.int(f.rankHi - f.rankLo + 1);
    const bank = f.bank >= 0 ? f.bank : rng.int(g.banks);
    const row = f.row >= 0 ? f.row : rng.int(g.rows);
    const col = f.col >= 0 ? f.col : rng.int(g.cols);
    let mask = f.mask;
    if (mask === 0) mask = f.mode === "multiBank" || f.mode === "rank" ? 1 + rng.int(15) : 1 << rng.int(DEVICE_BITS);
    f.errorsLeft--;
    const ref: FleetRef = { kind: "host", index: f.host };
    this.env.trace.emit(DRAM_ERROR, ref, {
      detail: { fault: f.id, mode: f.mode, dimm: f.dimm, device: f.device, word: wordAddress(g, f.dimm, rank, bank, row, col), bits: maskBits(f.device, mask) },
    });
    this.scheduleError(f);
  }
}

/** A uniform nibble pattern with 2 to 4 bits set (a single-word fault). */
function wordMask(rng: Rng): number {
  for (;;) {
    const m = 1 + rng.int(15);
    if (m & (m - 1)) return m; // at least two bits
  }
}

/** Codeword positions of the set bits of `mask` in device `device`'s nibble. */
export function maskBits(device: number, mask: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < DEVICE_BITS; b++) if (mask & (1 << b)) out.push(device * DEVICE_BITS + b);
  return out;
}

function lastWord(f: DramFault): number {
  const g = f.geometry;
  return wordAddress(g, f.dimm, f.rankHi, f.bank >= 0 ? f.bank : g.banks - 1, f.row >= 0 ? f.row : g.rows - 1, f.col >= 0 ? f.col : g.cols - 1);
}

const engines = new WeakMap<Sim, DramEngine>();

function engineFor(env: FaultEnv): DramEngine {
  let e = engines.get(env.sim);
  if (!e) engines.set(env.sim, (e = new DramEngine(env.sim, env)));
  return e;
}

/** The faults placed so far on this simulator (for tests and the detection layer). */
export function dramFaultsOf(sim: Sim): readonly DramFault[] {
  return engines.get(sim)?.faults ?? [];
}

export function defaultDramSettings(): DramSettings {
  return { fitPerDevice: { ...DEFAULT_FIT_PER_DEVICE }, errorsPerHour: { ...DEFAULT_ERRORS_PER_HOUR }, scale: 1, maxErrorsPerFault: DEFAULT_MAX_ERRORS };
}

/** DRAM devices of the fleet per datacenter (hosts x DIMMs x 36). */
function devicesByDc(fleet: Fleet): Float64Array {
  const out = new Float64Array(fleet.dcCount);
  for (let d = 0; d < fleet.dcCount; d++) {
    const { start, end } = fleet.hostsOfDc(d);
    out[d] = (end - start) * fleet.hostSpecOfDc(d).dimms * DEVICES_PER_DIMM;
  }
  return out;
}

/** Expected errors of one fault of access rate `perSec`, appearing uniformly over [0, H], capped. */
function expectedErrorsPerFault(perSec: number, cap: number, H: number): number {
  if (!(perSec > 0) || cap <= 0) return 0;
  // Mean of min(cap, perSec x (H - s)) for s uniform on [0, H] (the cap applied to the mean).
  const T = cap / perSec;
  return H <= T ? (perSec * H) / 2 : ((perSec * T * T) / 2 + cap * (H - T)) / H;
}

class DramInjector implements Injector {
  readonly name = "dram";
  private env!: FaultEnv;
  private engine!: DramEngine;
  private arrivalKind = 0;
  private perSec = 0;
  private dcTable!: AliasTable;
  private modeTable!: AliasTable;

  constructor(private readonly s: DramSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    this.engine = engineFor(env);
    const devices = devicesByDc(env.fleet);
    const fit = DRAM_MODES.map((m) => this.s.fitPerDevice[m] * this.s.scale);
    this.dcTable = new AliasTable(devices);
    this.modeTable = new AliasTable(fit);
    this.perSec = fitToPerSec(fit.reduce((a, b) => a + b, 0)) * this.dcTable.total;
    if (!(this.perSec > 0)) return;
    this.arrivalKind = env.sim.defineEvent("dram.fault", () => this.arrival());
    this.scheduleNext();
  }

  expected(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    const devices = devicesByDc(fleet).reduce((a, b) => a + b, 0);
    let faults = 0;
    let errors = 0;
    for (const m of DRAM_MODES) {
      const n = fitToPerSec(this.s.fitPerDevice[m] * this.s.scale) * devices * horizonSec;
      faults += n;
      errors += n * expectedErrorsPerFault(this.s.errorsPerHour[m] / 3600, this.s.maxErrorsPerFault, horizonSec);
    }
    return { "dram.fault": faults, "dram.error": errors };
  }

  private arrival(): void {
    const { fleet, rng } = this.env;
    const dc = this.dcTable.sample(rng);
    const { start, end } = fleet.hostsOfDc(dc);
    const host = start + rng.int(end - start);
    this.engine.place(host, DRAM_MODES[this.modeTable.sample(rng)], rng, this.s);
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const { sim, rng, horizonSec } = this.env;
    const t = sim.now + rng.exp(1 / this.perSec);
    if (t <= horizonSec) sim.scheduleAt(t, this.arrivalKind, 0, 0);
  }
}

/** A permanent DRAM fault appeared: ground truth, silent until it produces errors. */
export const DRAM_FAULT = defineKind("dram.fault", {
  code: 3,
  summary: "a permanent DRAM fault appeared (mode: bit, word, column, row, bank, multiBank, rank)",
  effect: { class: "none", because: "ground truth: nothing reads a fault itself; what readers see of it arrives as its dram.error records" },
  fields: {
    fault: "fault id",
    mode: "bit, word, column, row, bank, multiBank or rank",
    dimm: "DIMM index",
    device: "device in the DIMM",
    ranks: "[first, last] rank",
    banks: "[first, last] bank",
    rows: "[first, last] row",
    cols: "[first, last] column",
    words: "host words of the region's corners",
    bits: "data bits of the device's nibble",
  },
});
/** A permanent fault produced an error on a read. */
export const DRAM_ERROR = defineKind("dram.error", {
  code: 4,
  summary: "a permanent DRAM fault produced an error on a read",
  effect: { class: "errors", on: "memory-word" },
  fields: { fault: "fault id", mode: "the fault's mode", dimm: "DIMM index", device: "device", word: "host word address", bits: "positions in error" },
});

export const dramModel: FaultModel<DramSettings> = {
  kind: "dram",
  summary: "permanent DRAM faults by mode (bit, word, column, row, bank, multi-bank, rank) and their repeating errors",
  kinds: [DRAM_FAULT, DRAM_ERROR],
  schema,
  create: (s) => new DramInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => DRAM_FAULT,
    params: {
      mode: opt(oneOf(DRAM_MODES), "bit", "fault mode: bit, word, column, row, bank, multiBank or rank (bit)"),
      dimm: maybe(number({ min: 0, integer: true }), "DIMM index in the host, from 0 (random if absent)"),
      device: maybe(number({ min: 0, max: DEVICES_PER_DIMM - 1, integer: true }), "device in the DIMM, 0..35: rank = device / 18 (random if absent)"),
      errorsPerHour: maybe(number({ min: 0 }), "errors per hour of this fault (the mode's default if absent)"),
    },
    fire(env, ref, params) {
      const s = defaultDramSettings();
      const mode = params.mode as DramMode;
      if (params.errorsPerHour !== undefined) s.errorsPerHour[mode] = params.errorsPerHour as number;
      engineFor(env).place(ref.index, mode, env.rng, s, { dimm: params.dimm as number | undefined, device: params.device as number | undefined });
    },
  },
};
