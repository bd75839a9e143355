// `fleet metrics [PREFIX]`: every metric fleet reports, from the catalog (src/slo/
// catalog.ts): its unit, what can change it (a recovery policy, only the hardware what-if
// `ecc`, or nothing: the same in every lane, so an SLO on it judges every policy alike),
// the workload it needs, and one line of meaning. A PREFIX (`training`, `serving.p9`)
// keeps the names that start with it; `--json` prints the same as JSON.
import { type Io, EXIT } from "../base/io.js";
import { UsageError } from "../base/errors.js";
import type { MetricDef } from "../base/metric.js";
import { didYouMean } from "../base/issues.js";
import { wrap } from "../report/table.js";
import { METRICS } from "../slo/catalog.js";
import { WORKLOADS } from "../workloads/registry.js";
import { flag, parse, type OptionSpec } from "./args.js";

export const metricsUsage = `fleet metrics [PREFIX] [options]

Lists every metric an SLO may name: its unit, what can change it, the workload
it needs, and what it measures. "changed by": recovery (any policy setting), a
list of keys (only those, e.g. ecc), or "nothing" (the same in every policy: an
SLO on it gives every policy the same verdict). A metric of a workload exists
only in a scenario with that workload; with several services, each also has
serving.<name>.<metric>.

Options:
  --json                print the list as JSON

Examples:
  fleet metrics
  fleet metrics serving
  fleet metrics --json`;

const options: OptionSpec = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } };

interface Row {
  name: string;
  unit: string;
  changedBy: string;
  workload: string;
  doc: string;
}

function rowOf(m: MetricDef): Row {
  const owner = WORKLOADS.find((w) => w.metrics.includes(m));
  const changedBy = m.changedBy === undefined ? "recovery" : m.changedBy.length ? m.changedBy.join(", ") : "nothing";
  return { name: m.name, unit: m.unit, changedBy, workload: owner?.kind ?? "any", doc: m.doc };
}

export function metricsCommand(argv: string[], io: Io): number {
  const p = parse("metrics", argv, options);
  if (p.positionals.length > 1) throw new UsageError(`metrics takes at most one prefix, found ${p.positionals.length}`, "metrics");
  const prefix = p.positionals[0] ?? "";
  const rows = METRICS.filter((m) => m.name.startsWith(prefix))
    .map(rowOf)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!rows.length) {
    const near = didYouMean(prefix, [...new Set(METRICS.flatMap((m) => [m.name, m.name.split(".")[0]]))]);
    throw new UsageError(`no metric starts with "${prefix}"${near ? ` (did you mean "${near}"?)` : ""}`, "metrics");
  }
  if (flag(p, "json")) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  // One line per metric's facts, its meaning wrapped under it: 80 columns at most.
  const width = Math.min(40, Math.max(...rows.map((r) => r.name.length)));
  const out: string[] = [`${"metric".padEnd(width)}  ${"unit".padEnd(8)}  ${"workload".padEnd(8)}  changed by`];
  for (const r of rows) {
    const head = r.name.length > width ? `${r.name}\n${" ".repeat(width)}` : r.name.padEnd(width);
    out.push(`${head}  ${r.unit.padEnd(8)}  ${r.workload.padEnd(8)}  ${r.changedBy}`);
    out.push(...wrap(r.doc, 76).map((l) => `    ${l}`));
  }
  io.out(`${out.join("\n")}\n\n${rows.length} metric${rows.length === 1 ? "" : "s"}\n`);
  return EXIT.ok;
}
