// `fleet replay JOURNAL --policy NAME|FILE`: the recorded faults met by another policy,
// before and after (src/replay/counterfactual.ts).
import { UsageError } from "../../base/errors.js";
import { didYouMean } from "../../base/issues.js";
import { EXIT, type Io } from "../../base/io.js";
import { formatDuration, formatTime } from "../../base/units.js";
import type { JournalReadResult } from "../../journal/index.js";
import { beforeAfter, formatBeforeAfter } from "../../replay/before-after.js";
import { choosePolicy, runCounterfactual } from "../../replay/counterfactual.js";
import type { OrderComparison } from "../../replay/order-log.js";
import { recordedRun } from "../../replay/recorded.js";
import type { Assessment } from "../../replay/trust.js";
import { laneNames } from "../../run/session.js";
import type { Limits } from "../../scenario/load.js";
import { exitCodeOf, formatValue, type Verdict } from "../../slo/slo.js";
import { EDITED, type ReporterName, jsonNumbers, printDamage } from "./trust.js";

export async function policyMode(
  read: JournalReadResult,
  a: Assessment,
  name: string,
  policyArg: string,
  baseline: string | undefined,
  io: Io,
  reporter: ReporterName,
  limits: Partial<Limits>,
): Promise<number> {
  if (a.trust === "damaged") {
    printDamage(io, name, read, a);
    return EXIT.usage;
  }
  if (a.trust === "edited") {
    io.err(`${EDITED(name, read)}: its results cannot be trusted; fleet replay ${name} --verify names the changed line\n`);
    return EXIT.usage;
  }
  const rec = recordedRun(read.header!, name, io.cwd, limits);
  if (!rec.ok) {
    io.err(`fleet replay: ${rec.message}\n`);
    return EXIT.usage;
  }
  const run = rec.value;
  if (run.versionWarning) io.err(`warning: ${run.versionWarning}\n`);
  const lanes = laneNames(run.scenario).map((l) => l ?? "default");
  if (baseline !== undefined && !lanes.includes(baseline)) {
    const guess = didYouMean(baseline, lanes);
    throw new UsageError(
      `--baseline ${baseline}: no such recorded policy${guess ? ` (did you mean "${guess}"?)` : ""}; the recorded policies are ${lanes.join(", ")}`,
    );
  }
  const chosen = choosePolicy(policyArg, run, io.cwd);
  if (!chosen.ok) {
    io.err(`fleet replay: ${chosen.message}\n`);
    return EXIT.usage;
  }
  const cf = await runCounterfactual(read, run, chosen.value, { limits, otherVersion: run.versionWarning !== undefined });
  if (!cf.ok) {
    io.err(`fleet replay: ${cf.message}\n`);
    return cf.exitCode;
  }
  const { before, after, recordedTraceDigest, slo, notes, beforeSource } = cf.value;
  const beforeShown = baseline !== undefined ? { [baseline]: before[baseline] ?? {} } : before;
  const orders = cf.value.orders.filter((c) => c.before in beforeShown);
  const t = beforeAfter(slo, beforeShown, after.metrics);
  const code = exitCodeOf(after.verdicts);
  const names = Object.keys(chosen.value.policies);
  const breached = after.verdicts.filter((v) => !v.ok);

  if (reporter === "json") {
    const doc = {
      journal: name,
      scenario: run.scenario.name,
      seed: run.seed,
      durationSec: run.durationSec,
      counterfactual: { policies: names, from: chosen.value.origin },
      traceDigest: { recorded: recordedTraceDigest, counterfactual: after.traceDigest, matches: true },
      before: { source: beforeSource, lanes: t.beforeLanes },
      after: { lanes: t.afterLanes },
      slo: slo.map((s) => ({ metric: s.metric, op: s.op, threshold: s.threshold, text: s.text })),
      rows: [...t.sloRows, ...t.otherRows],
      sameEverywhere: t.sameEverywhere,
      verdicts: after.verdicts,
      notes,
      orders,
      exitCode: code,
    };
    io.out(`${JSON.stringify(doc, jsonNumbers, 2)}\n`);
    return code;
  }
  const o = (s: string) => io.out(`${s}\n`);
  o(`counterfactual: ${names.join(", ")} (from ${chosen.value.origin}) against the recorded faults of ${name}`);
  o(
    `scenario=${run.scenario.name} seed=${run.seed} duration=${formatDuration(run.durationSec)}; fault trace ${after.traceDigest.slice(0, 16)}… equals the recorded one`,
  );
  for (const note of notes) o(`note: ${note}`);
  o(`before: ${beforeSource === "footer" ? "the recorded results, from the journal's footer" : "the recorded policies, re-run"}; after: the counterfactual`);
  o("");
  o(formatBeforeAfter(t));
  o("");
  for (const c of orders) o(orderLine(c));
  if (orders.length) o("");
  if (slo.length === 0) o("verdict: the scenario states no SLOs");
  else if (breached.length === 0) o(`verdict: ${names.join(", ")} ${names.length === 1 ? "holds" : "hold"} every SLO against the recorded faults`);
  else
    o(`verdict: ${breached.map((v: Verdict) => `${v.policy} breaches ${v.metric} ${v.op} ${formatValue(v.threshold)} (${formatValue(v.value)})`).join("; ")}`);
  o(`exit ${code}`);
  return code;
}

/** Where an async job's update order under the counterfactual parts from a recorded policy's. */
function orderLine(c: OrderComparison): string {
  const head = `update order of job ${c.job}: after ${c.after} against before ${c.before}:`;
  if (!c.parts) return `${head} the same in all ${c.same} checkpoint intervals`;
  const kept = c.same === 0 ? "no interval before it" : c.same === 1 ? "interval 1 the same" : `intervals 1-${c.same} the same`;
  return `${head} parts at checkpoint interval ${c.parts.interval} (ending at ${formatTime(c.parts.at)}); ${kept}`;
}
