import { describe, expect, it } from "vitest";
import { KeyedHash } from "../sim/hash.js";
import { UPSET, UPSETS } from "../faults/cosmic.js";
import { faultHarness, HOUR, MINUTE } from "../faults/testing.js";
import { HostFlag, HostState } from "../fleet/state.js";
import type { EccMode } from "../fleet/spec.js";
import type { EventFields, EventType } from "../journal/index.js";
import { dramModel } from "../faults/dram.js";
import { HOST_CRASH } from "../faults/host.js";
import { RACK_FAIL } from "../faults/rack.js";
import { chipkillWordPosition, codewordIndex, codewordPosition } from "./addresses.js";
import { MACHINE_CHECK_REPAIR_SEC, MemoryDetector } from "./detect.js";
import { cleanWord, codeFor, MAX_FLIP_LANES, OUTCOME_CORRECTED, OUTCOME_DETECTED, OUTCOME_SILENT } from "./codes.js";

interface Rec {
  t: EventType;
  at: number;
  fields: EventFields;
}

/** The clean-content seed of `host` in a run of `seed` (the detector's keyed hash "memory.content"). */
const content = (seed: number, host: number) => new KeyedHash(seed, "memory.content").u32(host);

/** A fleet of one datacenter per ECC mode given, a detector on it, and its records. */
function setup(ecc: EccMode | EccMode[], opts: { memoryScrubSec?: number; dimmGiB?: number; seed?: number } = {}) {
  const modes = Array.isArray(ecc) ? ecc : [ecc];
  const h = faultHarness(
    {
      rows: 1,
      racksPerRow: 2,
      hostsPerRack: 4,
      datacenters: modes.map((m) => ({ host: { ecc: m, ...(opts.dimmGiB ? { dimmBytes: opts.dimmGiB * 2 ** 30, dimms: 1 } : {}) } })),
    },
    opts.seed ?? 3,
  );
  const records: Rec[] = [];
  const d = new MemoryDetector(h.sim, h.fleet, h.trace, {
    horizonSec: 30 * 86400,
    sink: { record: (t, at, fields = {}) => void records.push({ t, at, fields }) },
    scrub: opts.memoryScrubSec !== undefined ? { memoryIntervalSec: opts.memoryScrubSec } : {},
  });
  h.trace.addListener(d);
  const upset = (host: number, word: number, bits: number[], at?: number) => {
    const go = () => h.trace.emit(UPSET, { kind: "host", index: host }, { detail: { word, bits, dimm: 0 } });
    if (at === undefined) go();
    else h.sim.at(at, go);
  };
  return { ...h, d, records, upset };
}

describe("the aggregation shortcut is exact", () => {
  // The detector counts a lone single-bit flip under SECDED and chipkill as corrected
  // without decoding. Decode for real: every position of every sampled word, both halves
  // of a chipkill codeword, must come out corrected (and silent / detected under none / parity).
  const expected: Record<EccMode, number> = { secded: OUTCOME_CORRECTED, chipkill: OUTCOME_CORRECTED, none: OUTCOME_SILENT, parity: OUTCOME_DETECTED };
  for (const mode of ["secded", "chipkill", "none", "parity"] as EccMode[]) {
    it(`${mode}: a single-bit flip decodes to what the shortcut counts, for 200 words x 72 positions`, () => {
      const code = codeFor(mode);
      const clean = new Uint32Array(4);
      const flips = new Uint32Array(MAX_FLIP_LANES);
      let tried = 0;
      for (let s = 0; s < 200; s++) {
        const host = s * 7919;
        const word = s * 104_729 + (s & 1);
        cleanWord(content(11, host), codewordIndex(mode, word), clean, code.dataLanes);
        for (let p = 0; p < 72; p++) {
          const q = codewordPosition(mode, word, p);
          if (q >= code.wordTotalBits) continue; // a check device this code's DIMM lacks
          flips.fill(0);
          flips[q >>> 5] |= 1 << (q & 31);
          expect(code.classify(clean, flips)).toBe(expected[mode]);
          tried++;
        }
      }
      expect(tried).toBeGreaterThanOrEqual(200 * code.wordTotalBits * (mode === "chipkill" ? 0.5 : 1) - 1);
    });
  }

  it("the detector's shortcut and its decode path agree on single-bit events", () => {
    // Lone single-bit events on fresh words take the shortcut (no decode) and count as corrected.
    const s = setup("secded");
    for (let p = 0; p < 72; p++) s.upset(0, 1000 + p, [p]);
    expect(s.d.total.corrected).toBe(72);
    expect(s.d.total.decoded).toBe(0);
    expect(s.fleet.correctable[0]).toBe(72);
  });
});

describe("chipkill mapping", () => {
  it("maps the two 72-bit words of a codeword one-to-one onto the 144 positions, a x4 device onto one symbol", () => {
    const seen = new Set<number>();
    for (const word of [10, 11]) {
      for (let device = 0; device < 18; device++) {
        const symbols = new Set<number>();
        for (let b = 0; b < 4; b++) {
          const q = codewordPosition("chipkill", word, device * 4 + b);
          seen.add(q);
          symbols.add(Math.floor(q / 4));
          expect(chipkillWordPosition(codewordIndex("chipkill", word), q)).toEqual({ word, p: device * 4 + b });
        }
        expect(symbols.size).toBe(1);
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 144 }, (_, i) => i));
  });
});

describe("MemoryDetector", () => {
  it("a second single-bit hit on a latent word is decoded: SECDED takes a machine check", () => {
    const s = setup("secded");
    s.upset(2, 500, [3], 1 * HOUR);
    s.upset(2, 500, [40], 2 * HOUR);
    s.sim.run({ until: 2 * HOUR });
    expect(s.d.total.corrected).toBe(1);
    expect(s.d.total.machineChecks).toBe(1);
    expect(s.fleet.state[2]).toBe(HostState.DOWN);
    expect(s.fleet.downUntil[2]).toBe(2 * HOUR + MACHINE_CHECK_REPAIR_SEC);
    const r = s.records.find((x) => x.t === "detection")!;
    expect(r).toMatchObject({ at: 2 * HOUR, fields: { host: s.fleet.hostId(2), word: 500, bits: [40], outcome: "detected", code: "secded(72,64)" } });
    s.sim.run({ until: 3 * HOUR });
    expect(s.fleet.state[2]).toBe(HostState.UP);
  });

  it("the machine check stays out of the fault trace: same digest and counts with and without detection", () => {
    const run = (attach: boolean) => {
      const h = faultHarness({ rows: 1, racksPerRow: 2, hostsPerRack: 4 });
      if (attach) h.trace.addListener(new MemoryDetector(h.sim, h.fleet, h.trace, { horizonSec: 86400 }));
      h.sim.at(HOUR, () => h.trace.emit(UPSET, { kind: "host", index: 1 }, { detail: { word: 9, bits: [0, 1] } }));
      h.sim.run({ until: 2 * HOUR });
      return { digest: h.trace.digestHex(), counts: [...h.trace.counts.keys()].sort(), down: h.trace.hostDownSeconds };
    };
    const a = run(false);
    const b = run(true);
    expect(b.digest).toBe(a.digest);
    expect(b.counts).toEqual(a.counts);
    expect(b.counts).not.toContain("machine.check");
    expect(b.down).toBe(MACHINE_CHECK_REPAIR_SEC);
  });

  it("chipkill corrects a second hit in the same x4 device and detects one in another device", () => {
    const s = setup("chipkill");
    s.upset(0, 20, [8]); // device 2
    s.upset(0, 20, [9]); // same device: one symbol, corrected
    expect(s.d.total.corrected).toBe(2);
    expect(s.d.total.decoded).toBe(1);
    s.upset(0, 21, [0]); // the other half of the same codeword, device 0: a second symbol
    expect(s.d.total.machineChecks).toBe(1);
  });

  it("a patrol scrub between two hits clears the latent error: the second stays correctable", () => {
    const s = setup("secded", { memoryScrubSec: HOUR });
    s.upset(1, 77, [5], 0.5 * HOUR);
    s.upset(1, 77, [6], 2 * HOUR);
    s.sim.run({ until: 3 * HOUR });
    expect(s.d.total.corrected).toBe(2);
    expect(s.d.total.machineChecks).toBe(0);
    expect(s.d.latentCleared).toBe(1);
    // without scrubbing, the same two hits are a double-bit error
    const t = setup("secded", { memoryScrubSec: Infinity });
    t.upset(1, 77, [5], 0.5 * HOUR);
    t.upset(1, 77, [6], 2 * HOUR);
    t.sim.run({ until: 3 * HOUR });
    expect(t.d.total.machineChecks).toBe(1);
  });

  it("the scrub schedule is a sweep: each word is scrubbed once per interval, at its own time", () => {
    const s = setup("secded");
    const I = 24 * HOUR;
    for (const pos of [0, 0.25, 0.9]) {
      const t1 = s.d.schedule.nextMemoryScrub(3, pos, 5 * HOUR);
      expect(t1).toBeGreaterThan(5 * HOUR);
      expect(t1).toBeLessThanOrEqual(5 * HOUR + I);
      expect(s.d.schedule.nextMemoryScrub(3, pos, t1)).toBeCloseTo(t1 + I, 6);
    }
  });

  it("under none a flip is a silent escape: the host is flagged and the record shows clean and corrupted data", () => {
    const s = setup("none");
    s.upset(4, 123, [0, 1]);
    s.upset(4, 124, [70]); // a check-bit position: a non-ECC DIMM has no such device
    expect(s.d.total.silent).toBe(1);
    expect(s.fleet.flags[4] & HostFlag.CORRUPT).toBe(HostFlag.CORRUPT);
    const r = s.records[0].fields as Record<string, string>;
    expect(r.outcome).toBe("silent");
    expect(BigInt(`0x${r.clean}`) ^ BigInt(`0x${r.corrupted}`)).toBe(3n);
  });

  it("a host going down re-initialises its memory: latent errors and the corrupted-word flag are gone", () => {
    const s = setup(["secded", "none"]); // hosts 0-7 SECDED, 8-15 none
    s.upset(2, 10, [5]); // corrected, latent until scrubbed
    s.upset(9, 10, [0]); // silent under none
    s.upset(12, 10, [0]);
    expect(s.d.metrics()["memory.latent"]).toBe(1);
    s.trace.down(HOST_CRASH, { kind: "host", index: 2 }, { repairSec: 600 });
    expect(s.d.metrics()["memory.latent"]).toBe(0);
    expect(s.d.latentCleared).toBe(0); // gone with the reboot, not found by a scrub
    // A scrub cannot clear a silent word (the code took it for valid): only a reboot does.
    expect(s.fleet.flags[9] & HostFlag.CORRUPT).toBe(HostFlag.CORRUPT);
    s.sim.runUntil(3 * 86400);
    expect(s.fleet.flags[9] & HostFlag.CORRUPT).toBe(HostFlag.CORRUPT);
    s.trace.down(RACK_FAIL, { kind: "rack", index: s.fleet.rackOf[9] }, { repairSec: 600 });
    expect(s.fleet.flags[9] & HostFlag.CORRUPT).toBe(0);
    expect(s.fleet.flags[12] & HostFlag.CORRUPT).toBe(s.fleet.rackOf[12] === s.fleet.rackOf[9] ? 0 : HostFlag.CORRUPT);
    expect(s.d.total.silent).toBe(2); // what happened stays counted
  });

  it("a SECDED miscorrection records what the reader got", () => {
    // An adjacent 3-bit burst that SECDED miscorrects (table.ts: 31 of 70 such bursts).
    const s = setup("secded");
    let start = -1;
    const code = codeFor("secded");
    const clean = new Uint32Array(4);
    cleanWord(content(3, 0), 50, clean, 2);
    const flips = new Uint32Array(MAX_FLIP_LANES);
    for (let b = 0; b + 3 <= 72 && start < 0; b++) {
      flips.fill(0);
      for (let i = b; i < b + 3; i++) flips[i >>> 5] |= 1 << (i & 31);
      if (code.classify(clean, flips) === OUTCOME_SILENT) start = b;
    }
    expect(start).toBeGreaterThanOrEqual(0);
    s.upset(0, 50, [start, start + 1, start + 2]);
    expect(s.d.total.silent).toBe(1);
    const r = s.records[0].fields as Record<string, string>;
    const diff = BigInt(`0x${r.clean}`) ^ BigInt(`0x${r.corrupted}`);
    // the reader's data differs from the clean data in more than the flipped data bits would say alone
    expect(diff).not.toBe(0n);
  });

  it("a whole-device DRAM fault: SECDED takes machine checks or escapes, chipkill corrects every error", () => {
    const out: Record<string, { corrected: number; machineChecks: number; silent: number; whileDown: number; errors: number }> = {};
    for (const mode of ["secded", "chipkill"] as EccMode[]) {
      const s = setup(mode);
      s.fire(dramModel, "dc1/row01/rack01/host01", { mode: "rank", dimm: 0, device: 3, errorsPerHour: 20 }, MINUTE);
      s.sim.run({ until: 24 * HOUR });
      out[mode] = {
        corrected: s.d.total.corrected,
        machineChecks: s.d.total.machineChecks,
        silent: s.d.total.silent,
        whileDown: s.d.whileDown,
        errors: s.trace.counts.get("dram.error")!.events,
      };
    }
    // Every error of the failed device is one chipkill symbol: all corrected.
    expect(out.chipkill.machineChecks + out.chipkill.silent).toBe(0);
    expect(out.chipkill.corrected).toBe(out.chipkill.errors);
    expect(out.chipkill.errors).toBeGreaterThan(50);
    // Under SECDED only the 4 single-bit nibble values of 15 are correctable; the rest are
    // machine checks (and errors that arrive while the host reboots) or miscorrections.
    const sd = out.secded;
    expect(sd.corrected + sd.machineChecks + sd.silent + sd.whileDown).toBe(sd.errors);
    expect(sd.machineChecks).toBeGreaterThan(10);
    expect(sd.corrected).toBeLessThan((sd.errors - sd.whileDown) / 2);
    expect(out.secded.corrected).toBeLessThan(out.chipkill.corrected);
  });

  it("aggregated upsets: counted per host, and collisions with latent words decoded for real", () => {
    // Tiny DIMMs (1 MiB: 131,072 words) and many latent words make collisions likely.
    const s = setup("secded", { dimmGiB: 1 / 1024, memoryScrubSec: Infinity });
    for (let w = 0; w < 20_000; w++) s.upset(0, w * 6, [w % 72]);
    expect(s.d.total.corrected).toBe(20_000);
    s.trace.emit(UPSETS, { kind: "rack", index: 0 }, { detail: { count: 4000, window: [0, 3600] }, journal: false });
    const hostsOfRack0 = s.fleet.hostsOfRack(0);
    let sum = 0;
    for (let h = hostsOfRack0.start; h < hostsOfRack0.end; h++) sum += s.fleet.correctable[h];
    // Host 0 holds 20,000 latent words of 131,072: about 15% of its ~1,000 upsets collide.
    // The first collision makes a double-bit error: a machine check, which reboots the host
    // and clears its latent words, so the rest of the window's upsets land on clean words.
    expect(s.d.collisions).toBeGreaterThan(50);
    expect(s.d.total.decoded).toBeGreaterThanOrEqual(1);
    expect(s.d.total.machineChecks).toBe(1);
    expect(s.fleet.state[0]).toBe(HostState.DOWN);
    // every upset is accounted for exactly once
    expect(sum + s.d.total.machineChecks + s.d.total.silent).toBe(24_000);
  });
});
