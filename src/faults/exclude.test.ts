// Counterfactual traces (./exclude.ts): a run that excludes one correlated incident is the
// full run less that incident and what it set off (its hosts' downs and repairs, its
// warning, a burst's share of the upsets), every other fault identical.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { applyOverrides, runJob, type JobSpec } from "../distributed/job.js";
import { fleetSpec, type FleetSpecOverrides } from "../fleet/testing.js";
import { MemoryJournal } from "../journal/index.js";
import { runScenario } from "../run/session.js";
import { scenarioFaultLayer } from "../run/fault-layer.js";
import { loadScenarioText } from "../scenario/load.js";
import { VERSION } from "../base/version.js";
import { cosmicModel } from "./cosmic.js";
import { CosmicRates, type CosmicSettings } from "./cosmic-rates.js";
import type { IncidentKey } from "./exclude.js";
import { takesHostsDown } from "./kind.js";
import { startFaultLayer } from "./layer.js";
import { FAULT_KINDS, FAULT_MODELS } from "./registry.js";
import { DAY, HOUR, MINUTE, parseSettings, withinPoisson } from "./testing.js";
import type { CorrelatedIncident } from "./trace.js";

/** A fault as a listener saw it, in plain fields, so two runs compare with toEqual. */
interface Seen {
  kind: string;
  at: number;
  target: string;
  host: number;
  untilSec: number;
  detail: Record<string, unknown>;
}

/** Runs the fault layer of `fleet` with `faults` ([model, settings YAML]) to `horizonSec`. */
function run(fleet: FleetSpecOverrides, faults: [string, string][], horizonSec: number, exclude?: IncidentKey[]) {
  const scenario = {
    fleet: fleetSpec(fleet),
    faults: faults.map(([kind, yaml], index) => ({ kind, settings: parseSettings(FAULT_MODELS[kind], yaml), index })),
  };
  const layer = startFaultLayer(scenario, { seed: 7, horizonSec, exclude });
  const events: Seen[] = [];
  const repairs: string[] = [];
  const idOf = (ref: Parameters<typeof layer.fleet.idOf>[0] | undefined) => (ref ? layer.fleet.idOf(ref) : "fleet");
  layer.trace.addListener({
    onFault: (e) => void events.push({ kind: e.kind.name, at: e.at, target: idOf(e.ref), host: e.host, untilSec: e.untilSec, detail: { ...e.detail } }),
    onRepair: (ref, at) => void repairs.push(`${idOf(ref)} @${at}`),
  });
  layer.sim.run({ until: horizonSec });
  return { layer, trace: layer.trace, events, repairs };
}

const keyOf = (c: CorrelatedIncident): IncidentKey => ({ kind: c.kind.name, target: c.target, at: c.at });
const isIncident = (e: Seen, k: IncidentKey) => e.kind === k.kind && e.target === k.target && e.at === k.at;
const isWarningOf = (e: Seen, k: IncidentKey) => e.kind === "power.warning" && e.target === k.target && e.detail.failsAt === k.at;

/** `full` less the faults in `removed`, and less one repair of each removed fault that took hosts down. */
function without(full: ReturnType<typeof run>, removed: (e: Seen) => boolean) {
  const events = full.events.filter((e) => !removed(e));
  const repairs = [...full.repairs];
  for (const e of full.events.filter(removed)) {
    if (!takesHostsDown(FAULT_KINDS.get(e.kind)!) || e.detail.masked === true) continue;
    const i = repairs.indexOf(`${e.target} @${e.untilSec}`);
    if (i >= 0) repairs.splice(i, 1);
  }
  return { events, repairs };
}

const BUSBAR_FLEET: FleetSpecOverrides = { rows: 4, racksPerRow: 10, hostsPerRack: 4, power: { busbarsPerRow: 2 } };

describe("excluding one bus bar failure", () => {
  for (const warning of ["10m", "0s"]) {
    it(`removes exactly it, its hosts' downs and repair${warning === "0s" ? "" : " and its warning"}; every other fault is as it was (warning ${warning})`, () => {
      const faults: [string, string][] = [
        ["busbar", `{ mtbf: 40d, repair: 6h, warning: ${warning} }`],
        ["host", "{ mtbf: 30d }"],
      ];
      const full = run(BUSBAR_FLEET, faults, 30 * DAY);
      const busbars = full.trace.correlated.filter((c) => c.kind.name === "power.busbar");
      expect(busbars.length).toBeGreaterThanOrEqual(4);
      expect(full.events.filter((e) => e.kind === "host.crash").length).toBeGreaterThan(100);
      const x = busbars.find((c) => c.at > HOUR)!;
      const key = keyOf(x);

      const cut = run(BUSBAR_FLEET, faults, 30 * DAY, [key]);
      const expected = without(full, (e) => isIncident(e, key) || isWarningOf(e, key));
      expect(full.events.length - expected.events.length).toBe(warning === "0s" ? 1 : 2);
      expect(cut.events).toEqual(expected.events);
      expect(cut.repairs).toEqual(expected.repairs);
      expect(full.repairs.length - cut.repairs.length).toBe(1);
      expect(cut.trace.correlated).toEqual(full.trace.correlated.filter((c) => c !== x));
      expect(cut.trace.counts.get("power.busbar")!.events).toBe(busbars.length - 1);
      expect(cut.trace.hostDownSeconds).toBeLessThan(full.trace.hostDownSeconds);
      expect(cut.trace.digestHex()).not.toBe(full.trace.digestHex());
      expect(cut.trace.unmatchedExclusions()).toEqual([]);
    });
  }
});

describe("excluding one incident of each correlated kind", () => {
  // Two datacenters joined by a link; every random model with correlated kinds, often.
  const fleet: FleetSpecOverrides = {
    rows: 2,
    racksPerRow: 4,
    hostsPerRack: 4,
    datacenters: [{ name: "dc1" }, { name: "dc2" }],
    links: [{ a: "dc1", b: "dc2", latencySec: 0.01, bandwidthBitsPerSec: 1e11 }],
  };
  const faults: [string, string][] = [
    ["busbar", "{ mtbf: 20d, warning: 10m }"],
    ["pdu", "{ mtbf: 20d }"],
    ["utility", "{ mtbf: 10d, masked: 50% }"],
    ["overheat", "{ mtbf: 30d, fraction: 50%, warning: 10m }"],
    ["rack", "{ mtbf: 20d, wonkyMtbf: 20d }"],
    ["link", "{ mtbf: 5d, latencyMtbf: 5d }"],
    ["host", "{ mtbf: 30d }"],
  ];
  const horizon = 60 * DAY;
  const full = run(fleet, faults, horizon);
  const kinds = [...new Set(full.trace.correlated.map((c) => c.kind.name))].sort();

  it("has every correlated kind of those models to take out, masked utility losses included", () => {
    expect(kinds).toEqual(["cooling.overheat", "link.cut", "link.latency", "power.busbar", "power.pdu", "power.utility", "rack.fail", "rack.wonky"]);
    const utility = full.events.filter((e) => e.kind === "power.utility");
    expect(new Set(utility.map((e) => e.detail.masked))).toEqual(new Set([true, false]));
  });

  const cases: { name: string; pick: (c: CorrelatedIncident[]) => CorrelatedIncident | undefined }[] = [
    ...["power.busbar", "power.pdu", "cooling.overheat", "rack.fail", "rack.wonky", "link.cut", "link.latency"].map((kind) => ({
      name: kind,
      pick: (c: CorrelatedIncident[]) => c.filter((i) => i.kind.name === kind && i.at > HOUR)[1],
    })),
    { name: "power.utility (down)", pick: (c) => c.find((i) => i.kind.name === "power.utility" && i.untilSec > i.at) },
    { name: "power.utility (masked)", pick: (c) => c.find((i) => i.kind.name === "power.utility" && i.untilSec === i.at) },
  ];
  for (const { name, pick } of cases) {
    it(`${name}: the incident and its warning are gone, nothing else changed`, () => {
      const x = pick(full.trace.correlated)!;
      expect(x).toBeDefined();
      const key = keyOf(x);
      const cut = run(fleet, faults, horizon, [key]);
      const expected = without(full, (e) => isIncident(e, key) || isWarningOf(e, key));
      expect(full.events.length - expected.events.length).toBe(x.kind.name === "power.busbar" ? 2 : 1);
      expect(cut.events).toEqual(expected.events);
      expect(cut.repairs).toEqual(expected.repairs);
      expect(cut.trace.correlated).toEqual(full.trace.correlated.filter((c) => c !== x));
    });
  }

  it("a whole overheating, named by its datacenter and start (partOf): every rack of it and its warning are gone", () => {
    const rack = full.trace.correlated.filter((c) => c.kind.name === "cooling.overheat" && c.at > HOUR)[0];
    expect(rack.partOf).toBeDefined();
    const key: IncidentKey = { kind: "cooling.overheat", target: rack.partOf!.target, at: rack.partOf!.at };
    expect(key.target).toMatch(/^dc\d$/);
    const parts = full.trace.correlated.filter((c) => c.partOf?.target === key.target && c.partOf.at === key.at);
    expect(parts.length).toBe(4); // 50% of the datacenter's 8 racks
    const cut = run(fleet, faults, horizon, [key]);
    const inParts = (e: Seen) => parts.some((p) => isIncident(e, keyOf(p)));
    const expected = without(full, (e) => inParts(e) || isWarningOf(e, key));
    expect(full.events.length - expected.events.length).toBe(5);
    expect(cut.events).toEqual(expected.events);
    expect(cut.repairs).toEqual(expected.repairs);
    expect(cut.trace.correlated).toEqual(full.trace.correlated.filter((c) => !parts.includes(c)));
  });
});

describe("excluding a cosmic burst", () => {
  // 8 rows of 4 racks of 4 hosts, odd rows facing east; two bursts from the east, x40, 2 h
  // each. At 500 FIT/Mbit a row expects 67 upsets in 2 h without a burst (cosmic.test.ts).
  const fleet: FleetSpecOverrides = { rows: 8, racksPerRow: 4, hostsPerRack: 4 };
  const yaml = "{ rate: 500 FIT/Mbit, bursts: { at: [10h, 30h], duration: 2h, direction: east, x: 40 } }";
  const horizon = 48 * HOUR;
  const key: IncidentKey = { kind: "cosmic.burst", target: "fleet", at: 10 * HOUR };
  const upsetId = (e: Seen) => `${e.at} ${e.host} ${e.detail.word} ${(e.detail.bits as number[]).join(",")}`;
  const excessOf = (layer: ReturnType<typeof run>["layer"], s: CosmicSettings) => new CosmicRates(layer.fleet, s).burstExtraPerSec(90, s.bursts!) * 2 * HOUR;

  it("drops exactly the upsets drawn from its excess; every other upset keeps its time and place", () => {
    const full = run(fleet, [["cosmic", yaml]], horizon);
    const cut = run(fleet, [["cosmic", yaml]], horizon, [key]);
    expect(cut.trace.correlated.map((c) => c.at)).toEqual([30 * HOUR]);
    const all = full.events.filter((e) => e.kind === "cosmic.upset");
    const kept = cut.events.filter((e) => e.kind === "cosmic.upset");
    // The kept upsets are the full run's, in order, less some.
    const dropped: Seen[] = [];
    let j = 0;
    for (const e of all) {
      if (j < kept.length && upsetId(kept[j]) === upsetId(e)) j++;
      else dropped.push(e);
    }
    expect(j).toBe(kept.length);
    // What was dropped fell in the burst, on racks facing it, about its expected excess.
    const east = (e: Seen) => cut.layer.fleet.rackFacingDeg[cut.layer.fleet.rackOf[e.host]] === 90;
    expect(dropped.every((e) => e.at >= 10 * HOUR && e.at < 12 * HOUR && east(e))).toBe(true);
    const excess = excessOf(full.layer, parseSettings(cosmicModel, yaml));
    expect(excess).toBeGreaterThan(10_000);
    expect(withinPoisson(dropped.length, excess)).toBe(true);
    // The base rate still hits the east rows during the burst (4 rows x 67), and the other
    // burst is untouched.
    const inBurst = kept.filter((e) => e.at >= 10 * HOUR && e.at < 12 * HOUR && east(e)).length;
    expect(withinPoisson(inBurst, 4 * 67)).toBe(true);
    const second = (l: Seen[]) => l.filter((e) => e.at >= 30 * HOUR && e.at < 32 * HOUR).map(upsetId);
    expect(second(kept)).toEqual(second(all));
    expect(second(all).length).toBeGreaterThan(10_000);
  });

  it("aggregated: the burst's share of the per-rack counts goes, every other count stays", () => {
    const agg = "{ rate: 100 FIT/Mbit, multiBit: 5%, aggregateAbove: 1000, bursts: { at: [10h, 30h], duration: 2h, direction: east, x: 40 } }";
    const full = run(fleet, [["cosmic", agg]], horizon);
    const cut = run(fleet, [["cosmic", agg]], horizon, [key]);
    const counts = (r: ReturnType<typeof run>) => {
      const m = new Map<string, number>();
      for (const e of r.events) if (e.kind === "cosmic.upsets") m.set(`${e.target} ${(e.detail.window as number[]).join("-")}`, e.detail.count as number);
      return m;
    };
    const a = counts(full);
    const b = counts(cut);
    let fewer = 0;
    for (const [k, n] of a) {
      const m = b.get(k) ?? 0;
      const [from, to] = k.split(" ")[1].split("-").map(Number);
      const inBurst = from >= 10 * HOUR && to <= 12 * HOUR;
      if (!inBurst) expect(m, k).toBe(n);
      else expect(m, k).toBeLessThanOrEqual(n);
      if (m < n) fewer++;
    }
    expect([...b.keys()].every((k) => a.has(k))).toBe(true);
    expect(fewer).toBeGreaterThan(0);
    const s = parseSettings(cosmicModel, agg);
    const excess = excessOf(full.layer, s);
    const single = (r: ReturnType<typeof run>) => r.trace.counts.get("cosmic.upsets")!.events;
    const multi = (r: ReturnType<typeof run>) => r.trace.counts.get("cosmic.upset")!.events;
    expect(withinPoisson(single(full) - single(cut), excess * 0.95)).toBe(true);
    expect(withinPoisson(multi(full) - multi(cut), excess * 0.05)).toBe(true);
    // Outside the burst the individual (multi-bit) upsets are the same ones.
    const outside = (r: ReturnType<typeof run>) => r.events.filter((e) => e.kind === "cosmic.upset" && (e.at < 10 * HOUR || e.at >= 12 * HOUR));
    expect(outside(cut)).toEqual(outside(full));
  });
});

describe("exclude keys", () => {
  const faults: [string, string][] = [
    ["busbar", "{ mtbf: 40d }"],
    ["host", "{ mtbf: 30d }"],
  ];

  it("a key that matches nothing changes nothing, and says so", () => {
    const full = run(BUSBAR_FLEET, faults, 30 * DAY);
    const key = { kind: "power.busbar", target: "dc1/row01/busbar-a", at: 1234.5 };
    const cut = run(BUSBAR_FLEET, faults, 30 * DAY, [key]);
    expect(cut.trace.digestHex()).toBe(full.trace.digestHex());
    expect(cut.events).toEqual(full.events);
    expect(cut.trace.unmatchedExclusions()).toEqual([key]);
  });

  it("a bad key is an Error naming the problem", () => {
    const bad = (key: IncidentKey) => () => run(BUSBAR_FLEET, faults, DAY, [key]);
    expect(bad({ kind: "host.crash", target: "dc1/row01/rack01/host01", at: 0 })).toThrow(/host\.crash is not a correlated kind/);
    expect(bad({ kind: "power.busbr", target: "dc1/row01/busbar-a", at: 0 })).toThrow(/unknown fault kind "power\.busbr"/);
    expect(bad({ kind: "power.busbar", target: "dc1/row09/busbar-a", at: 0 })).toThrow(/no such target "dc1\/row09\/busbar-a"/);
    expect(bad({ kind: "power.busbar", target: "dc1/row01/busbar-a", at: Number.NaN })).toThrow(/at must be a finite number/);
  });

  it("match within 1e-6 s", () => {
    const full = run(BUSBAR_FLEET, faults, 30 * DAY);
    const x = full.trace.correlated[0];
    const near = run(BUSBAR_FLEET, faults, 30 * DAY, [{ ...keyOf(x), at: x.at + 5e-7 }]);
    const far = run(BUSBAR_FLEET, faults, 30 * DAY, [{ ...keyOf(x), at: x.at + 5e-6 }]);
    expect(near.trace.correlated).toEqual(full.trace.correlated.slice(1));
    expect(far.trace.digestHex()).toBe(full.trace.digestHex());
  });
});

describe("a counterfactual job", () => {
  const FILE = "test/fixtures/gate-small.yaml";
  // gate-small with bus bars failing often enough to have some in 5 days.
  const spec: JobSpec = {
    id: "cf",
    file: FILE,
    text: readFileSync(FILE, "utf8"),
    seed: 3,
    durationSec: 5 * DAY,
    overrides: [{ path: "faults.2.busbar.mtbf", value: "10d" }],
  };
  const loaded = loadScenarioText(applyOverrides(spec.text, spec.overrides), FILE);
  if (!loaded.ok) throw new Error("gate-small does not load");
  const layer = scenarioFaultLayer(loaded.value, { seed: spec.seed, horizonSec: 5 * DAY });
  layer.sim.run({ until: 5 * DAY });
  const x = layer.trace.correlated.find((c) => c.kind.name === "power.busbar" && c.at > 10 * MINUTE)!;

  it("leaves the incident out, the same way every time, and travels as plain data", async () => {
    expect(x).toBeDefined();
    const cf: JobSpec = { ...spec, id: "cf-x", exclude: [keyOf(x)] };
    expect(structuredClone(cf)).toEqual(cf);
    expect(JSON.parse(JSON.stringify(cf))).toEqual(cf);
    const base = await runJob(spec);
    const one = await runJob(cf);
    const two = await runJob(cf);
    expect([base.status, one.status]).toEqual(["complete", "complete"]);
    expect(one.traceDigest).not.toBe(base.traceDigest);
    expect(two).toEqual(one);
    for (const lane of Object.keys(base.metrics)) {
      expect(one.metrics[lane]["faults.power.busbar"] ?? 0).toBe(base.metrics[lane]["faults.power.busbar"] - 1);
    }
  });

  it("says what it left out in the journal header, and a bad key makes the job invalid", async () => {
    const journal = new MemoryJournal();
    const outcome = await runScenario(loaded.value, { seed: spec.seed, durationSec: DAY, journal, fleetVersion: VERSION, exclude: [keyOf(x)] });
    expect(outcome.status).toBe("complete");
    expect(journal.lines[0]).toContain(`"exclude":[{"kind":"power.busbar","target":"${x.target}","at":${x.at}}]`);
    const bad = await runJob({ ...spec, exclude: [{ kind: "host.crash", target: "dc1", at: 0 }] });
    expect(bad.status).toBe("invalid");
    expect(bad.error).toMatch(/host\.crash is not a correlated kind/);
  });
});
