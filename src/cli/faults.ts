// `fleet faults SCENARIO`: the fault layer alone. Builds the fleet, starts every injector
// of the scenario (no detection, workloads or policies), runs to the horizon and shows
// what happened: counts per kind against what the configured rates lead one to expect,
// the failure domains hit most, the correlated events in time order, and the trace
// digest (equal for every policy of the scenario and seed: the fault trace's identity).
//
// For the kinds that take a disk or a host out (disk.fail, host.crash, accelerator.fail,
// ...: one record per place), the failure process is described as a failure log would be
// (src/field/stats.ts): failures per year and in each year, the weekly index of dispersion
// (var/mean: 1 for a Poisson process), the share repeating at the same place within 30
// days, and how unevenly racks and hosts fail; the numbers `fleet fit` compares a log on.
// Kinds that take many hosts at once (bus bars, racks) are correlated events, listed below.
//
// The expected band is mean ± 2 standard deviations: sqrt(mean) for a Poisson count, and
// the model's own variance where its events come in clusters (Injector.variance: a
// burst's upsets, a DRAM fault's errors, the co-located job's chosen hosts, each with one
// event per step); a kind outside it is marked "!". A model that declares no variance
// (a random number of mercurial hosts, each corrupting at a rate) gets the Poisson band,
// too narrow for it: a guide only. About 1 kind in 20 falls outside a ±2 sigma band by
// chance.
import { formatIssues } from "../base/issues.js";
import { loadScenarioFile, type Scenario } from "../scenario/load.js";
import { formatDuration, formatTime } from "../base/units.js";
import type { FaultLayer } from "../faults/layer.js";
import { scenarioFaultLayer } from "../run/fault-layer.js";
import { choice, durationOption, int, parse, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { type FailurePoint, type FailureStats, failureStats } from "../field/stats.js";
import { EXIT, type Io } from "../base/io.js";

export const faultsOptions: OptionSpec = {
  seed: { type: "string" },
  duration: { type: "string" },
  reporter: { type: "string" },
  "max-hosts": { type: "string" },
  "max-events": { type: "string" },
  top: { type: "string" },
};

export const faultsUsage = `fleet faults SCENARIO [options]

Runs the scenario's fault injectors alone (no workloads, no policies) and prints
the faults: counts per kind, observed against expected from the configured rates
(with a ±2 sigma Poisson band, "!" when outside), the failure domains hit most,
the correlated events (bursts, bus bars, PDUs, racks, links) in time order, and
the trace digest. The first line printed names the seed and reproduces the run.

Options:
  --seed N            seed of every random stream (default: the scenario's seed)
  --duration D        simulated time, e.g. 72h or 30d (default: the scenario's)
  --reporter R        text or json (default: text)
  --top N             rows and datacenters listed per domain table (default 10)
  --max-hosts N       raise the safety limit on fleet size (default 2,000,000)
  --max-events N      raise the safety limit on events per run (default 2e9)

Exit codes: 0 done, 2 bad input, 3 fleet failed.

Examples:
  fleet faults scenarios/cosmic.yaml
  fleet faults scenarios/cosmic.yaml --seed 7 --duration 30d --reporter json`;

/** Most correlated events listed by the text reporter (the JSON one lists them all). */
const TEXT_TIMELINE_MAX = 50;

export interface KindRow {
  kind: string;
  observed: number;
  /** Host-downs caused (hosts x events), for kinds that take hosts down. */
  hostsHit: number;
  /** From the injectors' configured rates; null when no injector states one. */
  expected: number | null;
  low: number | null;
  high: number | null;
  /** Observed outside [low, high]. */
  outside: boolean;
}

export interface DomainRow {
  id: string;
  total: number;
  byKind: Partial<Record<string, number>>;
}

export interface CorrelatedRow {
  at: number;
  kind: string;
  target: string;
  /** Seconds until the end (null when it does not end). */
  durationSec: number | null;
  hosts: number;
}

export interface FaultsReport {
  seed: number;
  scenario: string;
  name: string;
  hosts: number;
  racks: number;
  durationSec: number;
  kinds: KindRow[];
  rows: DomainRow[];
  datacenters: DomainRow[];
  correlated: CorrelatedRow[];
  /** The failure process of each kind that takes out one disk or host per record. */
  processes: ({ kind: string } & FailureStats)[];
  records: number;
  events: number;
  digest: string;
}

function loadOrExit(
  argv: string[],
  io: Io,
): { scenario: Scenario; file: string; seed: number; durationSec: number; reporter: "text" | "json"; top: number } | number {
  const p = parse("faults", argv, faultsOptions);
  if (p.positionals.length !== 1) throw new UsageError(`faults needs exactly one scenario file, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const reporter = choice(p, "reporter", ["text", "json"] as const) ?? "text";
  const top = int(p, "top", { min: 1 }) ?? 10;
  const maxHosts = int(p, "max-hosts", { min: 1 });
  const maxEvents = int(p, "max-events", { min: 1 });
  const seedOpt = int(p, "seed", { min: 0, max: 2 ** 53 - 1 });
  const durationOpt = durationOption(p);
  const r = loadScenarioFile(file, { limits: { maxHosts, maxEvents } });
  if (!r.ok) {
    io.err(`${formatIssues(file, r.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = r.value;
  const durationSec = durationOpt ?? scenario.durationSec;
  if (durationSec > scenario.limits.maxDurationSec) {
    throw new UsageError(
      `--duration ${formatDuration(durationSec)} is above the safety limit of ${formatDuration(scenario.limits.maxDurationSec)}; raise limits.maxDuration in the scenario`,
    );
  }
  return { scenario, file, seed: seedOpt ?? scenario.seed, durationSec, reporter, top };
}

export function faultsCommand(argv: string[], io: Io): number {
  const loaded = loadOrExit(argv, io);
  if (typeof loaded === "number") return loaded;
  const { scenario, file, seed, durationSec, reporter, top } = loaded;
  const layer = scenarioFaultLayer(scenario, { seed, horizonSec: durationSec });
  const failures = collectFailures(layer);
  const line = `seed=${seed} hosts=${layer.fleet.hostCount} racks=${layer.fleet.rackCount} duration=${formatDuration(durationSec)} scenario=${file}`;
  if (reporter === "text") io.out(`${line}  # reproduce: fleet faults ${file} --seed ${seed} --duration ${formatDuration(durationSec)}\n`);
  const run = layer.sim.run({ until: durationSec, maxEvents: scenario.limits.maxEvents });
  if (run.reason === "maxEvents") {
    io.err(
      `fleet faults: stopped at ${formatTime(layer.sim.now)} after ${run.events} events, the safety limit (limits.maxEvents); raise it with --max-events if you mean it\n`,
    );
    return EXIT.usage;
  }
  const report = faultsReport(layer, { scenario, file, seed, durationSec }, failures);
  if (reporter === "json") io.out(`${JSON.stringify({ seedLine: line, ...report })}\n`);
  else io.out(formatFaultsText(report, top));
  return EXIT.ok;
}

/** Listens for single-place failures (a disk, or one host), by kind, in time order. */
export function collectFailures(layer: FaultLayer): Map<string, FailurePoint[]> {
  const out = new Map<string, FailurePoint[]>();
  layer.trace.addListener({
    onFault(e) {
      if (e.kind.effect.class !== "down") return;
      const host = e.ref?.kind === "host" ? e.ref.index : -1;
      if (host < 0) return;
      let list = out.get(e.kind.name);
      if (!list) out.set(e.kind.name, (list = []));
      list.push({ timeSec: e.at, host, disk: e.kind.effect.on === "disk" ? (e.detail.disk as number) : -1 });
    },
  });
  return out;
}

/** Everything `fleet faults` shows, as plain data (the JSON reporter prints it as is). */
export function faultsReport(
  layer: FaultLayer,
  o: { scenario: Scenario; file: string; seed: number; durationSec: number },
  failures: Map<string, FailurePoint[]> = new Map(),
): FaultsReport {
  const { fleet, trace, sim } = layer;
  const expected = new Map<string, number>();
  const variance = new Map<string, number>();
  for (const inj of layer.injectors) {
    const mean = inj.expected?.(fleet, o.durationSec) ?? {};
    const spread = inj.variance?.(fleet, o.durationSec) ?? {};
    for (const [kind, n] of Object.entries(mean)) {
      expected.set(kind, (expected.get(kind) ?? 0) + (n ?? 0));
      variance.set(kind, (variance.get(kind) ?? 0) + (spread[kind] ?? n ?? 0));
    }
  }
  const kindNames = new Set<string>([...expected.keys(), ...trace.counts.keys()]);
  const kinds: KindRow[] = [...kindNames].sort().map((kind) => {
    const c = trace.counts.get(kind);
    const observed = c?.events ?? 0;
    const e = expected.get(kind);
    if (e === undefined) return { kind, observed, hostsHit: c?.hostsHit ?? 0, expected: null, low: null, high: null, outside: false };
    const sd = Math.sqrt(variance.get(kind) ?? e);
    const low = Math.max(0, e - 2 * sd);
    const high = e + 2 * sd;
    return { kind, observed, hostsHit: c?.hostsHit ?? 0, expected: e, low, high, outside: observed < low || observed > high };
  });

  const rows: DomainRow[] = [];
  const dcs = new Map<string, DomainRow>();
  for (const [id, byKind] of trace.byDomain) {
    if (id.startsWith("link/")) continue; // links are not in a datacenter; the timeline shows them
    const row: DomainRow = { id, total: 0, byKind: {} };
    for (const [kind, n] of byKind) {
      row.byKind[kind] = n;
      row.total += n;
    }
    rows.push(row);
    const dcId = id.split("/")[0];
    let dc = dcs.get(dcId);
    if (!dc) dcs.set(dcId, (dc = { id: dcId, total: 0, byKind: {} }));
    dc.total += row.total;
    for (const [kind, n] of byKind) dc.byKind[kind] = (dc.byKind[kind] ?? 0) + n;
  }
  const byTotal = (a: DomainRow, b: DomainRow) => b.total - a.total || (a.id < b.id ? -1 : 1);

  return {
    seed: o.seed,
    scenario: o.file,
    name: o.scenario.name,
    hosts: fleet.hostCount,
    racks: fleet.rackCount,
    durationSec: o.durationSec,
    kinds,
    rows: rows.filter((r) => r.id.includes("/")).sort(byTotal),
    datacenters: [...dcs.values()].sort(byTotal),
    correlated: trace.correlated.map((c) => ({
      at: c.at,
      kind: c.kind.name,
      target: c.target,
      durationSec: Number.isFinite(c.untilSec) ? c.untilSec - c.at : null,
      hosts: c.hosts,
    })),
    processes: [...failures.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([kind, points]) => ({ kind, ...failureStats(points, fleet, 0, o.durationSec) })),
    records: trace.records,
    events: sim.eventsProcessed,
    digest: trace.digestHex(),
  };
}

const n = (x: number) => x.toLocaleString("en-US");
const approx = (x: number) => (x >= 100 ? n(Math.round(x)) : String(+x.toFixed(1)));

function table(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function topKinds(byKind: Partial<Record<string, number>>, k: number): string {
  return Object.entries(byKind)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([kind, v]) => `${kind} ${n(v ?? 0)}`)
    .join(", ");
}

/** The text reporter: the seed line is printed before the run, this after it. */
export function formatFaultsText(r: FaultsReport, top = 10): string {
  const out: string[] = [""];
  const outside = r.kinds.filter((k) => k.outside).length;
  out.push(`faults by kind (expected from the configured rates; band: ±2 sigma; ! outside)`);
  if (r.kinds.length === 0) out.push("  none: the scenario configures no faults");
  else {
    out.push(
      ...table(
        ["kind", "observed", "expected", "band", "hosts hit", ""],
        r.kinds.map((k) => [
          k.kind,
          n(k.observed),
          k.expected === null ? "-" : approx(k.expected),
          k.low === null || k.high === null ? "" : `${approx(k.low)}..${approx(k.high)}`,
          k.hostsHit ? n(k.hostsHit) : "",
          k.outside ? "!" : "",
        ]),
        new Set([1, 2, 4]),
      ),
    );
    if (outside) out.push(`  ${outside} kind${outside === 1 ? "" : "s"} outside the band (about 1 in 20 is, by chance)`);
  }

  for (const [title, list] of [
    ["datacenters", r.datacenters],
    ["rows", r.rows],
  ] as const) {
    out.push("", `faults by ${title === "rows" ? "row" : "datacenter"} (top ${Math.min(top, list.length)} of ${list.length})`);
    if (list.length === 0) out.push("  none");
    else
      out.push(
        ...table(
          [title === "rows" ? "row" : "datacenter", "faults", "most"],
          list.slice(0, top).map((d) => [d.id, n(d.total), topKinds(d.byKind, 3)]),
          new Set([1]),
        ),
      );
  }

  if (r.processes.length) {
    out.push("", "failure processes (as a failure log would show them; var/mean is 1 for a Poisson process)");
    out.push(
      ...table(
        ["kind", "failures", "per year", "by year", "weekly var/mean", "repeats 30d", "rack var/mean", "host var/mean"],
        r.processes.map((p) => [
          p.kind,
          n(p.events),
          approx(p.perYear),
          p.byYear.length > 1 ? p.byYear.map(n).join(" ") : "",
          p.weeks > 1 ? p.weeklyDispersion.toFixed(1) : "-",
          `${(p.repeatShare * 100).toFixed(1)}%`,
          p.rackDispersion.toFixed(1),
          p.hostDispersion.toFixed(1),
        ]),
        new Set([1, 2, 4, 5, 6, 7]),
      ),
    );
  }

  out.push("", `correlated events (${n(r.correlated.length)})`);
  if (r.correlated.length === 0) out.push("  none");
  else {
    const shown = r.correlated.slice(0, TEXT_TIMELINE_MAX);
    out.push(
      ...table(
        ["time", "kind", "target", "duration", "hosts"],
        shown.map((c) => [formatTime(c.at, true), c.kind, c.target, c.durationSec === null ? "-" : formatDuration(c.durationSec), n(c.hosts)]),
        new Set([0, 3, 4]),
      ),
    );
    if (r.correlated.length > shown.length) out.push(`  ... and ${n(r.correlated.length - shown.length)} more (--reporter json lists them all)`);
  }

  out.push("", `digest ${r.digest}  (${n(r.records)} fault records, ${n(r.events)} events)`);
  return `${out.join("\n")}\n`;
}
