// `fleet fit LOG.csv --map MAP.yaml --scenario S.yaml`: fits the disk (or host) failure process to a
// real failure log (src/field/fit.ts) and writes a `faults:` block for the scenario, with
// comments saying what was fitted from how many failures and the 95% intervals. Then it
// simulates the fitted model on the scenario's fleet over the log's span, once per seed,
// and prints the log's statistics beside the traces' (src/field/gof.ts): where the log
// falls outside the traces' 90% band, the model does not fit, and the table says so.
//
// Without -o the block goes to stdout and the report to stderr (so `> fit.yaml` works).
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatDuration, parseDuration, type UnitError } from "../base/units.js";
import { type FailureFit, type FitUnit, fitFailures } from "../field/fit.js";
import { pct, UNIT_WORDS } from "../field/fit-yaml.js";
import { calibrateFit, type Gof, goodnessOfFit } from "../field/gof.js";
import { type FailureLog, LogError, readFailureLog } from "../field/log.js";
import { type FailurePoint, failureStats } from "../field/stats.js";
import { formatUtc } from "../field/time.js";
import { buildFleet } from "../fleet/build.js";
import { choice, flag, int, type OptionSpec, parse, str } from "./args.js";
import { loadLogInputs } from "./import.js";

const options: OptionSpec = {
  map: { type: "string" },
  scenario: { type: "string" },
  out: { type: "string", short: "o" },
  "age-at-start": { type: "string" },
  seeds: { type: "string" },
  reporter: { type: "string" },
  kind: { type: "string" },
  "skip-bad": { type: "boolean" },
  force: { type: "boolean" },
};

export const fitUsage = `fleet fit LOG.csv --map MAP.yaml --scenario SCENARIO [-o FIT.yaml] [options]

Fits fleet's disk failure model (or host crash model, --kind host) to a failure
log (read as fleet import reads it) on the scenario's fleet, and writes a
faults: block with comments: the failure rate by age (early-life failures
included when the log covers them), bursts (a compound Poisson process: mean
size and dispersion), repeats at the same place and how unevenly hosts fail,
with 95% intervals; three of them are matched by simulation to the log's
statistics (a closed form falls short on bursty logs). Then it simulates the
fitted model over the log's span on the same fleet, once per seed, and prints
the log's statistics beside the traces': failures (per year), weekly dispersion
(var/mean of weekly counts: 1 for a Poisson process), the share repeating at the
same place within 30 days, and how unevenly racks and hosts fail. A log value
outside the traces' 90% band (5th to 95th percentile) is where the model does
not fit; the table names it (a right model misses 1 statistic in 10 by chance).

One kind is fitted at a time (disk failures or host crashes); the log's other
records are counted and left out.

Options:
  --map FILE          the mapping file (required; see fleet import --help)
  --scenario FILE     the scenario whose fleet the log is from (required): its
                      disks (hosts) are the population the rates are per
  -o, --out FILE      write the faults: block here (default: stdout; the report
                      goes to stderr)
  --kind K            disk or host: which failures to fit (default: the kind
                      with more records in the log; the others are counted and
                      left out)
  --age-at-start D    the disks' (hosts') age at the log's first failure,
                      e.g. 6y (default 0s: ages are then time since the log's
                      start, which the block says)
  --seeds N           simulated traces for the goodness-of-fit table
                      (default 20)
  --reporter R        text or json (default: text)
  --skip-bad          count rows that cannot be mapped as skipped instead of
                      failing
  --force             overwrite FIT.yaml

Exit codes: 0 fitted, 2 bad input (the file and line, and what to fix), 3 fleet
failed.

Examples:
  fleet fit examples/field/lanl-campaign-disk-failures.csv \\
    --map examples/field/campaign.map.yaml \\
    --scenario examples/field/campaign.yaml --age-at-start 6.3y -o fit.yaml`;

/**
 * Traces per step of the simulated matching (src/field/gof.ts calibrate): a bursty log's
 * weekly dispersion varies ~40% from trace to trace, so the mean of 24 is good to ~8%.
 */
const CALIBRATION_SEEDS = 24;

/** Where the model misses a statistic, said in words: `more` when the log is above the band. */
const MISS: Record<string, (more: boolean) => string> = {
  events: (more) => `the log has ${more ? "more" : "fewer"} failures than the fitted rates give (the rate moved in ways the yearly pieces do not follow)`,
  perYear: (more) => `as above, per year (${more ? "more" : "fewer"} in the log)`,
  weeklyDispersion: (more) =>
    `the log's weeks vary ${more ? "more" : "less"} than the model's: its bursts cluster in ways a compound Poisson process does not follow`,
  repeatShare: (more) => `places fail again within 30 days ${more ? "more" : "less"} often in the log than in the model`,
  closeShare: (more) =>
    `failures in the log come ${more ? "closer together" : "further apart"} within the hour than the model's bursts put them: durability verdicts depend on it`,
  rackDispersion: (more) =>
    `racks differ from one another ${more ? "more" : "less"} in the log than in the model (its per-host multiplier and its bursts set how unevenly racks fail)`,
  hostDispersion: (more) => `hosts differ from one another ${more ? "more" : "less"} in the log than in the model`,
  racksHit: (more) => `the log's failures touch ${more ? "more" : "fewer"} racks than the model's`,
};

export async function fitCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("fit", argv, options);
  if (p.positionals.length !== 1)
    throw new UsageError(`fit reads one log file, found ${p.positionals.length}${p.positionals.length ? `: ${p.positionals.join(" ")}` : ""}`);
  const logArg = p.positionals[0];
  const mapArg = str(p, "map");
  const scenarioArg = str(p, "scenario");
  if (mapArg === undefined) throw new UsageError("fit needs --map FILE: which columns hold the time, the kind and the location");
  if (scenarioArg === undefined) throw new UsageError("fit needs --scenario FILE: the fleet the log is from (its disks are the population)");
  const reporter = choice(p, "reporter", ["text", "json"] as const) ?? "text";
  const seedCount = int(p, "seeds", { min: 2, max: 1000 }) ?? 20;
  const ageArg = str(p, "age-at-start");
  let ageAtStartSec = 0;
  if (ageArg !== undefined) {
    try {
      ageAtStartSec = parseDuration(ageArg);
    } catch (e) {
      throw new UsageError(`--age-at-start: ${(e as UnitError).message}`);
    }
  }
  const outArg = str(p, "out");
  const at = (f: string) => resolve(io.cwd, f);
  if (outArg !== undefined && existsSync(at(outArg)) && !flag(p, "force")) throw new UsageError(`${outArg} exists; pass --force to overwrite it`);

  const inputs = loadLogInputs(mapArg, scenarioArg, io, at);
  if (typeof inputs === "number") return inputs;
  const { mapping, scenario } = inputs;
  const spec = scenario.value.fleet;
  const fleet = buildFleet(spec);
  let log: FailureLog;
  try {
    log = readFailureLog(at(logArg), mapping.value, fleet, { skipBad: flag(p, "skip-bad"), name: logArg });
  } catch (e) {
    if (!(e instanceof LogError)) throw e;
    io.err(`${e.message.replaceAll(at(logArg), logArg)}\n`);
    return EXIT.usage;
  }
  const unitArg = choice(p, "kind", ["disk", "host"] as const);
  const count = (u: FitUnit) => log.records.filter((r) => r.kind === u && r.host >= 0).length;
  const unit: FitUnit = unitArg ?? (count("host") > count("disk") ? "host" : "disk");
  const w = UNIT_WORDS[unit];
  const records = log.records.filter((r) => r.kind === unit && r.host >= 0);
  const others = log.records.length - records.length;
  if (records.length < 2) {
    throw new UsageError(
      `${logArg}: ${records.length} ${w.failures} mapped (of ${log.records.length} records); a fit needs at least two (disk failures or host crashes: --kind)`,
    );
  }
  const t0 = records[0].timeSec;
  const points: FailurePoint[] = records.map((r) => ({ timeSec: r.timeSec - t0, host: r.host, disk: unit === "disk" ? (r.params.index as number) : -1 }));
  const spanSec = records[records.length - 1].timeSec - t0 + 1;
  const fit = fitFailures(points, fleet, spanSec, { unit, ageAtStartSec, startEpochSec: t0 });
  const source = { log: logArg, firstIso: formatUtc(t0), lastIso: formatUtc(records[records.length - 1].timeSec), ageGiven: ageArg !== undefined };
  const logStats = failureStats(points, fleet, 0, spanSec);
  const { yaml, settings } = calibrateFit(fit, source, logStats, {
    spec,
    fleet,
    spanSec,
    seeds: Array.from({ length: CALIBRATION_SEEDS }, (_, i) => 1001 + i),
  });
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const gof = goodnessOfFit(logStats, { spec, fleet, settings, spanSec, seeds });

  if (outArg !== undefined) writeFileSync(at(outArg), yaml);
  if (reporter === "json") {
    const { runs: _runs, ...table } = gof;
    const json = JSON.stringify({ log: logArg, unit, units: fit.units, others, fit, gof: table, yaml });
    (outArg !== undefined ? io.out : io.err)(`${json}\n`);
    if (outArg === undefined) io.out(yaml);
    return EXIT.ok;
  }
  const say = outArg !== undefined ? io.out : io.err;
  say(`${report(fit, gof, { logArg, others, skipped: log.skipped.reduce((n, s) => n + s.count, 0), outArg }).join("\n")}\n`);
  if (outArg === undefined) io.out(yaml);
  return EXIT.ok;
}

function fixed(x: number, digits: number): string {
  return digits === 0 ? Math.round(x).toLocaleString("en-US") : x.toFixed(digits);
}

/** The text report: what was fitted, then the goodness-of-fit table and where it misses. */
export function report(fit: FailureFit, gof: Gof, o: { logArg: string; others: number; skipped: number; outArg?: string }): string[] {
  const days = Math.round(fit.spanSec / 86400);
  const w = UNIT_WORDS[fit.unit];
  const lines = [
    `fit ${o.logArg}: ${fit.events.toLocaleString("en-US")} ${w.failures} on ${fit.units.toLocaleString("en-US")} ${w.units} over ${days} days` +
      `${o.others ? `; ${o.others} records of other kinds left out` : ""}${o.skipped ? `; ${o.skipped} rows skipped` : ""}`,
    "",
    ...(fit.hourlyGrid
      ? [
          `note: ${pct(fit.hourlyGrid)} of the log's times fall in the same 5 minutes of the hour: it was written by an hourly check, so failures`,
          "less than an hour apart cannot be told apart; those found by one check are taken as simultaneous (bursts' `together`), which",
          "makes data loss from a burst more likely than if they were spread over the hour",
        ]
      : []),
    "",
    "fitted (95% intervals)",
  ];
  const ages = fit.pieces.map((piece) =>
    piece.before ? `0..${formatDuration(piece.toAgeSec)} (new ${w.units}: the mean)` : `${formatDuration(piece.fromAgeSec)}..${formatDuration(piece.toAgeSec)}`,
  );
  const agesWidth = Math.max(...ages.map((a) => a.length));
  fit.pieces.forEach((piece, i) => {
    lines.push(
      `  ${w.perYear}, ages ${ages[i].padEnd(agesWidth)}  ${pct(piece.afrPerYear).padStart(6)}  [${pct(piece.interval.low)}, ${pct(piece.interval.high)}]  ${piece.events} failures`,
    );
  });
  const b = fit.bursts;
  lines.push(
    `  bursts (failures < ${formatDuration(b.gapSec)} apart)   ${b.bursts} bursts, mean size ${b.sizeMean.toFixed(2)} [${b.interval.sizeMean.low.toFixed(2)}, ${b.interval.sizeMean.high.toFixed(2)}], dispersion ${b.dispersion.toFixed(1)}${b.calibrated ? ` (matched by simulation; first estimate ${(b.weeklyDispersion - b.drift).toFixed(1)} ` : " ("}[${b.interval.dispersion.low.toFixed(1)}, ${b.interval.dispersion.high.toFixed(1)}])`,
    `  burst members with the first ${pct(b.together)}, the others ${formatDuration(b.spreadSec)} after it on average; in the first failure's rack ${pct(b.sameRack)} [${pct(b.interval.sameRack.low)}, ${pct(b.interval.sameRack.high)}]`,
    `  repeats at the same slot: chance ${pct(fit.repeat.chance)}${fit.repeat.calibrated ? ` (matched by simulation; first estimate ${pct(fit.repeat.calibrated.first)} ` : " ("}[${pct(fit.repeat.interval.chance.low)}, ${pct(fit.repeat.interval.chance.high)}]), mean delay ${formatDuration(fit.repeat.afterSec)}`,
    ...(["height", "row"] as const).flatMap((k) => {
      const q = fit.position[k];
      if (!q) return [];
      const what = k === "height" ? "top of a rack over bottom" : "last row over first";
      return [
        `  ${what}: ${q.ratio.toFixed(2)}x [${q.interval.low.toFixed(2)}, ${q.interval.high.toFixed(2)}]${q.applies ? "" : " (no effect beyond the noise: written as 1x)"}`,
      ];
    }),
    ...(fit.places
      ? [
          `  places: variation ${fit.places.variation} of a per-host multiplier (host var/mean ${fit.places.target.toFixed(1)} in the log, ${fit.places.without.toFixed(1)} without it)`,
        ]
      : []),
    "",
    `goodness of fit: the log beside ${gof.seeds.length} traces of the fitted model (seeds ${gof.seeds[0]}-${gof.seeds[gof.seeds.length - 1]}) on the same fleet and span`,
  );
  const header = ["statistic", "log", "model mean", "model 90% band", ""];
  const rows = gof.rows.map((r) => [
    r.label,
    fixed(r.log, r.digits),
    fixed(r.mean, r.digits),
    `${fixed(r.low, r.digits)}..${fixed(r.high, r.digits)}`,
    r.outside ? "✗ outside" : "✓",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`.trimEnd();
  lines.push(line(header), ...rows.map(line));
  const misses = gof.rows.filter((r) => r.outside);
  lines.push("");
  if (misses.length === 0) lines.push(`the model fits: every statistic of the log is inside the 90% band of the ${gof.seeds.length} traces`);
  else {
    lines.push(`the model does not fit ${misses.length} of ${gof.rows.length} statistics (a right model misses 1 in 10 by chance):`);
    for (const m of misses) lines.push(`  ${m.label}: ${MISS[m.key]?.(m.log > m.high) ?? "outside the traces' 90% band"}`);
  }
  lines.push(
    "",
    o.outArg !== undefined
      ? `wrote ${o.outArg}: paste its faults: block into the scenario (or replace the scenario's ${fit.unit} entry)`
      : "the faults: block follows on stdout",
  );
  return lines;
}
