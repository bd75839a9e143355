// The counterfactual: the recorded run's faults, met by another policy. The recorded
// scenario is re-run with the same seed and duration and its `policies:` replaced by the
// chosen one(s); faults depend only on the scenario and the seed (DESIGN.md invariant 2),
// so the re-run meets the recorded fault trace, and that is checked, not assumed: its
// trace digest must equal the one in the journal's footer.
//
// The recorded policies are not re-run: their final metrics are in the footer. Only a
// journal without a complete footer (interrupted, killed) has them re-run, and says so.
//
// One case where the trace cannot be the recorded one: on fleets large enough that
// straggler episodes are aggregated (src/faults/straggler.ts), episodes are simulated one
// by one only on the hosts a job may use, including the most spares any policy of the
// scenario keeps. A counterfactual keeping a different largest spare fraction than the
// recorded policies changes that set of hosts, and with it the trace; this is reported
// with the two figures rather than papered over.
//
// Asynchronous training jobs log the order of their updates (./order-log.ts): the
// counterfactual's log is compared with each recorded policy's that has one, and the
// result says at which checkpoint interval the two orders part.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { digestOnlyJournal, type JournalReadResult } from "../journal/index.js";
import { runScenario, type RunOutcome } from "../run/session.js";
import { didYouMean, formatIssue, formatIssues } from "../base/issues.js";
import { loadScenarioText, type Limits, type Scenario } from "../scenario/load.js";
import type { Slo } from "../slo/slo.js";
import { VERSION } from "../base/version.js";
import { compareOrders, type OrderComparison, orderEntryOf, orderLogs } from "./order-log.js";
import { loadPolicyFile } from "./policy-file.js";
import type { RecordedRun } from "./recorded.js";
import { policyAsWritten, withSection } from "./scenario-edit.js";

export type LaneValues = Record<string, Record<string, number>>;

export interface PolicyChoice {
  /** Policy name -> settings as written, to put in the scenario's `policies:`. */
  policies: Record<string, unknown>;
  /** Where they come from, for messages: "the recorded scenario" or the file as given. */
  origin: string;
  /** The file, when they come from one. */
  file?: string;
}

export type Choice = { ok: true; value: PolicyChoice } | { ok: false; message: string };

function looksLikeFile(arg: string, cwd: string): boolean {
  if (/[\\/]/.test(arg) || /\.(ya?ml|json)$/i.test(arg)) return true;
  const p = resolve(cwd, arg);
  return existsSync(p) && statSync(p).isFile();
}

/**
 * `--policy NAME|FILE`: a policy of the recorded scenario by name, or a YAML file of one
 * policy's settings or a `policies:` map. A recorded policy's name wins over a file of
 * the same name (write ./name to mean the file).
 */
export function choosePolicy(arg: string, run: RecordedRun, cwd: string): Choice {
  const names = Object.keys(run.scenario.policies);
  if (names.includes(arg)) {
    let settings: unknown;
    try {
      settings = policyAsWritten(run.scenario.source.text, arg);
    } catch (e) {
      return { ok: false, message: `--policy ${arg}: cannot read it from the recorded scenario: ${(e as Error).message}` };
    }
    return { ok: true, value: { policies: { [arg]: settings ?? {} }, origin: "the recorded scenario" } };
  }
  if (!looksLikeFile(arg, cwd)) {
    const guess = didYouMean(arg, names);
    const known = names.length ? `the recorded scenario's policies are ${names.join(", ")}` : "the recorded scenario has no policies";
    return {
      ok: false,
      message: `--policy ${arg}: no policy "${arg}" in the recorded scenario${guess ? ` (did you mean "${guess}"?)` : ""}; ${known}, or give a YAML file of policy settings`,
    };
  }
  const r = loadPolicyFile(resolve(cwd, arg));
  if (!r.ok) return { ok: false, message: formatIssues(arg, r.issues) };
  return { ok: true, value: { policies: r.policies, origin: arg, file: arg } };
}

export interface CounterfactualResult {
  /** The recorded policies' final metrics, per lane. */
  before: LaneValues;
  beforeSource: "footer" | "re-run";
  /** The counterfactual run: one lane per chosen policy. */
  after: RunOutcome;
  recordedTraceDigest: string;
  slo: Slo[];
  notes: string[];
  /** Where each async job's update order under the counterfactual parts from each recorded policy's (none without async training). */
  orders: OrderComparison[];
}

export type Counterfactual = { ok: true; value: CounterfactualResult } | { ok: false; exitCode: 2 | 3; message: string };

export interface CounterfactualOptions {
  limits?: Partial<Limits>;
  /** The journal was written by another fleet version (a trace mismatch is then no bug of this build). */
  otherVersion?: boolean;
}

const maxSpares = (s: Scenario): number => Math.max(0, ...Object.values(s.policies).map((p) => p.spares));

export async function runCounterfactual(
  read: JournalReadResult,
  run: RecordedRun,
  choice: PolicyChoice,
  opts: CounterfactualOptions = {},
): Promise<Counterfactual> {
  const footer = read.footer;
  if (footer?.status === "failed") {
    return {
      ok: false,
      exitCode: 2,
      message: `the recorded run failed${footer.error ? ` (${footer.error})` : ""}: there is no result to compare a counterfactual with`,
    };
  }
  const notes: string[] = [];
  const base = { seed: run.seed, durationSec: run.durationSec, fleetVersion: VERSION };

  let before: LaneValues;
  let recordedTraceDigest: string;
  let beforeSource: "footer" | "re-run";
  const footerTrace = footer?.metrics.traceDigest;
  if (footer?.status === "complete" && typeof footerTrace === "string") {
    before = {};
    for (const [lane, m] of Object.entries(footer.metrics))
      if (m !== null && typeof m === "object" && !Array.isArray(m)) before[lane] = m as Record<string, number>;
    // JSON turned NaN into null; a missing value reads as NaN again.
    for (const m of Object.values(before)) for (const k of Object.keys(m)) if (m[k] === null) m[k] = NaN;
    recordedTraceDigest = footerTrace;
    beforeSource = "footer";
  } else {
    const why = !footer
      ? "the journal has no footer"
      : footer.status === "interrupted"
        ? `the recorded run was interrupted at ${footer.at}s`
        : "the footer holds no trace digest";
    notes.push(`${why}: the recorded policies were re-run over the whole ${run.durationSec}s to get their results`);
    const again = await runScenario(run.scenario, { ...base, journal: digestOnlyJournal(), headerOptions: { replay: "recorded" } });
    if (again.status !== "complete")
      return { ok: false, exitCode: 3, message: `re-running the recorded policies failed: ${(again.error ?? again.status).split("\n")[0]}` };
    before = again.metrics;
    recordedTraceDigest = again.traceDigest;
    beforeSource = "re-run";
  }

  let text: string;
  try {
    text = withSection(run.scenario.source.text, "policies", choice.policies);
  } catch (e) {
    return { ok: false, exitCode: 2, message: `cannot edit the recorded scenario: ${(e as Error).message}` };
  }
  const loaded = loadScenarioText(text, run.scenario.source.file, { limits: opts.limits });
  if (!loaded.ok) {
    // Positions would point into the edited text, which the user never saw: leave them out.
    const lines = loaded.issues.map((i) => formatIssue(choice.origin, { ...i, line: undefined, column: undefined }));
    return { ok: false, exitCode: 2, message: `the policy from ${choice.origin} does not fit the recorded scenario:\n${lines.join("\n")}` };
  }
  const scenario = loaded.value;
  const afterOrders: unknown[] = [];
  const after = await runScenario(scenario, {
    ...base,
    journal: digestOnlyJournal(),
    headerOptions: { replay: "counterfactual" },
    observer: { onRecord: (t, at, fields) => void (orderEntryOf({ t, at, ...fields }) && afterOrders.push({ t, at, ...fields })) },
  });
  if (after.status !== "complete") {
    const msg = (after.error ?? after.status).split("\n")[0];
    return { ok: false, exitCode: /safety limit/.test(msg) ? 2 : 3, message: `the counterfactual run did not complete: ${msg}` };
  }
  if (after.traceDigest !== recordedTraceDigest) {
    const head = `the counterfactual met another fault trace than the recorded run (trace digest ${after.traceDigest.slice(0, 12)} vs recorded ${recordedTraceDigest.slice(0, 12)}), so it is no counterfactual of this run`;
    if (beforeSource === "footer") {
      // Does this build reproduce the recorded faults at all? (Only on this failure path.)
      const again = await runScenario(run.scenario, { ...base, journal: digestOnlyJournal(), headerOptions: { replay: "recorded" } });
      if (again.traceDigest !== recordedTraceDigest) {
        const who = opts.otherVersion ? "another fleet version" : `another build of fleet ${VERSION} (the code changed since)`;
        return {
          ok: false,
          exitCode: 2,
          message: `${head}: this build does not reproduce the recorded faults either (its re-run of the recorded policies gives ${again.traceDigest.slice(0, 12)}); the journal was written by ${who}; fleet replay JOURNAL --verify shows the first record that differs`,
        };
      }
    }
    const recordedSpares = maxSpares(run.scenario);
    const cfSpares = maxSpares(scenario);
    if (recordedSpares !== cfSpares) {
      return {
        ok: false,
        exitCode: 2,
        message: `${head}: the recorded policies keep up to ${fmtPct(recordedSpares)} spares, the counterfactual ${fmtPct(cfSpares)}, and where straggler episodes are aggregated (large fleets, long runs) the hosts a job may use shape the fault trace; give the counterfactual spares: ${fmtPct(recordedSpares)}`,
      };
    }
    return { ok: false, exitCode: 3, message: `internal error: ${head}; faults must not depend on policy` };
  }
  const orders = compareOrders(orderLogs(read.records), orderLogs(afterOrders), Object.keys(before));
  return { ok: true, value: { before, beforeSource, after, recordedTraceDigest, slo: run.scenario.slo, notes, orders } };
}

function fmtPct(x: number): string {
  return `${+(x * 100).toPrecision(4)}%`;
}
