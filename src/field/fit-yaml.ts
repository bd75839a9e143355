// The `faults:` block `fleet fit` writes, with comments saying what was fitted, from how
// many failures, with 95% intervals; and the reader that turns that block back into the
// disk model's settings (the goodness-of-fit runs use the text, so what is checked is
// what the user gets).
import { parseDocument } from "yaml";
import { BAD, Ctx } from "../base/schema.js";
import { formatDuration } from "../base/units.js";
import { type DiskSettings, diskModel } from "../faults/disk.js";
import type { DiskFit, Interval } from "./fit.js";

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

/** The `faults:` block, commented. */
export function diskFaultsYaml(fit: DiskFit, src: FitSource): string {
  const b = fit.bursts;
  const r = fit.repeat;
  const days = Math.round(fit.spanSec / 86400);
  const lines = [
    `# Fitted by \`fleet fit\` to ${src.log}: ${fit.events.toLocaleString("en-US")} disk failures on`,
    `# ${fit.disks.toLocaleString("en-US")} disks over ${days} days (${src.firstIso} .. ${src.lastIso}). 95% intervals in comments.`,
    "# Not fitted (the log does not say): replace, latent sector errors, slow disks (the model's defaults).",
    "faults:",
    "  - disk:",
    `      ageAtStart: ${formatDuration(fit.ageAtStartSec)}   # ${src.ageGiven ? "given (--age-at-start): the disks' age at the log's first failure" : "not given (--age-at-start): ages are time since the log's first failure"}`,
    "      ageSpread: 0s",
    "      afr: 0%          # unused: the hazard below replaces it",
    "      hazard:          # failures per disk-year by age (bursts and repeats included)",
  ];
  for (const p of fit.pieces) {
    const until = Number.isFinite(p.untilSec) ? `until: ${formatDuration(p.untilSec)}, ` : "";
    const where = p.before
      ? `ages before the log's (replacement disks): the log's mean rate, ${p.events} failures`
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
    `        chance: ${pct(r.chance)}      # ${span(r.interval.chance, pct)}`,
    `        after: ${formatDuration(r.afterSec)}       # mean delay, exponential truncated at ${formatDuration(r.horizonSec)}`,
  );
  const pl = fit.places;
  if (pl) {
    lines.push(
      "      places:          # some hosts fail more than others: gamma multiplier per host, mean 1",
      `        variation: ${num(pl.variation)}   # matched by simulation: host var/mean ${num(pl.target)} in the log, ${num(pl.without)} without it, ${num(pl.reached)} with it (${pl.seeds} seeds)`,
    );
  }
  // One space before a comment: YAML formatters (Biome) write it so, and the block is meant to be pasted.
  return `${lines.map((l) => l.replace(/ {2,}#/, " #")).join("\n")}\n`;
}

/** The disk settings of the first `- disk:` entry of a `faults:` block; throws with the schema's messages. */
export function diskSettingsFromYaml(text: string): DiskSettings {
  const doc = parseDocument(text);
  const faults = doc.get("faults") as { items?: { get(k: string, keep: true): unknown }[] } | undefined;
  const node = faults?.items?.[0]?.get("disk", true);
  if (node === undefined) throw new Error("the fitted block has no `- disk:` entry");
  const ctx = new Ctx(undefined);
  ctx.doc = doc;
  const v = diskModel.schema(node, ["faults", 0, "disk"], ctx);
  if (v === BAD) throw new Error(ctx.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return v;
}
