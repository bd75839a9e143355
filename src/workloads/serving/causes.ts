// Why queries failed or ran slow (issue 17): every measured query of a window gets one
// cause, and the failed queries and the tail's excess latency are tallied by it, so each
// table's parts add up to its total.
//
// Marks. As the window simulator (./window.ts) serves a leaf it marks what the leaf met:
//   hostDown        a copy went to a replica whose host is down, still in rotation until
//                   the health check finds it (the copy is swallowed); or the leaf's shard
//                   had no replica in rotation, its hosts down, drained or out of service
//   corruptReplica  an answer read corrupted memory: served wrong, or caught by the
//                   end-to-end CRC and retried; or the shard was emptied by quarantines
//   defectiveCore   an answer was miscomputed by a defective core (served wrong)
//   packetLoss      an answer was delayed by retransmissions on a lossy rack
//   straggler       a copy went to a slowed host (its queue and service run slow)
//   hedgingLoad     a copy joined a queue, every server busy, while extra copies (backups,
//                   retries, tied twins) were queued or in service there
// A query's cause is the first, in the order above (faults before load, the fault that
// removes a replica before the one that slows it), of the marks of the leaves that decided
// its outcome:
//   wrong        the leaves answered wrong (corruptReplica or defectiveCore);
//   late         the leaves still unanswered at the deadline;
//   unavailable  the leaf that failed (out of retries, or its shard without a replica);
//   good         the leaf answered last, the one that set its latency.
// A query whose deciding leaves met none of these is `other`: queueing under the base
// load, or long service times, on healthy replicas. This is an attribution rule, not a
// counterfactual: a late query marked straggler might have been late anyway; what the
// rule guarantees is one cause per query.
//
// Errors by cause. The failed queries (not answered correctly by the deadline: wrong,
// late, unavailable) by cause, serving.errors.<cause>, scaled to the run like
// serving.queries; they add up to serving.errors = serving.queries x (1 - availability).
//
// Latency by cause. A query's excess latency is its latency (the deadline when it was not
// answered in time, as in the percentiles) minus its baseline, the slowest of its leaves'
// first service times plus one round trip: what it would have taken on an idle, healthy
// fleet. It is 0 when the query was as fast or faster (a backup or a twin can beat a slow
// first copy). serving.p99Excess is the mean excess of the tail, the queries at or above
// the p99, and serving.p99Excess.<cause> the part of it from the queries of each cause.
// The tail is read from a histogram of TAIL_BINS equal bins from 0 to the deadline: it is
// the bins from the one holding the p99 query up, at least 1% of the queries (more when
// that bin holds several). Excesses are summed in whole microseconds, exact in doubles, so
// the parts add up to the total.
//
// Left out: several serving workloads each tally their own causes; the text report shows
// the first's (the unprefixed serving.* names).
import { metric } from "../../base/metric.js";

/** The causes, in priority order (the first mark wins); `other` last, with no mark. */
export const SERVING_CAUSES = [
  { name: "hostDown", mark: 1, doc: "a replica's host down, unpowered or out of service, with no failover in time" },
  { name: "corruptReplica", mark: 2, doc: "a replica's corrupted memory: a wrong answer, or one caught by the end-to-end CRC" },
  { name: "defectiveCore", mark: 4, doc: "a wrong answer miscomputed by a defective core" },
  { name: "packetLoss", mark: 8, doc: "an answer delayed by retransmissions on a lossy rack" },
  { name: "straggler", mark: 16, doc: "a copy sent to a slowed host" },
  { name: "hedgingLoad", mark: 32, doc: "a copy queued behind extra copies (backups, retries, tied twins)" },
  { name: "other", mark: 0, doc: "none of the above: queueing under the base load or long service times on healthy replicas" },
] as const;

export type ServingCause = (typeof SERVING_CAUSES)[number]["name"];

/** The mark of each cause (for the window simulator). */
export const MARK = Object.fromEntries(SERVING_CAUSES.map((c) => [c.name, c.mark])) as Record<ServingCause, number>;

const ALL_MARKS = SERVING_CAUSES.reduce((a, c) => a | c.mark, 0);

/** The cause (index into SERVING_CAUSES) of a leaf's or a query's marks: the first marked, else `other`. */
export const CAUSE_OF: Uint8Array = Uint8Array.from({ length: ALL_MARKS + 1 }, (_, marks) => {
  const i = SERVING_CAUSES.findIndex((c) => c.mark & marks);
  return i >= 0 ? i : SERVING_CAUSES.length - 1;
});

/** Bins of the tail histogram, from 0 to the deadline (see the header). */
export const TAIL_BINS = 1000;

/** The tail: the slowest 1% of queries. */
const TAIL_FRACTION = 0.01;

/** The cause metrics, `serving.<suffix>` (instanced like the other serving metrics). */
export const SERVING_CAUSE_METRICS = [
  metric("serving.errors", "count", "estimated queries over the run not answered correctly by their deadline; serving.errors.<cause> add up to it"),
  ...SERVING_CAUSES.map((c) => metric(`serving.errors.${c.name}`, "count", `failed queries by cause: ${c.doc}`)),
  metric(
    "serving.p99Excess",
    "seconds",
    "mean excess latency of the queries at or above the p99 (latency minus that on an idle, healthy fleet); serving.p99Excess.<cause> add up to it",
  ),
  ...SERVING_CAUSES.map((c) => metric(`serving.p99Excess.${c.name}`, "seconds", `part of serving.p99Excess from queries whose cause is: ${c.doc}`)),
];

/** Where the window simulator reports each measured query's cause. */
export interface CauseSink {
  /** A measured query ended: its cause (index into SERVING_CAUSES), whether it failed, its latency and excess in whole microseconds. */
  add(cause: number, failed: boolean, latencyUs: number, excessUs: number): void;
}

/** Failed queries and excess latency by cause, over every window of a service. */
export class CauseTally implements CauseSink {
  /** Queries added. */
  queries = 0;
  /** Failed queries by cause. */
  readonly errors = new Float64Array(SERVING_CAUSES.length);
  private readonly binUs: number;
  /** Queries in each latency bin. */
  private readonly binCount = new Float64Array(TAIL_BINS);
  /** Excess microseconds by cause and bin (cause x TAIL_BINS + bin). */
  private readonly binExcess = new Float64Array(SERVING_CAUSES.length * TAIL_BINS);

  constructor(deadlineSec: number) {
    this.binUs = (deadlineSec * 1e6) / TAIL_BINS;
  }

  add(cause: number, failed: boolean, latencyUs: number, excessUs: number): void {
    this.queries++;
    if (failed) this.errors[cause]++;
    const bin = Math.min(TAIL_BINS - 1, Math.floor(latencyUs / this.binUs));
    this.binCount[bin]++;
    if (excessUs > 0) this.binExcess[cause * TAIL_BINS + bin] += excessUs;
  }

  /** The tail (the queries at or above the p99): how many, and their excess microseconds by cause. */
  tail(): { queries: number; excessUs: Float64Array } {
    const excessUs = new Float64Array(SERVING_CAUSES.length);
    if (this.queries === 0) return { queries: 0, excessUs };
    // The bin of the query of rank ceil(0.99 n), counted from the slowest down.
    const above = this.queries - Math.ceil((1 - TAIL_FRACTION) * this.queries) + 1;
    let queries = 0;
    let bin = TAIL_BINS;
    while (queries < above) queries += this.binCount[--bin];
    for (let c = 0; c < SERVING_CAUSES.length; c++) {
      for (let b = bin; b < TAIL_BINS; b++) excessUs[c] += this.binExcess[c * TAIL_BINS + b];
    }
    return { queries, excessUs };
  }

  /** The cause metrics by suffix (`errors.straggler`), counts scaled to the run by `scale`. */
  metrics(scale: number): Record<string, number> {
    const m: Record<string, number> = {};
    const { queries, excessUs } = this.tail();
    let errors = 0;
    let excess = 0;
    SERVING_CAUSES.forEach((c, i) => {
      errors += this.errors[i];
      excess += excessUs[i];
      m[`errors.${c.name}`] = this.errors[i] * scale;
      m[`p99Excess.${c.name}`] = queries > 0 ? excessUs[i] / 1e6 / queries : NaN;
    });
    m.errors = errors * scale;
    m.p99Excess = queries > 0 ? excess / 1e6 / queries : NaN;
    return m;
  }
}
