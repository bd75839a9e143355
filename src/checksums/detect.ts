// The detection layer for memory: the real codes decide what each memory fault does.
//
// Model. A MemoryDetector listens to one lane's fault trace. For each memory error
// ("cosmic.upset", "cosmic.upsets", "dram.error") it builds the real codeword of the hit
// word: clean data = cleanWord(content(host), codeword index), the event's flipped
// positions (data and check bits) XORed in, decoded by the host's code
// (codeFor(fleet.hostSpec(host).ecc), or the lane's `ecc` what-if for every host), and
// the outcome is the decoder's:
//   corrected  fleet.correctable[host]++, per-DIMM and per-mode counters; under SECDED and
//              chipkill the error stays in the word as a latent error until the patrol
//              scrub passes (scrub.ts) or the host reboots;
//   detected   a machine check: the host goes down and reboots (MACHINE_CHECK_REPAIR_SEC,
//              10 min: a reboot of a server, our own round figure) through
//              trace.down(..., { traced: false }) so the fault trace stays the same for
//              every policy and scrub setting; a `detection` record
//              { host, word, bits, outcome: "detected", code, source };
//   silent     the reader gets wrong data with no flag (undetected or miscorrected):
//              an escape is counted, the lane is told (onSilent: the workloads whose data
//              the word holds take it, src/run/lane.ts), HostFlag.CORRUPT is set, and a
//              `detection` record { outcome: "silent", clean, corrupted } shows the clean
//              data and the data the reader got, as hex (most significant lane first).
//
// The life of a silently corrupted word. It stays wrong until it is overwritten or the
// host goes down. A patrol scrub cannot clear it: the code took the word for valid (that
// is what made the error silent), and a miscorrection is written back as valid. Who
// overwrites it is the data's owner: a training job rewrites its state every step (the bad
// value lives on in the model state, src/workloads/training/corruption.ts); a serving
// shard is read-only until it is reloaded (src/workloads/serving/corruption.ts). Any host
// going down (a crash, a rack, a power loss, a machine check) re-initialises its memory at
// boot: its latent errors and HostFlag.CORRUPT are cleared (the flag means "holds a
// corrupted word now", for workloads that scan flags instead of being told): what was in
// memory is reloaded from storage after a boot. A hard DRAM fault is not reset by a boot:
// it keeps producing new errors (src/faults/dram.ts).
//
// Addresses (codewords of host words, chipkill's pairs of words): ./addresses.ts.
//
// Aggregated where the outcome is certain, decoded where it is not.
//   - A lone single-bit flip (no latent error in its word) under SECDED or chipkill is
//     always corrected: secded.test.ts and chipkill.test.ts prove it exhaustively, and
//     detect.test.ts checks that the shortcut agrees with a real decode. It is counted
//     without decoding but remembered as a latent error of its word. Under none a lone
//     flip is always silent, under parity always detected (certain too).
//   - Every multi-bit pattern is decoded; so is every hit on a word that already holds a
//     latent error (not yet scrubbed): the union of both flips is decoded. A bit already
//     in error stays in error (union, not XOR: right for stuck cells of a DRAM fault; a
//     transient hitting the very same cell twice is negligible).
//   - Aggregated "cosmic.upsets" (a count on a rack over a window, delivered at the end of
//     the window) are split over the rack's hosts (a uniform multinomial), counted as
//     corrected (SECDED, chipkill), silent (none) or detected (parity); under SECDED and
//     chipkill the number of them that land on a word already holding a latent error is
//     drawn from a Poisson of the exact mean count x latentCodewords / codewordsOfHost
//     (stream "detection.memory"), each lands on a uniform latent codeword and a uniform
//     position, and is decoded for real. Collisions among the aggregated upsets
//     themselves are left out: at 2^36 words a host, they need ~10^5 upsets a host a day.
// Permanent DRAM faults ("dram.error") hit the same region again and again: a whole-x4-
// device fault gives multi-bit nibble errors that SECDED detects (machine checks) or
// miscorrects, and chipkill corrects. There is no probability of detection anywhere.
//
// Scrub reports (`reportScrubs`, on when a policy sets memoryScrub: src/run/lane.ts): each
// latent error gets one event at the time the scrubber reaches its word, which clears it
// then rather than when next looked at (the same outcomes: the sweep is the same; but
// memory.latentCleared then also counts errors a later reboot would have hidden); what the
// scrubber cleared is written as one aggregated `detection` record per SCRUB_REPORT_SEC
// window of the lane, { outcome: "scrubbed", count, hosts, host (when one), aggregated }, so
// the dashboard feed shows scrubbing without one line per word. Off: no event, no record.
//
// Latent errors are kept per host, in a Map of codeword index -> flipped positions
// (bounded by `maxLatent`, default 1,000,000 codewords; above it, entries the scrubber has
// passed are purged first, then the oldest hosts' entries are dropped and counted in
// `memory.latentDropped`). A host going down (a reboot re-initialises memory) clears the
// host's latent errors; a silent escape drops the word's (the reader got wrong data; the
// escape is counted once).
//
// HOT PATH: every memory error of the fleet passes here (on a million hosts, about a
// million a month), so the outcome paths share preallocated scratch words and stay in one
// class and one file (over 500 lines); bench/checksums.ts measures the decoders it calls.
//
// Leaves out: errors on hosts that are down (memory is unpowered or re-initialised at
// boot: ignored, counted in memory.whileDown), demand reads (every error is decoded when
// it arrives, as if read then), write-backs on demand reads, page retirement and
// post-package repair (a policy's business), the x8 chipkill variant in the fleet (codeFor
// defaults to x4), and the DIMM of aggregated upsets (only host counters).
import { HostFlag, HostState } from "../fleet/state.js";
import type { Fleet } from "../fleet/fleet.js";
import type { EccMode } from "../fleet/spec.js";
import type { Sim } from "../sim/sim.js";
import type { KeyedHash } from "../sim/hash.js";
import type { Rng } from "../sim/rng.js";
import { MACHINE_CHECK } from "../faults/consequences.js";
import type { EffectKey } from "../faults/kind.js";
import type { FaultEvent, FaultListener, FaultTrace } from "../faults/trace.js";
import type { FleetRef } from "../fleet/ref.js";
import { wordsOfHost } from "../faults/memory.js";
import { CHIPKILL_X4, newChipkillResult } from "./chipkill.js";
import { cleanWord, codeFor, type EccCode, MAX_FLIP_LANES } from "./codes.js";
import { chipkillWordPosition, clipToCodeword, codewordIndex, codewordPosition, corrects, hex, popcount } from "./addresses.js";
import { OUTCOME_CLEAN, OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT, type OutcomeCode } from "./outcome.js";
import { newSecdedResult, secdedDecode, secdedEncode } from "./secded.js";
import { DiskScrubber, type RecordSink, ScrubSchedule, type ScrubSettings, defaultScrubSettings } from "./scrub.js";

/** Seconds a host is down after a machine check (a reboot): 10 min, our own round figure. */
export const MACHINE_CHECK_REPAIR_SEC = 600;
/** Scrub reports: one aggregated record per this many seconds at most (see the header). */
export const SCRUB_REPORT_SEC = 3600;
/** Latent-error codewords kept over the whole lane before purging (see the header). */
export const DEFAULT_MAX_LATENT = 1_000_000;

interface Latent {
  /** Flipped positions of the codeword, in the code's layout (MAX_FLIP_LANES lanes). */
  flips: Uint32Array;
  /** When the first of them was made. */
  madeSec: number;
}

/** Outcome counters, fleet-wide and per ECC mode. */
interface Counters {
  corrected: number;
  machineChecks: number;
  silent: number;
  decoded: number;
}

function zero(): Counters {
  return { corrected: 0, machineChecks: 0, silent: 0, decoded: 0 };
}

export interface DetectorOptions {
  horizonSec: number;
  /** Where `detection` records go (the lane's buffer). */
  sink?: RecordSink;
  /** Told of every host that has just been handed silently corrupted data: `count` words (workloads listen). */
  onSilent?: (host: number, count: number) => void;
  scrub?: Partial<ScrubSettings>;
  /** Seconds a machine check keeps a host down (MACHINE_CHECK_REPAIR_SEC). */
  machineCheckRepairSec?: number;
  maxLatent?: number;
  /** The code of every host (a lane's hardware what-if, src/recovery/hardware.ts); default: each host's spec. */
  ecc?: EccMode;
  /** Clear latent errors when the scrubber reaches them and record what it cleared (see the header). */
  reportScrubs?: boolean;
}

export class MemoryDetector implements FaultListener {
  readonly schedule: ScrubSchedule;
  readonly disks: DiskScrubber;
  readonly total: Counters = zero();
  readonly byMode = new Map<EccMode, Counters>();
  /** Corrected errors per (host, DIMM): key host x 64 + dimm. */
  readonly correctedByDimm = new Map<number, number>();
  /** Latent errors cleared by the patrol scrub (counted when found to be gone). */
  latentCleared = 0;
  /** Latent errors forgotten because of the `maxLatent` bound. */
  latentDropped = 0;
  /** Memory errors that arrived on a host that was down (ignored). */
  whileDown = 0;
  /** Aggregated upsets that landed on a latent word (decoded for real). */
  collisions = 0;

  private readonly latent = new Map<number, Map<number, Latent>>();
  private latentCount = 0;
  private readonly rng: Rng;
  /** The seed of each host's clean memory content: keyed hash "memory.content" of the host. */
  private readonly content: KeyedHash;
  private readonly repairSec: number;
  private readonly maxLatent: number;
  private readonly modes: Set<EccMode>;
  // Scratch: no allocation per event on the common paths.
  private readonly flips = new Uint32Array(MAX_FLIP_LANES);
  private readonly clean = new Uint32Array(4);
  private readonly delivered = new Uint32Array(4);
  private readonly secdedOut = newSecdedResult();
  private readonly chipkillOut = newChipkillResult();
  /** Scrub reports: the event kind, and what was cleared in the window not yet recorded, by host. */
  private readonly scrubKind: number = -1;
  private readonly scrubFlushKind: number = -1;
  private readonly scrubbedByHost = new Map<number, number>();

  constructor(
    private readonly sim: Sim,
    private readonly fleet: Fleet,
    private readonly trace: FaultTrace,
    private readonly opts: DetectorOptions,
  ) {
    this.schedule = new ScrubSchedule(sim.streams, { ...defaultScrubSettings(), ...opts.scrub });
    this.content = sim.streams.hash("memory.content");
    this.disks = new DiskScrubber(sim, fleet, this.schedule, opts.horizonSec, opts.sink);
    this.rng = sim.streams.get("detection.memory");
    this.repairSec = opts.machineCheckRepairSec ?? MACHINE_CHECK_REPAIR_SEC;
    this.maxLatent = opts.maxLatent ?? DEFAULT_MAX_LATENT;
    if (opts.reportScrubs) {
      this.scrubKind = sim.defineEvent("detection.memoryScrub", (host, cw) => this.scrubReached(host, cw));
      this.scrubFlushKind = sim.defineEvent("detection.memoryScrubReport", () => this.reportScrubbed());
    }
    this.modes = new Set();
    if (opts.ecc) this.modes.add(opts.ecc);
    else for (let d = 0; d < fleet.dcCount; d++) this.modes.add(fleet.hostSpecOfDc(d).ecc);
  }

  /** The code of `host`'s memory in this lane. */
  private eccOf(host: number): EccMode {
    return this.opts.ecc ?? this.fleet.hostSpec(host).ecc;
  }

  /** What the detection layer reacts to: memory words and counts, disk sectors, slow disks, hosts going down (faults/kind.ts). */
  static readonly consumes: readonly EffectKey[] = ["errors:memory-word", "errors:memory-count", "errors:disk-sector", "slow:disk", "down:hosts"];

  onFault(e: FaultEvent): void {
    const effect = e.kind.effect;
    if (effect.class === "down" && effect.on === "hosts") {
      if (e.ref) this.fleet.forEachHostRange(e.ref, (start, end) => this.rebooted(start, end));
      return;
    }
    if (effect.class === "slow" && effect.on === "disk") {
      this.disks.onSlowDisk(e);
      return;
    }
    if (effect.class !== "errors") return;
    switch (effect.on) {
      case "memory-word":
        if (e.host >= 0) this.onWordError(e);
        return;
      case "memory-count":
        if (e.ref?.kind === "rack") this.onRackCount(e.ref.index, Number(e.detail.count ?? 0), e);
        return;
      case "disk-sector":
        this.disks.onLse(e);
        return;
    }
  }

  /** Hosts of `ref` came back: nothing to do (their memory was cleared when they went down: `rebooted`). */
  onRepair(_ref: FleetRef, _at: number): void {}

  // ---- one word ------------------------------------------------------------------------

  private onWordError(e: FaultEvent): void {
    const host = e.host;
    if (this.fleet.state[host] === HostState.DOWN) {
      this.whileDown++;
      return;
    }
    const word = Number(e.detail.word ?? 0);
    const bits = (e.detail.bits ?? []) as number[];
    const dimm = e.detail.dimm === undefined ? -1 : Number(e.detail.dimm);
    const mode = this.eccOf(host);
    const f = this.flips;
    f.fill(0);
    for (const p of bits) {
      const q = codewordPosition(mode, word, p);
      f[q >>> 5] |= 1 << (q & 31);
    }
    this.decideWord(host, mode, codewordIndex(mode, word), f, dimm, e.kind.name, word, bits);
  }

  /**
   * The outcome of `flips` arriving on codeword `cw` of `host`, with any latent error of
   * that codeword; applies it. `flips` is scratch and may be overwritten.
   */
  private decideWord(
    host: number,
    mode: EccMode,
    cw: number,
    flips: Uint32Array,
    dimm: number,
    source: string,
    word: number,
    bits: readonly number[],
  ): OutcomeCode {
    const code = codeFor(mode);
    const keep = corrects(mode);
    clipToCodeword(flips, code.wordTotalBits);
    let n = 0;
    for (let i = 0; i < MAX_FLIP_LANES; i++) n += popcount(flips[i]);
    // A position the code's codeword does not have (a check device of a non-ECC DIMM).
    if (n === 0) return OUTCOME_CLEAN;
    const entry = keep ? this.latentOf(host, cw) : undefined;
    let outcome: OutcomeCode;
    let haveClean = false;
    if (!entry && n === 1) {
      // Certain outcomes (see the header): no decode.
      outcome = keep ? OUTCOME_CORRECTED : mode === "none" ? OUTCOME_SILENT : OUTCOME_DETECTED;
    } else {
      if (entry) for (let i = 0; i < MAX_FLIP_LANES; i++) flips[i] |= entry.flips[i];
      cleanWord(this.content.u32(host), cw, this.clean, code.dataLanes);
      haveClean = true;
      outcome = code.classify(this.clean, flips);
      this.countersOf(mode).decoded++;
      this.total.decoded++;
    }
    switch (outcome) {
      case OUTCOME_CORRECTED:
        this.corrected(host, mode, dimm, 1);
        if (keep) {
          if (entry) entry.flips.set(flips);
          else this.addLatent(host, cw, flips);
        }
        break;
      case OUTCOME_DETECTED:
        this.machineCheck(host, mode, code, source, word, bits, 1);
        break;
      case OUTCOME_SILENT:
        if (entry) this.removeLatent(host, cw);
        if (!haveClean) cleanWord(this.content.u32(host), cw, this.clean, code.dataLanes);
        this.silentEscape(host, mode, code, source, word, bits, flips, 1);
        break;
      default:
        break;
    }
    return outcome;
  }

  // ---- aggregated single-bit upsets ----------------------------------------------------

  private onRackCount(rack: number, count: number, e: FaultEvent): void {
    if (!(count > 0)) return;
    const { start, end } = this.fleet.hostsOfRack(rack);
    let left = count;
    for (let h = start; h < end && left > 0; h++) {
      const k = h === end - 1 ? left : this.rng.binomial(left, 1 / (end - h));
      left -= k;
      if (k > 0) this.onHostCount(h, k, e);
    }
  }

  /** `k` single-bit upsets on `host`, at uniform words and positions. */
  private onHostCount(host: number, k: number, e: FaultEvent): void {
    if (this.fleet.state[host] === HostState.DOWN) {
      this.whileDown += k;
      return;
    }
    const mode = this.eccOf(host);
    const code = codeFor(mode);
    if (mode === "none") {
      this.silentEscape(host, mode, code, e.kind.name, -1, [], undefined, k);
      return;
    }
    if (mode === "parity") {
      this.machineCheck(host, mode, code, e.kind.name, -1, [], k);
      return;
    }
    const lat = this.purgeHost(host);
    const codewords = Math.max(1, Math.floor(wordsOfHost(this.fleet, host) / (mode === "chipkill" ? 2 : 1)));
    const c = lat && lat.size > 0 ? Math.min(k, this.rng.poisson((k * lat.size) / codewords)) : 0;
    if (k - c > 0) this.corrected(host, mode, -1, k - c);
    if (c === 0) return;
    this.collisions += c;
    for (let i = 0; i < c; i++) {
      const m = this.latent.get(host);
      if (!m || m.size === 0) {
        // A machine check among the collisions cleared the host's memory: the rest land on clean words.
        this.corrected(host, mode, -1, c - i);
        return;
      }
      const pick = this.rng.int(m.size);
      let cw = -1;
      let j = 0;
      for (const key of m.keys())
        if (j++ === pick) {
          cw = key;
          break;
        }
      const q = this.rng.int(code.wordTotalBits);
      const f = this.flips;
      f.fill(0);
      f[q >>> 5] |= 1 << (q & 31);
      // The host word and 72-bit position, for the record.
      const at = mode === "chipkill" ? chipkillWordPosition(cw, q) : { word: cw, p: q };
      this.decideWord(host, mode, cw, f, -1, e.kind.name, at.word, [at.p]);
    }
  }

  // ---- outcomes ------------------------------------------------------------------------

  private countersOf(mode: EccMode): Counters {
    let c = this.byMode.get(mode);
    if (!c) this.byMode.set(mode, (c = zero()));
    return c;
  }

  private corrected(host: number, mode: EccMode, dimm: number, k: number): void {
    this.total.corrected += k;
    this.countersOf(mode).corrected += k;
    this.fleet.correctable[host] += k;
    if (dimm >= 0) {
      const key = host * 64 + dimm;
      this.correctedByDimm.set(key, (this.correctedByDimm.get(key) ?? 0) + k);
    }
  }

  private machineCheck(host: number, mode: EccMode, code: EccCode, source: string, word: number, bits: readonly number[], k: number): void {
    this.total.machineChecks += k;
    this.countersOf(mode).machineChecks += k;
    this.opts.sink?.record("detection", this.sim.now, {
      host: this.fleet.hostId(host),
      ...(word >= 0 ? { word, bits: [...bits] } : { count: k, aggregated: true }),
      outcome: "detected",
      code: code.name,
      source,
      repair: this.repairSec,
    });
    // The reboot: the trace passes it back to this detector, which clears the host (rebooted).
    this.trace.down(MACHINE_CHECK, { kind: "host", index: host }, { repairSec: this.repairSec, journal: false, traced: false, detail: { code: code.name } });
  }

  private silentEscape(
    host: number,
    mode: EccMode,
    code: EccCode,
    source: string,
    word: number,
    bits: readonly number[],
    flips: Uint32Array | undefined,
    k: number,
  ): void {
    this.total.silent += k;
    this.countersOf(mode).silent += k;
    this.fleet.flags[host] |= HostFlag.CORRUPT;
    this.opts.onSilent?.(host, k);
    const fields: Record<string, string | number | boolean | number[]> = { host: this.fleet.hostId(host) };
    if (flips && word >= 0) {
      this.readBack(code, flips);
      fields.word = word;
      fields.bits = [...bits];
      fields.clean = hex(this.clean, code.dataLanes);
      fields.corrupted = hex(this.delivered, code.dataLanes);
    } else {
      fields.count = k;
      fields.aggregated = true;
    }
    this.opts.sink?.record("detection", this.sim.now, { ...fields, outcome: "silent", code: code.name, source });
  }

  /** The data a reader gets from this.clean with `flips` applied, into this.delivered. */
  private readBack(code: EccCode, flips: Uint32Array): void {
    const c = this.clean;
    const d = this.delivered;
    if (code.mode === "secded") {
      const check = secdedEncode(c[0], c[1]);
      secdedDecode(c[0] ^ flips[0], c[1] ^ flips[1], (check ^ flips[2]) & 0xff, this.secdedOut);
      d[0] = this.secdedOut.lo;
      d[1] = this.secdedOut.hi;
    } else if (code.mode === "chipkill") {
      const check = CHIPKILL_X4.encode(c[0], c[1], c[2], c[3]);
      const o = this.chipkillOut;
      CHIPKILL_X4.decode(c[0] ^ flips[0], c[1] ^ flips[1], c[2] ^ flips[2], c[3] ^ flips[3], (check ^ flips[4]) & 0xffff, o);
      d[0] = o.d0;
      d[1] = o.d1;
      d[2] = o.d2;
      d[3] = o.d3;
    } else {
      // none and parity deliver the data as read.
      d[0] = (c[0] ^ flips[0]) >>> 0;
      d[1] = (c[1] ^ flips[1]) >>> 0;
    }
  }

  // ---- latent errors ---------------------------------------------------------------------

  private position(host: number, mode: EccMode, cw: number): number {
    const codewords = Math.max(1, Math.floor(wordsOfHost(this.fleet, host) / (mode === "chipkill" ? 2 : 1)));
    return Math.min(cw / codewords, 1 - 1e-12);
  }

  /** The latent error of codeword `cw`, unless the scrubber has passed it since (then purged). */
  private latentOf(host: number, cw: number): Latent | undefined {
    const m = this.latent.get(host);
    const entry = m?.get(cw);
    if (!entry) return undefined;
    const mode = this.eccOf(host);
    if (this.schedule.memoryScrubbedBetween(host, this.position(host, mode, cw), entry.madeSec, this.sim.now)) {
      this.removeLatent(host, cw);
      this.latentCleared++;
      return undefined;
    }
    return entry;
  }

  /** Drops the host's latent errors the scrubber has passed; returns what remains. */
  private purgeHost(host: number): Map<number, Latent> | undefined {
    const m = this.latent.get(host);
    if (!m) return undefined;
    const mode = this.eccOf(host);
    const now = this.sim.now;
    for (const [cw, entry] of m) {
      if (this.schedule.memoryScrubbedBetween(host, this.position(host, mode, cw), entry.madeSec, now)) {
        m.delete(cw);
        this.latentCount--;
        this.latentCleared++;
      }
    }
    if (m.size === 0) {
      this.latent.delete(host);
      return undefined;
    }
    return m;
  }

  private addLatent(host: number, cw: number, flips: Uint32Array): void {
    if (this.latentCount >= this.maxLatent) this.makeRoom();
    let m = this.latent.get(host);
    if (!m) this.latent.set(host, (m = new Map()));
    m.set(cw, { flips: Uint32Array.from(flips), madeSec: this.sim.now });
    this.latentCount++;
    if (this.scrubKind >= 0) {
      const at = this.schedule.nextMemoryScrub(host, this.position(host, this.eccOf(host), cw), this.sim.now);
      if (at <= this.opts.horizonSec) this.sim.scheduleAt(at, this.scrubKind, host, cw);
    }
  }

  /** The scrubber reached codeword `cw` of `host` (scrub reports): its latent error, if still there, is cleared. */
  private scrubReached(host: number, cw: number): void {
    const entry = this.latent.get(host)?.get(cw);
    if (!entry || !this.schedule.memoryScrubbedBetween(host, this.position(host, this.eccOf(host), cw), entry.madeSec, this.sim.now)) return;
    this.removeLatent(host, cw);
    this.latentCleared++;
    if (this.scrubbedByHost.size === 0) {
      const end = Math.min((Math.floor(this.sim.now / SCRUB_REPORT_SEC) + 1) * SCRUB_REPORT_SEC, this.opts.horizonSec);
      this.sim.scheduleAt(end, this.scrubFlushKind, 0, 0);
    }
    this.scrubbedByHost.set(host, (this.scrubbedByHost.get(host) ?? 0) + 1);
  }

  /** One record of what the scrubber cleared in the window now ending. */
  private reportScrubbed(): void {
    const byHost = this.scrubbedByHost;
    let count = 0;
    for (const k of byHost.values()) count += k;
    const only = byHost.size === 1 ? { host: this.fleet.hostId(byHost.keys().next().value!) } : {};
    this.opts.sink?.record("detection", this.sim.now, { ...only, outcome: "scrubbed", count, hosts: byHost.size, aggregated: true, source: "patrol scrub" });
    byHost.clear();
  }

  private removeLatent(host: number, cw: number): void {
    const m = this.latent.get(host);
    if (m?.delete(cw)) {
      this.latentCount--;
      if (m.size === 0) this.latent.delete(host);
    }
  }

  /** Hosts start..end-1 went down: memory re-initialised at boot, latent errors and corrupted words gone. */
  private rebooted(start: number, end: number): void {
    const flags = this.fleet.flags;
    for (let h = start; h < end; h++) {
      flags[h] &= ~HostFlag.CORRUPT;
      if (this.latentCount > 0) this.clearHost(h);
    }
  }

  private clearHost(host: number): void {
    const m = this.latent.get(host);
    if (!m) return;
    this.latentCount -= m.size;
    this.latent.delete(host);
  }

  /** Over the bound: purge what the scrubber has passed, then drop the oldest hosts' entries. */
  private makeRoom(): void {
    for (const host of [...this.latent.keys()]) this.purgeHost(host);
    const target = Math.floor(this.maxLatent * 0.9);
    for (const [host, m] of this.latent) {
      if (this.latentCount < target) break;
      this.latentDropped += m.size;
      this.latentCount -= m.size;
      this.latent.delete(host);
    }
  }

  /** Latent errors held now (after purging what the scrubber has passed by `nowSec`). */
  latentNow(): number {
    for (const host of [...this.latent.keys()]) this.purgeHost(host);
    return this.latentCount;
  }

  /** Corrected errors seen on DIMM `dimm` of `host`. */
  correctedOnDimm(host: number, dimm: number): number {
    return this.correctedByDimm.get(host * 64 + dimm) ?? 0;
  }

  /**
   * Final metrics: memory.corrected, memory.machineChecks, memory.silent,
   * memory.latentCleared, disk.lseFound, and
   * per-ECC-mode breakdowns (memory.<mode>.corrected ...) when the fleet mixes modes.
   * Purges latent errors the scrubber has passed by now, so latentCleared is complete.
   */
  metrics(): Record<string, number> {
    const latent = this.latentNow();
    const m: Record<string, number> = {
      "memory.corrected": this.total.corrected,
      "memory.machineChecks": this.total.machineChecks,
      "memory.silent": this.total.silent,
      "memory.decoded": this.total.decoded,
      "memory.latentCleared": this.latentCleared,
      "memory.latent": latent,
      "memory.collisions": this.collisions,
      "memory.whileDown": this.whileDown,
      "memory.latentDropped": this.latentDropped,
      "disk.lseFound": this.disks.found,
      "disk.lseLatent": this.disks.appeared - this.disks.found,
    };
    if (this.modes.size > 1) {
      for (const mode of [...this.modes].sort()) {
        const c = this.byMode.get(mode) ?? zero();
        m[`memory.${mode}.corrected`] = c.corrected;
        m[`memory.${mode}.machineChecks`] = c.machineChecks;
        m[`memory.${mode}.silent`] = c.silent;
      }
    }
    return m;
  }
}
