// The text reporter: the seed line first, a progress line at every tenth of the run on
// stderr with the wall time left (./progress.ts; none with -q), then the summary, answer first: the verdict per policy and SLO (one
// row per SLO when the policies side by side would pass 80 columns) and the command that
// explains a breach, then the training interruptions and the serving errors and latency by
// cause (./serving-causes.ts), the metrics that differ
// between policies, those equal in all folded into one wrapped block, the faults by kind,
// where the journal is, the digests, and the verdict again in one line.
import type { EndInfo, Reporter, StartInfo } from "./reporter.js";
import type { Snapshot } from "../run/session.js";
import { formatDuration, formatTime } from "../base/units.js";
import { fmtNumber, table, wrap } from "./table.js";
import { formatPolicySloTable } from "../slo/slo.js";
import type { LaneMetrics } from "../run/lane.js";
import { metricInfo } from "../slo/catalog.js";
import { Progress } from "./progress.js";
import { isServingCauseMetric, servingCauseTables } from "./serving-causes.js";
import { answerLines, answers } from "./answer.js";
import type { Policy } from "../recovery/policy.js";

/** Interruptions by cause, one column per policy, as in published training reports. */
export function causeTable(metrics: Record<string, LaneMetrics>, lanes: string[]): string | undefined {
  const prefix = "training.interruptions.";
  const causes = [...new Set(lanes.flatMap((l) => Object.keys(metrics[l]).filter((k) => k.startsWith(prefix))))].sort();
  if (!causes.length) return undefined;
  const rows = causes.map((c) => [c.slice(prefix.length), ...lanes.map((l) => fmtNumber(metrics[l][c] ?? 0))]);
  rows.push(["total", ...lanes.map((l) => fmtNumber(metrics[l]["training.interruptions"] ?? 0))]);
  return table(["cause", ...lanes], rows, [], 80);
}

/** A metric's value for the table: latencies (metrics in seconds) as durations, 48.2ms. */
export function fmtMetric(name: string, value: number): string {
  return metricInfo(name)?.unit === "seconds" && Number.isFinite(value) ? formatDuration(value) : fmtNumber(value);
}

export interface TextReporterOptions {
  out: (s: string) => void;
  err: (s: string) => void;
  quiet?: boolean;
  /** Ticks and crosses; false prints ok / FAIL. */
  unicode?: boolean;
  /** Print a progress line at each of these fractions of the run (default every 10%). */
  progressEvery?: number;
}

export class TextReporter implements Reporter {
  private durationSec = 1;
  private progress: Progress | undefined;
  /** How to explain this run: `fleet explain FILE --seed N [--duration D]`. */
  private explainCommand = "";
  private policies: Record<string, Policy> = {};

  constructor(private readonly o: TextReporterOptions) {}

  start(info: StartInfo): void {
    this.durationSec = info.durationSec;
    this.policies = info.scenario.policies;
    if (!this.o.quiet)
      this.progress = new Progress({ err: this.o.err, durationSec: info.durationSec, firstLane: info.policies[0], every: this.o.progressEvery });
    const duration = info.durationSec !== info.scenario.durationSec ? ` --duration ${formatDuration(info.durationSec)}` : "";
    this.explainCommand = `fleet explain ${info.file} --seed ${info.seed}${duration}`;
    this.o.out(`${info.seedLine}\n`);
    if (!this.o.quiet && info.journalPath) this.o.out(`journal: ${info.journalPath}\n`);
  }

  onSnapshot(s: Snapshot): void {
    this.progress?.onSnapshot(s);
  }

  end(info: EndInfo): void {
    const { outcome } = info;
    const lanes = Object.keys(outcome.metrics);
    const o = this.o.out;
    o("\n");
    // The answer first: the verdict per policy and SLO, and where to ask why.
    if (outcome.verdicts.length) {
      o(`${formatPolicySloTable(outcome.verdicts, { unicode: this.o.unicode ?? true, maxWidth: 80 })}\n\n`);
      const breached = outcome.verdicts.filter((v) => !v.ok).length;
      const answer = answerLines(answers(outcome.verdicts, outcome.metrics, this.policies), 80, this.o.unicode ?? true);
      if (answer.length) o(`${answer.join("\n")}\n\n`);
      if (breached && outcome.status === "complete") {
        // The command stands alone on its line when the comment would pass 80 columns.
        const line = `explain: ${this.explainCommand}  # ${breached} breach${breached === 1 ? "" : "es"}, by fault`;
        o(line.length <= 80 ? `${line}\n\n` : `explain the ${breached} breach${breached === 1 ? "" : "es"} by fault:\n  ${this.explainCommand}\n\n`);
      }
    }
    if (lanes.length && !this.o.quiet) {
      const causes = causeTable(outcome.metrics, lanes);
      if (causes) o(`training interruptions by cause\n${causes}\n\n`);
      const serving = servingCauseTables(outcome.metrics, lanes);
      if (serving) o(`${serving}\n\n`);
      const metricNames = [...new Set(lanes.flatMap((l) => Object.keys(outcome.metrics[l])))].filter(
        (k) => !k.startsWith("faults.") && !k.startsWith("training.interruptions.") && !isServingCauseMetric(k),
      );
      // Rows equal in every policy are folded into one block under the table.
      const same = (m: string) => lanes.length > 1 && lanes.every((l) => outcome.metrics[l][m] === outcome.metrics[lanes[0]][m]);
      const differ = metricNames.filter((m) => !same(m));
      if (differ.length)
        o(
          `${table(
            ["metric", ...lanes],
            // A metric a lane does not report (backupHostHours without backup workers) is "-".
            differ.map((m) => [m, ...lanes.map((l) => (outcome.metrics[l][m] === undefined ? "-" : fmtMetric(m, outcome.metrics[l][m])))]),
            [],
            80,
          )}\n\n`,
        );
      const alike = metricNames.filter(same).map((m) => `${m} ${fmtMetric(m, outcome.metrics[lanes[0]][m])}`);
      if (alike.length) o(`${wrap(`the same in every policy: ${alike.join(", ")}`, 80, { indent: "  ", items: true }).join("\n")}\n\n`);
      const first = outcome.metrics[lanes[0]];
      const faults = Object.keys(first)
        .filter((k) => k.startsWith("faults."))
        .map((k) => `${k.slice("faults.".length)} ${fmtNumber(first[k])}`);
      o(faults.length ? `${wrap(`faults: ${faults.join(", ")}`, 80, { indent: "  ", items: true }).join("\n")}\n\n` : "no faults in this run\n\n");
    }
    const rate = info.wallSec > 0 ? Math.round(outcome.events / info.wallSec) : 0;
    o(
      `status: ${outcome.status} at ${formatTime(outcome.at)} of ${formatDuration(this.durationSec)} simulated; ${outcome.events.toLocaleString("en-US")} events in ${info.wallSec.toFixed(2)}s (${rate.toLocaleString("en-US")}/s)\n`,
    );
    if (outcome.error) o(`error: ${outcome.error.split("\n")[0]}\n`);
    if (info.journalPath) o(`journal: ${info.journalPath} (${info.journalComplete ? "complete" : "incomplete: readable up to its last record"})\n`);
    else o("journal: none (--no-journal)\n");
    if (outcome.footer) o(`digest: ${outcome.footer.digest}\n`);
    o(`fault trace: ${outcome.traceDigest}\n`);
    // The verdict again in one line, for a terminal where the table has scrolled away.
    if (outcome.verdicts.length) {
      const fail = (this.o.unicode ?? true) ? "✗" : "FAIL";
      const byPolicy = [...new Set(outcome.verdicts.map((v) => v.policy))].map((p) => {
        const mine = outcome.verdicts.filter((v) => v.policy === p);
        return `${p} ${mine.filter((v) => !v.ok).length} ${fail} of ${mine.length}`;
      });
      o(`${wrap(`verdict: ${byPolicy.join(", ")}`, 80, { indent: "  ", items: true }).join("\n")}\n`);
    }
    o(`exit ${info.exitCode}\n`);
  }
}
