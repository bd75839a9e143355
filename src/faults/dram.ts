// Permanent DRAM faults, by mode; the errors they keep producing when read; and how some
// of them grow from a single bit into a whole device.
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
// bounded) or at the end of the run. Whether an error is corrected, detected or silent is
// the detection layer's decision: a whole-nibble error under SECDED, or a second fault in
// another device of the same rank, makes words uncorrectable; this model only places bits.
//
// Growth. A fault of a single-bit mode (bit, column, row, bank: every error one bit, which
// SECDED corrects) grows with probability `grow`, after an exponential delay of mean
// `growAfter`, into a whole-device fault of its device and rank: a new `dram.fault` of
// mode multiBank, `from` = the fault it grew out of, erring on its own (the small fault
// keeps erring too). So most uncorrectable errors (UEs) follow correctable ones (CEs) from
// the same DIMM, as in the field, and a policy that drains a host on CEs has something to
// act on. Growth stays inside one device: chipkill still corrects it.
//
// Host loss (hostLossRatePerSec, for a training job's M). An error takes its host down
// only when the detection layer finds it uncorrectable (a machine check, consequences.ts),
// which the code decides, and a lane may swap every host's code; so the rate takes that
// layer's odds for a bit pattern (injector.ts MemoryOdds, from src/run/lane.ts), is 0
// without them, and counts each fault's maxErrors errors in the long run, every machine
// check of a hard fault on its host included (./dram-rates.ts has the formula). A run sees
// fewer: the fleet starts fault-free, so a run shorter than growAfter + maxErrors / the
// access rate has few grown faults and unfinished ones; and a workload that moves off a
// host it lost (a training job restarting elsewhere) sees a fault's first machine check,
// not all its repeats.
//
// Defaults and sources.
//   Mode mix: Sridharan & Liberty, "A Study of DRAM Failures in the Field", SC'12,
//     permanent faults on Jaguar (DDR2, chipkill), FIT per device: bit 18.6, word 0.3,
//     column 5.6, row 8.2, bank 10.0, multi-bank 1.4, multi-rank 2.8 (46.9 in all; the
//     same table is in Sridharan et al., "Feng Shui of Supercomputer Memory", SC'13,
//     Table 2). Figures as we recall them; we could not re-check every digit. Cross-check
//     that holds: permanent faults ~70% of all faults, single-bit faults ~half. Rates are
//     per device, not per bit, as in the paper (density barely moved them).
//   Incidence: Schroeder, Pinheiro & Weber, "DRAM Errors in the Wild", SIGMETRICS 2009
//     (Google, DDR1/DDR2, 2.5 years): 8.2% of DIMMs see a CE a year, mostly from hard
//     faults (their conclusion); 0.22% of DIMMs a UE a year; 70-80% of UEs follow a CE on
//     the same DIMM. Confirmed in sources we could reach: more than 8% (abstract) and 8.2%
//     of DIMMs and about a third of machines with a CE a year; 1.3% of machines with a UE
//     a year (2-4% on some platforms); a UE up to 431x likelier after a CE in the last
//     month; over 85% of CEs followed by another in the same month. NOT re-checked (taken
//     as issue 15 quotes them): 0.22% of DIMMs and the 70-80% precursor fraction.
//     SC'12's rates alone give 1.4% of DIMMs a CE a year and 35-41% of UE DIMMs a CE first
//     (issue 15: 34%). Fitted (three knobs for three figures, not measured):
//     FIELD_FACTOR_SINGLE_BIT 6.4x on the single-bit modes gives the 8.2%;
//     FIELD_FACTOR_WIDE 0.55x on the born-wide modes (word, multiBank, rank: UEs from their
//     first errors under SECDED) and `grow` 1.7% give 0.21% and 76%.
//     src/checksums/dram-field.test.ts checks all three on 400,000 DIMMs, SECDED, one
//     year, DRAM faults alone. A fresh fleet's first year stands in for the field's yearly
//     incidence over DIMMs of every age: an approximation. Per machine the figures depend
//     on DIMMs per host (16 here) and are not fitted.
//   growAfter 30 days (mean): illustrative, our choice; no source gives a delay. A month
//     fits the field's "a CE raises the chance of a UE that month and the next".
//   Access rates (errors per hour of one fault: bit and word 0.05, column and row 0.1,
//     bank 0.25, multiBank and rank 0.5: about 1 to 12 a day) and maxErrors 10:
//     illustrative, our choice. Far below a hot page (the field sees thousands of CEs per
//     affected DIMM a year), they give a policy the same early signal, repeated CEs from
//     one region within a day or two, and keep 1M hosts x 30 days near a million errors
//     at the field incidence (expected(): 1.03M; 0.80M before growth and calibration). A
//     scheduled fault errs up to INCIDENT_MAX_ERRORS (100): one fault threatens no bound.
//   Cosmic upsets are another model (cosmic.ts): 0.02 FIT/Mbit from SC'12's transient
//     faults (field data); its multi-bit shares and bursts are our own. They are not in
//     the calibration above: at their default they add ~4.4% of 32 GiB DIMMs with a CE a
//     year (~12% with both), since a per-Mbit rate grows with density.
//
// Leaves out: faults in the DIMM's logic, bus and channel (small shares in SC'12), x8
// devices, a codeword's burst (beat) structure, data-dependent errors (a stuck-at cell
// errs only when the stored value differs), intermittent faults, growth across devices
// or of a born-wide fault, address scrambling, and faults older than the run (a fleet
// starts fault-free, so a run much shorter than growAfter sees few growths and fewer UEs
// than the field's yearly rate); faults never heal (retiring a DIMM is a policy's business).
// In the host-loss rate: see ./dram-rates.ts.
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { duration, factor, fraction, map, maybe, number, object, oneOf, opt } from "../base/schema.js";
import type { Rng } from "../sim/rng.js";
import type { Sim } from "../sim/sim.js";
import type { EccMode } from "../fleet/spec.js";
import {
  DRAM_MODES,
  type DramMode,
  type DramSettings,
  devicesByDc,
  dramCounts,
  GROWN_MODE,
  machineChecksPerDeviceSec,
  maskBits,
  singleBit,
} from "./dram-rates.js";
import type { FaultEnv, FaultModel, Injector, MemoryOdds } from "./injector.js";
import { defineKind } from "./kind.js";
import { AliasTable, DEVICE_BITS, DEVICES_PER_DIMM, DEVICES_PER_RANK, type DimmGeometry, dimmGeometry, fitToPerSec, wordAddress } from "./memory.js";

// Declared with the rates (./dram-rates.ts), exported here too: the model's own names.
export { DRAM_MODES, type DramMode, type DramSettings, GROWN_MODE, maskBits, SINGLE_BIT_MODES } from "./dram-rates.js";

/** Permanent-fault FIT per x4 device by mode, Sridharan & Liberty SC'12 (Jaguar; see the header). */
export const SC12_FIT_PER_DEVICE: Record<DramMode, number> = { bit: 18.6, word: 0.3, column: 5.6, row: 8.2, bank: 10.0, multiBank: 1.4, rank: 2.8 };

/** Fitted to Schroeder et al. 2009's 8.2% of DIMMs with a CE per year (see the header). */
export const FIELD_FACTOR_SINGLE_BIT = 6.4;
/** Fitted with DEFAULT_GROW_FRACTION to their 0.22% UE DIMMs a year, 70-80% after a CE. */
export const FIELD_FACTOR_WIDE = 0.55;

/** Default FIT per x4 device by mode: SC'12's mix at the field incidence (see the header). */
export const DEFAULT_FIT_PER_DEVICE = Object.fromEntries(
  DRAM_MODES.map((m) => [m, Math.round(SC12_FIT_PER_DEVICE[m] * (singleBit(m) ? FIELD_FACTOR_SINGLE_BIT : FIELD_FACTOR_WIDE) * 1000) / 1000]),
) as Record<DramMode, number>;

/** Errors per hour a fault of each mode produces (our own access model; see the header). */
export const DEFAULT_ERRORS_PER_HOUR: Record<DramMode, number> = { bit: 0.05, word: 0.05, column: 0.1, row: 0.1, bank: 0.25, multiBank: 0.5, rank: 0.5 };

/** Errors per fault of the injector's faults (the trace bound; see the header). */
export const DEFAULT_MAX_ERRORS = 10;
/** Errors per fault of a scheduled fault (an incident). */
export const INCIDENT_MAX_ERRORS = 100;
/** Share of single-bit-mode faults that grow into a whole-device fault (fitted; see the header). */
export const DEFAULT_GROW_FRACTION = 0.017;
/** Mean delay before a growing fault grows (our choice, illustrative). */
export const DEFAULT_GROW_AFTER_SEC = 30 * 86400;

function perMode(defaults: Record<DramMode, number>, doc: (m: DramMode) => string) {
  const shape = Object.fromEntries(DRAM_MODES.map((m) => [m, opt(number({ min: 0 }), defaults[m], doc(m))]));
  return object(shape as { [K in DramMode]: ReturnType<typeof opt<number>> });
}

const fitDoc = (m: DramMode) =>
  `FIT per x4 device of ${m} faults (${DEFAULT_FIT_PER_DEVICE[m]}: SC'12's ${SC12_FIT_PER_DEVICE[m]} x${singleBit(m) ? FIELD_FACTOR_SINGLE_BIT : FIELD_FACTOR_WIDE}, fitted)`;
const schema = map(
  object({
    fit: opt(perMode(DEFAULT_FIT_PER_DEVICE, fitDoc), { ...DEFAULT_FIT_PER_DEVICE }, "FIT per device by mode: SC'12's mix fitted to Schroeder et al. 2009"),
    errorsPerHour: opt(
      perMode(DEFAULT_ERRORS_PER_HOUR, (m) => `errors per hour of ${m} faults (${DEFAULT_ERRORS_PER_HOUR[m]}; illustrative)`),
      { ...DEFAULT_ERRORS_PER_HOUR },
      "errors per hour a fault produces, by mode (illustrative: our own access model)",
    ),
    scale: opt(factor(), 1, "multiplies every fault rate (1x: the field incidence of Schroeder et al. 2009)"),
    maxErrors: opt(number({ min: 0, integer: true }), DEFAULT_MAX_ERRORS, "errors per fault after which it goes quiet (10; illustrative, bounds the trace)"),
    grow: opt(
      fraction(),
      DEFAULT_GROW_FRACTION,
      "share of bit/column/row/bank faults that grow into a whole-device fault (1.7%; fitted to Schroeder et al. 2009)",
    ),
    growAfter: opt(duration({ positive: true }), DEFAULT_GROW_AFTER_SEC, "mean delay, exponential, before a growing fault grows (30d; illustrative)"),
  }),
  (s): DramSettings => ({
    fitPerDevice: s.fit as Record<DramMode, number>,
    errorsPerHour: s.errorsPerHour as Record<DramMode, number>,
    scale: s.scale,
    maxErrorsPerFault: s.maxErrors,
    growFraction: s.grow,
    growAfterSecMean: s.growAfter,
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
  /** The fault this one grew out of, or -1. */
  from: number;
  settings: DramSettings;
  rng: Rng;
}

/** The fault table and the error and growth events of one simulator, shared by the dram injector(s) and incidents. */
class DramEngine {
  readonly faults: DramFault[] = [];
  readonly errorKind: number;
  readonly growKind: number;

  constructor(
    readonly sim: Sim,
    readonly env: FaultEnv,
  ) {
    this.errorKind = sim.defineEvent("dram.error", (i) => this.onError(i));
    this.growKind = sim.defineEvent("dram.grow", (i) => this.onGrow(i));
  }

  /** Records a new fault on `host` and starts its errors; a single-bit-mode fault draws whether and when it grows. */
  place(host: number, mode: DramMode, rng: Rng, settings: DramSettings, where: { dimm?: number; device?: number } = {}, from = -1): DramFault {
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
      from,
      settings,
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
          ...(from >= 0 ? { from } : {}),
        },
      },
    );
    if (singleBit(mode) && settings.growFraction > 0 && rng.next() < settings.growFraction) {
      this.growAt(f, this.sim.now + rng.exp(settings.growAfterSecMean));
    }
    this.scheduleError(f);
    return f;
  }

  /** Makes fault `f` grow into a GROWN_MODE fault of its device at `atSec` (if within the run). */
  growAt(f: DramFault, atSec: number): void {
    if (atSec <= this.env.horizonSec) this.sim.scheduleAt(atSec, this.growKind, f.id, 0);
  }

  private onGrow(i: number): void {
    const f = this.faults[i];
    this.place(f.host, GROWN_MODE, f.rng, f.settings, { dimm: f.dimm, device: f.rankLo * DEVICES_PER_RANK + f.device }, f.id);
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
  return {
    fitPerDevice: { ...DEFAULT_FIT_PER_DEVICE },
    errorsPerHour: { ...DEFAULT_ERRORS_PER_HOUR },
    scale: 1,
    maxErrorsPerFault: DEFAULT_MAX_ERRORS,
    growFraction: DEFAULT_GROW_FRACTION,
    growAfterSecMean: DEFAULT_GROW_AFTER_SEC,
  };
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
    return dramCounts(this.s, fleet, horizonSec).expected;
  }

  /** dram.error is compound Poisson: ./dram-rates.ts dramCounts. */
  variance(fleet: Fleet, horizonSec: number): Partial<Record<string, number>> {
    return dramCounts(this.s, fleet, horizonSec).variance;
  }

  /**
   * Machine checks per second on `hosts` (Injector.hostLossRatePerSec): their DRAM devices
   * times machineChecksPerDeviceSec under the code in force. 0 without `memory`.
   */
  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }, memory?: MemoryOdds): number {
    if (!memory) return 0;
    const perDevice = new Map<EccMode, number>();
    let rate = 0;
    for (let d = 0; d < fleet.dcCount; d++) {
      const n = Math.min(hosts.end, fleet.dcFirstHost[d + 1]) - Math.max(hosts.start, fleet.dcFirstHost[d]);
      if (n <= 0) continue;
      const spec = fleet.hostSpecOfDc(d);
      const ecc = memory.ecc ?? spec.ecc;
      let r = perDevice.get(ecc);
      if (r === undefined) perDevice.set(ecc, (r = machineChecksPerDeviceSec(this.s, ecc, memory)));
      rate += n * spec.dimms * DEVICES_PER_DIMM * r;
    }
    return rate;
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
  summary: "a permanent DRAM fault appeared, or grew into a whole device (mode: bit, word, column, row, bank, multiBank, rank)",
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
    from: "the fault it grew out of (a grown fault only)",
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
  summary: "permanent DRAM faults by mode (bit, word, column, row, bank, multi-bank, rank), their repeating errors, and growth into whole devices",
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
      maxErrors: opt(number({ min: 0, integer: true }), INCIDENT_MAX_ERRORS, `errors after which this fault goes quiet (${INCIDENT_MAX_ERRORS})`),
      growAfter: maybe(
        duration({ positive: true }),
        "a bit, column, row or bank fault grows into a whole-device (multiBank) fault this long after appearing (never if absent)",
      ),
    },
    fire(env, ref, params) {
      // A scheduled fault is the fault written: it grows only when told to (growAfter).
      const s: DramSettings = { ...defaultDramSettings(), growFraction: 0, maxErrorsPerFault: (params.maxErrors as number | undefined) ?? INCIDENT_MAX_ERRORS };
      const mode = params.mode as DramMode;
      if (params.errorsPerHour !== undefined) s.errorsPerHour[mode] = params.errorsPerHour as number;
      const e = engineFor(env);
      const f = e.place(ref.index, mode, env.rng, s, { dimm: params.dimm as number | undefined, device: params.device as number | undefined });
      if (params.growAfter !== undefined && singleBit(mode)) e.growAt(f, env.sim.now + (params.growAfter as number));
    },
    // A fault's errors follow from it: "none". Written back: its mode, DIMM and device;
    // its row, bank and column and its errors are drawn again (on the timeline's stream),
    // at the mode's default rate. A fault that grew out of another is not written
    // (undefined): its growth would have to be the first fault's `growAfter`.
    asScheduled: (e, ctx) => {
      if (e.kind === DRAM_ERROR) return "none";
      if (!e.ref || e.detail.from !== undefined) return undefined;
      return { target: ctx.fleet.idOf(e.ref), params: { mode: e.detail.mode, dimm: e.detail.dimm, device: e.detail.device } };
    },
  },
};
