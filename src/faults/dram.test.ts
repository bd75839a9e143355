import { describe, expect, it } from "vitest";
import { DAY, HOUR, faultHarness, parseSettings, withinPoisson } from "./testing.js";
import type { FleetSpecOverrides } from "../fleet/testing.js";
import {
  DEFAULT_FIT_PER_DEVICE,
  DRAM_MODES,
  type DramMode,
  FIELD_FACTOR_SINGLE_BIT,
  FIELD_FACTOR_WIDE,
  SC12_FIT_PER_DEVICE,
  SINGLE_BIT_MODES,
  dramFaultsOf,
  dramModel,
  maskBits,
} from "./dram.js";
import { decodeWord, dimmGeometry } from "./memory.js";
import type { FaultEvent } from "./trace.js";

const GiB = 2 ** 30;

const settings = parseSettings;

const world = (o: FleetSpecOverrides = {}, seed = 1) => faultHarness(o, seed);

function run(w: ReturnType<typeof world>, yaml: string, horizonSec: number) {
  const injector = w.start(dramModel.create(settings(dramModel.schema, yaml)), "faults.dram", horizonSec);
  w.sim.run({ until: horizonSec });
  return injector;
}

/** |obs - exp| < 4 sqrt(exp): the statistical check of every rate test here. */
const close = (obs: number, exp: number): boolean => withinPoisson(obs, exp);

describe("dram settings", () => {
  it("fills the per-mode defaults (SC'12's mix at the field incidence) and reads overrides", () => {
    const s = settings(dramModel.schema, "{ fit: { row: 20 }, scale: 5x, maxErrors: 50, grow: 10%, growAfter: 3d }");
    expect(s.fitPerDevice).toEqual({ ...DEFAULT_FIT_PER_DEVICE, row: 20 });
    expect(s.scale).toBe(5);
    expect(s.maxErrorsPerFault).toBe(50);
    expect(s.growFraction).toBeCloseTo(0.1, 12);
    expect(s.growAfterSecMean).toBe(3 * DAY);
    expect(settings(dramModel.schema, "{}")).toMatchObject({ scale: 1, maxErrorsPerFault: 10, growFraction: 0.017, growAfterSecMean: 30 * DAY });
    expect(Object.values(SC12_FIT_PER_DEVICE).reduce((a, b) => a + b, 0)).toBeCloseTo(46.9, 9);
    for (const m of DRAM_MODES) {
      const k = SINGLE_BIT_MODES.includes(m) ? FIELD_FACTOR_SINGLE_BIT : FIELD_FACTOR_WIDE;
      expect(DEFAULT_FIT_PER_DEVICE[m], m).toBeCloseTo(SC12_FIT_PER_DEVICE[m] * k, 2);
    }
    expect(() => settings(dramModel.schema, "{ fit: { rows: 20 } }")).toThrow(/did you mean "row"/);
    expect(() => settings(dramModel.schema, "{ grow: 120% }")).toThrow(/between 0% and 100%/);
  });
});

describe("dram fault rates", () => {
  // 32 hosts x 16 DIMMs x 36 devices = 18,432 devices; scale 50,000x over 30 days, no
  // growth: 273.8 FIT x 5e4 x 18,432 x 720 h / 1e9 = 181,700 faults, 109 of them word faults.
  it("places faults per mode at the configured FIT, and 2x would fail the same check", () => {
    const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4 });
    const inj = run(w, "{ scale: 50000x, maxErrors: 0, grow: 0% }", 30 * DAY);
    const devices = 32 * 16 * 36;
    const faults = w.events.filter((e) => e.kind.name === "dram.fault");
    const exp = inj.expected!(w.fleet, 30 * DAY);
    expect(exp["dram.error"]).toBe(0);
    expect(close(faults.length, exp["dram.fault"]!)).toBe(true);
    expect(close(faults.length, 2 * exp["dram.fault"]!)).toBe(false);
    for (const m of DRAM_MODES) {
      const e = (DEFAULT_FIT_PER_DEVICE[m] * 5e4 * devices * 720) / 1e9;
      const obs = faults.filter((f) => f.detail.mode === m).length;
      expect(close(obs, e), `${m}: ${obs} vs ${e}`).toBe(true);
      if (e > 20) expect(close(obs, 2 * e), m).toBe(false);
    }
    expect(w.events.some((e) => e.kind.name === "dram.error")).toBe(false);
  });
});

describe("dram errors", () => {
  // 2 hosts x 4 DIMMs of 8 GiB = 288 devices, every mode at 10 FIT x 62,000 = 0.62 MFIT:
  // ~1.25 faults per hour, ~300 in 10 days, each erring at 0.5/h (~18,000 errors).
  const w = world({ rows: 1, racksPerRow: 1, hostsPerRack: 2, host: { dimms: 4, dimmBytes: 8 * GiB } });
  const yaml =
    "{ fit: { bit: 10, word: 10, column: 10, row: 10, bank: 10, multiBank: 10, rank: 10 }, scale: 62000x, errorsPerHour: { bit: 0.5, word: 0.5, column: 0.5, row: 0.5, bank: 0.5, multiBank: 0.5, rank: 0.5 }, maxErrors: 100000 }";
  const inj = run(w, yaml, 10 * DAY);
  const g = dimmGeometry(8 * GiB);
  const faults = new Map<number, FaultEvent>();
  const errors = new Map<number, FaultEvent[]>();
  for (const e of w.events) {
    if (e.kind.name === "dram.fault") faults.set(e.detail.fault as number, e);
    if (e.kind.name === "dram.error") {
      const id = e.detail.fault as number;
      if (!errors.has(id)) errors.set(id, []);
      errors.get(id)!.push(e);
    }
  }

  it("places every mode, and errors keep coming from each fault's own region", () => {
    const modes = new Set([...faults.values()].map((f) => f.detail.mode));
    expect([...modes].sort()).toEqual([...DRAM_MODES].sort());
    const bad: string[] = [];
    for (const [id, errs] of errors) {
      const f = faults.get(id)!;
      const d = f.detail as { dimm: number; device: number; ranks: number[]; banks: number[]; rows: number[]; cols: number[] };
      for (const e of errs) {
        const a = decodeWord(g, e.detail.word as number);
        const inside =
          e.host === f.host &&
          a.dimm === d.dimm &&
          a.rank >= d.ranks[0] &&
          a.rank <= d.ranks[1] &&
          a.bank >= d.banks[0] &&
          a.bank <= d.banks[1] &&
          a.row >= d.rows[0] &&
          a.row <= d.rows[1] &&
          a.col >= d.cols[0] &&
          a.col <= d.cols[1];
        if (!inside) bad.push(`fault ${id} (${f.detail.mode}) error at ${JSON.stringify(a)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("gives each mode its bit pattern in the faulty device's nibble", () => {
    const bad: string[] = [];
    const wordsSeen = new Map<DramMode, number>();
    for (const [id, errs] of errors) {
      const f = faults.get(id)!;
      const mode = f.detail.mode as DramMode;
      const device = f.detail.device as number;
      const nibble = maskBits(device, 0xf);
      const patterns = new Set(errs.map((e) => (e.detail.bits as number[]).join(",")));
      const words = new Set(errs.map((e) => e.detail.word));
      wordsSeen.set(mode, Math.max(wordsSeen.get(mode) ?? 0, words.size));
      for (const e of errs) {
        const bits = e.detail.bits as number[];
        if (bits.length === 0 || !bits.every((b) => nibble.includes(b))) bad.push(`${mode}: bits ${bits} outside device ${device}`);
        if ((mode === "bit" || mode === "column" || mode === "row" || mode === "bank") && bits.length !== 1) bad.push(`${mode}: ${bits.length} bits`);
        if (mode === "word" && bits.length < 2) bad.push(`word: ${bits.length} bit`);
      }
      // One fixed pattern for a cell, a word and a bitline; one fixed word for a cell or a word.
      if ((mode === "bit" || mode === "word" || mode === "column") && patterns.size !== 1) bad.push(`${mode}: ${patterns.size} patterns`);
      if ((mode === "bit" || mode === "word") && words.size !== 1) bad.push(`${mode}: ${words.size} words`);
      if (mode === "bit" && [...patterns][0] !== (f.detail.bits as number[]).join(",")) bad.push("bit: pattern differs from the fault record");
    }
    expect(bad).toEqual([]);
    // Row, bank, multi-bank and rank faults spread over many words of their region.
    for (const m of ["column", "row", "bank", "multiBank", "rank"] as const) expect(wordsSeen.get(m)!, m).toBeGreaterThan(5);
    // Whole-device modes produce multi-bit symbols too.
    const wide = [...errors.values()].flat().filter((e) => e.detail.mode === "rank" && (e.detail.bits as number[]).length > 1);
    expect(wide.length).toBeGreaterThan(0);
  });

  it("produces errors at the access rate until the run ends", () => {
    const total = [...errors.values()].reduce((a, e) => a + e.length, 0);
    // Sum over faults of 0.5/h x (horizon - fault time): a Poisson count given the faults.
    const exp = dramFaultsOf(w.sim).reduce((a, f) => a + 0.5 * ((10 * DAY - placedAt(f.id)) / HOUR), 0);
    expect(close(total, exp)).toBe(true);
    expect(close(total, 2 * exp)).toBe(false);
    expect(inj.expected!(w.fleet, 10 * DAY)["dram.error"]).toBeGreaterThan(0);
  });

  function placedAt(id: number): number {
    return faults.get(id)!.at;
  }
});

describe("dram growth", () => {
  // 18,432 devices at 1,000x for 30 days: ~3,600 single-bit-mode faults; 30% of them grow
  // after 5 days on average, ~83% of those within the run: ~900 grown whole-device faults.
  const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4 });
  const H = 30 * DAY;
  const inj = run(w, "{ scale: 1000x, grow: 30%, growAfter: 5d }", H);
  const faults = w.events.filter((e) => e.kind.name === "dram.fault");
  const byId = new Map(faults.map((f) => [f.detail.fault as number, f]));
  const grown = faults.filter((f) => f.detail.from !== undefined);

  it("grows single-bit faults into whole-device faults of the same device and rank, later", () => {
    expect(grown.length).toBeGreaterThan(500);
    const bad: string[] = [];
    for (const g of grown) {
      const o = byId.get(g.detail.from as number)!;
      const rank = (o.detail.ranks as number[])[0];
      if (!SINGLE_BIT_MODES.includes(o.detail.mode as DramMode)) bad.push(`${g.detail.fault} grew out of a ${o.detail.mode} fault`);
      if (g.detail.mode !== "multiBank") bad.push(`${g.detail.fault} is ${g.detail.mode}`);
      if (g.host !== o.host || g.detail.dimm !== o.detail.dimm || g.detail.device !== o.detail.device) bad.push(`${g.detail.fault} moved`);
      if ((g.detail.ranks as number[]).join() !== `${rank},${rank}`) bad.push(`${g.detail.fault} ranks ${g.detail.ranks}`);
      if (!(g.at > o.at)) bad.push(`${g.detail.fault} before its origin`);
    }
    expect(bad).toEqual([]);
    // Given the single-bit faults placed, each grows within the run with 0.3 (1 - e^-(H - t) / 5d).
    const exp = faults
      .filter((f) => f.detail.from === undefined && SINGLE_BIT_MODES.includes(f.detail.mode as DramMode))
      .reduce((a, f) => a + 0.3 * (1 - Math.exp(-(H - f.at) / (5 * DAY))), 0);
    expect(close(grown.length, exp), `${grown.length} vs ${exp}`).toBe(true);
    expect(close(grown.length, 2 * exp)).toBe(false);
  });

  it("expected() counts grown faults and their errors (errors cluster by fault: tolerance 4 sqrt(cap x expected))", () => {
    const exp = inj.expected!(w.fleet, H);
    expect(close(faults.length, exp["dram.fault"]!), `${faults.length} vs ${exp["dram.fault"]}`).toBe(true);
    const errors = w.events.filter((e) => e.kind.name === "dram.error").length;
    expect(Math.abs(errors - exp["dram.error"]!), `${errors} vs ${exp["dram.error"]}`).toBeLessThan(4 * Math.sqrt(10 * exp["dram.error"]!));
    // Without growth, expected() would miss the grown faults by more than the tolerance.
    const flat = dramModel.create(settings(dramModel.schema, "{ scale: 1000x, grow: 0% }")).expected!(w.fleet, H);
    expect(close(faults.length, flat["dram.fault"]!)).toBe(false);
  });
});

describe("dram incidents and caps", () => {
  it("fires a scheduled row fault on the target host, then its errors, capped at an incident's 100, and it never grows", () => {
    const w = world({});
    const env = { ...w, horizonSec: 400 * DAY, rng: w.sim.streams.get("faults.timeline") };
    dramModel.incident!.fire(env, { kind: "host", index: 3 }, { mode: "row", dimm: 2, device: 20 });
    w.sim.run({ until: 400 * DAY });
    const fault = w.events.find((e) => e.kind.name === "dram.fault")!;
    expect(fault.host).toBe(3);
    expect(fault.detail).toMatchObject({ mode: "row", dimm: 2, device: 2, ranks: [1, 1] });
    const errs = w.events.filter((e) => e.kind.name === "dram.error");
    // 0.1 errors per hour for 9,600 h would be 960: an incident's cap of 100 stops it.
    expect(errs.length).toBe(100);
    expect(errs.every((e) => e.host === 3 && e.detail.device === 2)).toBe(true);
    expect(w.events.filter((e) => e.kind.name === "dram.fault")).toHaveLength(1);
  });

  it("grows a scheduled fault when told: a bit fault at 1h, a whole device of the same chip at 1h + 10d", () => {
    const w = world({});
    w.fire(dramModel, "dc1/row01/rack01/host02", { mode: "bit", dimm: 5, device: 30, growAfter: 10 * DAY }, HOUR);
    w.sim.run({ until: 20 * DAY });
    const [bit, whole] = w.events.filter((e) => e.kind.name === "dram.fault");
    expect(bit).toMatchObject({ at: HOUR, detail: { mode: "bit", dimm: 5, device: 12, ranks: [1, 1] } });
    expect(whole).toMatchObject({
      at: HOUR + 10 * DAY,
      host: bit.host,
      detail: { mode: "multiBank", dimm: 5, device: 12, ranks: [1, 1], from: bit.detail.fault },
    });
    const errs = (f: FaultEvent) => w.events.filter((e) => e.kind.name === "dram.error" && e.detail.fault === f.detail.fault);
    // The whole device errs in every bit pattern of its nibble; the bit fault keeps its one bit.
    expect(new Set(errs(whole).map((e) => (e.detail.bits as number[]).join())).size).toBeGreaterThan(5);
    expect(new Set(errs(bit).map((e) => (e.detail.bits as number[]).join())).size).toBe(1);
  });

  it("gives the same trace for the same seed", () => {
    const digest = (seed: number) => {
      const w = world({}, seed);
      run(w, "{ scale: 1000x }", 5 * DAY);
      return w.trace.digestHex();
    };
    expect(digest(3)).toBe(digest(3));
    expect(digest(3)).not.toBe(digest(4));
  });
});
