// The `faults:` block `fleet fit` writes, with comments saying what was fitted, from how
// many failures, with 95% intervals; and the reader that turns that block back into the
// disk model's settings (the goodness-of-fit runs use the text, so what is checked is
// what the user gets).
import { parseDocument } from "yaml";
import { BAD, Ctx } from "../base/schema.js";
import { formatDuration } from "../base/units.js";
import { diskModel } from "../faults/disk.js";
import { hostCrashModel } from "../faults/host.js";
import type { FailureFit, FitSettings, FitUnit, Interval } from "./fit.js";

/** A fraction as a percentage with three significant digits: 0.07227 -> "7.23%". */
export function pct(x: number): string {
  if (x === 0) return "0%";
  return `${+(x * 100).toPrecision(3)}%`;
}
const num = (x: number) => String(+x.toPrecision(4));
const span = (i: Interval, f: (x: number) => string) => `${f(i.low)}..${f(i.high)}`;

export interface FitSource {
  log: string;
  firstIso: string;
  lastIso: string;
  ageGiven: boolean;
}

/** Words for a unit's failures: "disk failures" on "disks", rates "per disk-year". */
export const UNIT_WORDS: Record<FitUnit, { failures: string; units: string; perYear: string; notFitted: string; unused: string }> = {
  disk: {
    failures: "disk failures",
    units: "disks",
    perYear: "failures per disk-year",
    notFitted: "replace, latent sector errors, slow disks",
    unused: "      afr: 0%          # unused: the hazard below replaces it",
  },
  host: {
    failures: "host crashes",
    units: "hosts",
    perYear: "crashes per host-year",
    notFitted: "reboot, repairFraction, repair",
    unused: "      mtbf: off        # unused: the hazard below replaces it",
  },
};

/** The `faults:` block, commented. */
export function faultsYaml(fit: FailureFit, src: FitSource): string {
  const b = fit.bursts;
  const r = fit.repeat;
  const w = UNIT_WORDS[fit.unit];
  const days = Math.round(fit.spanSec / 86400);
  const lines = [
    `# Fitted by \`fleet fit\` to ${src.log}: ${fit.events.toLocaleString("en-US")} ${w.failures} on`,
    `# ${fit.units.toLocaleString("en-US")} ${w.units} over ${days} days (${src.firstIso} .. ${src.lastIso}). 95% intervals in comments.`,
    `# Not fitted (the log does not say): ${w.notFitted} (the model's defaults).`,
    "faults:",
    `  - ${fit.unit}:`,
    `      ageAtStart: ${formatDuration(fit.ageAtStartSec)}   # ${src.ageGiven ? `given (--age-at-start): the ${w.units}' age at the log's first failure` : "not given (--age-at-start): ages are time since the log's first failure"}`,
    "      ageSpread: 0s",
    w.unused,
    `      hazard:          # ${w.perYear} by age (bursts and repeats included)`,
  ];
  for (const p of fit.pieces) {
    const until = Number.isFinite(p.untilSec) ? `until: ${formatDuration(p.untilSec)}, ` : "";
    const where = p.before
      ? `ages before the log's (replacement ${w.units}): the log's mean rate, ${p.events} failures`
      : `${p.events} failures, the log's ages ${formatDuration(p.fromAgeSec)}..${formatDuration(p.toAgeSec)}`;
    lines.push(`        - { ${until}afr: ${pct(p.afrPerYear)} }   # ${span(p.interval, pct)}; ${where}`);
  }
  lines.push(
    `      bursts:          # ${b.bursts} bursts (failures under ${formatDuration(b.gapSec)} apart), ${b.multi} of two or more`,
    `        size: ${num(b.sizeMean)}        # mean failures per burst, ${span(b.interval.sizeMean, num)}`,
    b.calibrated
      ? `        dispersion: ${num(b.dispersion)}  # matched by simulation to the log's weekly var/mean ${num(b.weeklyDispersion)} (its ${b.calibrated.seeds} traces: ${num(b.calibrated.reached)}); first estimate ${num(b.weeklyDispersion - b.drift)} [${span(b.interval.dispersion, num)}]`
      : `        dispersion: ${num(b.dispersion)}  # the log's weekly var/mean ${num(b.weeklyDispersion)} less ${num(b.drift)} from the hazard's pieces, ${span(b.interval.dispersion, num)} (the bursts alone: ${num(b.burstDispersion)})`,
    `        together: ${pct(b.together)}    # of the other failures within a minute of the first${fit.hourlyGrid ? " (the log's times are on an hourly grid: failures found by one hourly check are taken as simultaneous, which is pessimistic)" : ""}`,
    `        spread: ${formatDuration(b.spreadSec)}      # mean time from a burst's first failure to its others`,
    `        sameRack: ${pct(b.sameRack)}    # of the other failures in the first one's rack, beyond chance; ${span(b.interval.sameRack, pct)}`,
    `      repeat:          # ${r.pairs} failures followed by another at the same place within ${formatDuration(r.horizonSec)} (of ${r.eligible}; ${num(r.background)} expected by chance)`,
    r.calibrated
      ? `        chance: ${pct(r.chance)}      # matched by simulation to the log's 30-day repeat share (its ${r.calibrated.seeds} traces: ${num(r.calibrated.reached)}); first estimate ${pct(r.calibrated.first)} [${span(r.interval.chance, pct)}]`
      : `        chance: ${pct(r.chance)}      # ${span(r.interval.chance, pct)}`,
    `        after: ${formatDuration(r.afterSec)}       # mean delay, exponential truncated at ${formatDuration(r.horizonSec)}`,
  );
  const pl = fit.places;
  const { height, row } = fit.position;
  if (pl || height || row) {
    lines.push("      places:          # some hosts fail more than others: a multiplier per host, mean 1");
    if (pl)
      lines.push(
        `        variation: ${num(pl.variation)}   # of a gamma multiplier, matched by simulation: host var/mean ${num(pl.target)} in the log, ${num(pl.without)} without it, ${num(pl.reached)} with it (${pl.seeds} seeds)`,
      );
    for (const [key, p, what] of [
      ["height", height, "the top host of a rack over the bottom one"],
      ["row", row, "the last row over the first"],
    ] as const) {
      if (!p) continue;
      const found = `${num(p.ratio)}x [${num(p.interval.low)}..${num(p.interval.high)}] from bursts' first failures over ${p.positions} positions`;
      lines.push(
        p.applies ? `        ${key}: ${num(p.ratio)}x   # ${what}: ${found}` : `        ${key}: 1x   # ${what}: no effect beyond the noise (${found})`,
      );
    }
  }
  // One space before a comment: YAML formatters (Biome) write it so, and the block is meant to be pasted.
  return `${lines.map((l) => l.replace(/ {2,}#/, " #")).join("\n")}\n`;
}

/** The settings of the first `- disk:` or `- host:` entry of a `faults:` block; throws with the schema's messages. */
export function settingsFromYaml(text: string): FitSettings {
  const doc = parseDocument(text);
  const faults = doc.get("faults") as { items?: { get(k: string, keep: true): unknown }[] } | undefined;
  const entry = faults?.items?.[0];
  const ctx = new Ctx(undefined);
  ctx.doc = doc;
  const fail = () => new Error(ctx.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  const disk = entry?.get("disk", true);
  if (disk !== undefined) {
    const v = diskModel.schema(disk, ["faults", 0, "disk"], ctx);
    if (v === BAD) throw fail();
    return { unit: "disk", settings: v };
  }
  const host = entry?.get("host", true);
  if (host !== undefined) {
    const v = hostCrashModel.schema(host, ["faults", 0, "host"], ctx);
    if (v === BAD) throw fail();
    return { unit: "host", settings: v };
  }
  throw new Error("the fitted block has no `- disk:` or `- host:` entry");
}
