// Serving recovery policies: what a policy may say about a sharded service's leaf requests
// (src/workloads/serving/), and the defaults. The service carries them out in its window
// simulator (src/workloads/serving/window.ts).
//
// Mechanisms and their sources:
// - hedge: a backup copy of a leaf request, sent to another replica of the shard when the
//   first has had no answer after a delay; the first answer wins and the other copy is
//   cancelled (Dean & Barroso, "The Tail at Scale", CACM 56(2), 2013, "hedged requests").
//   The delay is a fixed duration (`hedge: 10ms`) or a percentile of the latency of recent
//   leaf requests, measured to the answer's arrival at the client (`hedge: p95`: "defer
//   sending a secondary request until the first request has been outstanding for more
//   than the 95th-percentile expected latency"), so a p95 hedge fires for about 5% of
//   leaves. A backup is real load: it waits in a queue and holds a server while it runs.
//   The client sees an answer only when it arrives, so a leaf whose answer is on its way
//   gets a backup too, and the cancel takes a trip (rtt/2) to the other replicas: a copy
//   still queued then leaves for free, one that started runs to the end (see window.ts).
//   The replicas count what that costs (serving.extraServed, serving.wastedWork). What it
//   does is measured, not assumed: with least-loaded (p2c) balancing, a p50 hedge at 90%
//   utilization raises p99.9 well above no hedging while a p95 hedge still lowers it; with
//   random balancing the backups also even out the queues and the p50 hedge kept helping
//   up to ~94% in our runs, and a fixed 10 ms hedge that fires for nearly every leaf
//   overloads the replicas from ~85% (window.test.ts, network.test.ts,
//   scenarios/search-serving.yaml). Default off.
// - tied: each leaf request goes to two replicas at once, each copy knowing the other;
//   when one starts service it cancels its twin, which arrives rtt/2 later (Dean & Barroso
//   2013, "tied requests"). Both may run when both start within that trip; the loser's
//   work is counted (serving.wastedWork). Default false.
// - retries: a leaf request that failed (a detected bad response, a replica found dead by
//   the health check, a leafTimeout) is sent again to another replica, at most `retries`
//   times per leaf, while the retry budget allows. Default 1.
// - retryBudget: retries may add at most this fraction of the base leaf requests (plus a
//   reserve of 10 per second), as Finagle's RetryBudget (default percentCanRetry 20%,
//   minRetriesPerSec 10) and gRPC's retry throttling do: a budget stops retries from
//   multiplying load in an outage. Default 20% (Finagle).
// - leafTimeout: a leaf request unanswered after this long is cancelled and retried
//   elsewhere (if retries remain); off waits for the query's deadline. Default off.
// - endToEndCrc: each response carries the CRC-32 stored with the shard's data when it was
//   built; the client checks it, so data corrupted in the replica's memory since then is
//   caught and the leaf retried on another replica, and the replica is taken out of
//   rotation for the rest of the run. A defective (mercurial) core computes a wrong answer
//   before any CRC of the answer exists, so the check passes and the wrong answer is
//   served: the CRC cannot catch that (Hochschild et al., "Cores that don't count", HotOS
//   2021). Default false.
// - healthCheck: how long after a replica's host goes down the clients learn it and stop
//   sending it requests (failover); until then its requests go nowhere. Default 10s (the
//   Kubernetes readiness probe's default period, one failed probe; our choice).
// - balance: how a client picks a replica of a shard: random (uniform among those in
//   rotation: each replica sees a Poisson share of the load, which is what queueing theory
//   assumes) or p2c (the less loaded of two random replicas, by the client's count of
//   outstanding requests: Mitzenmacher, "The Power of Two Choices in Randomized Load
//   Balancing", IEEE TPDS 2001; Finagle's and Envoy's least-request balancers). Default
//   random.
//
// Left out: hedge budgets (Finagle's BackupRequestFilter maxExtraLoad), more than one
// backup per leaf, retries of a whole query, and client-side outlier ejection.
import { isScalar } from "yaml";
import { BAD, boolean, describeNode, duration, fraction, number, oneOf, opt, type Infer, type Validator } from "../base/schema.js";
import { parseDuration } from "../base/units.js";

/** When to send a backup copy of a leaf request. */
export type HedgeSetting = { kind: "off" } | { kind: "after"; seconds: number } | { kind: "percentile"; percentile: number };

export type Balance = "random" | "p2c";

/** Finagle RetryBudget's default percentCanRetry. */
export const DEFAULT_RETRY_BUDGET = 0.2;
/** Finagle RetryBudget's default minRetriesPerSec: retries always allowed at this rate. */
export const RETRY_RESERVE_PER_SEC = 10;
/** Our choice: the Kubernetes readiness probe's default period. */
export const DEFAULT_HEALTH_CHECK_SEC = 10;

const EXPECT_HEDGE = "off, a delay like 10ms, or a percentile of recent latency like p95";

const hedgeSetting: Validator<HedgeSetting> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (!isScalar(node) || node.value === null || node.value === true) {
    return ctx.report("invalid_type", path, node ?? raw, `expected ${EXPECT_HEDGE}, found ${describeNode(node)}`);
  }
  if (node.value === "off" || node.value === false) return { kind: "off" };
  if (typeof node.value === "string") {
    const m = /^\s*p(\d+(?:\.\d+)?)\s*$/.exec(node.value);
    if (m) {
      const p = Number(m[1]);
      if (!(p > 0 && p < 100))
        return ctx.report(
          "invalid_value",
          path,
          node,
          `expected a percentile between p0 and p100 (exclusive), found ${describeNode(node)}`,
          "e.g. p95 or p99.9",
        );
      return { kind: "percentile", percentile: p };
    }
  }
  let seconds: number;
  try {
    seconds = parseDuration(node.value);
  } catch {
    return ctx.report("bad_unit", path, node, `expected ${EXPECT_HEDGE}, found ${describeNode(node)}`);
  }
  if (!(seconds > 0)) return ctx.report("invalid_value", path, node, "expected a hedge delay of more than zero", "or off");
  return { kind: "after", seconds };
};

const offOrDuration: Validator<number | "off"> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false)) return "off";
  const v = duration({ positive: true })(node, path, ctx);
  return v === BAD ? BAD : v;
};

/** The serving keys of a policy (merged into every policy by ./policy.ts). */
export const servingPolicyFields = {
  hedge: opt(
    hedgeSetting,
    { kind: "off" } as HedgeSetting,
    "backup copy of a leaf request after a delay: off, a duration (10ms) or pNN of recent leaf latency (off)",
  ),
  tied: opt(boolean(), false, "send each leaf request to two replicas; the first to start cancels the other (false)"),
  retries: opt(number({ min: 0, max: 10, integer: true }), 1, "times a failed leaf request is sent again to another replica (1)"),
  retryBudget: opt(fraction(), DEFAULT_RETRY_BUDGET, "retries allowed as a fraction of base leaf requests, plus 10/s (20%, Finagle)"),
  leafTimeout: opt(offOrDuration, "off" as number | "off", "retry a leaf request unanswered after this long, or off (off)"),
  endToEndCrc: opt(boolean(), false, "check a CRC-32 stored with the data on every response; retry elsewhere on a mismatch (false)"),
  healthCheck: opt(duration({ positive: true }), DEFAULT_HEALTH_CHECK_SEC, "time for clients to learn a replica's host is down (10s)"),
  balance: opt(oneOf(["random", "p2c"] as const), "random" as Balance, "how a client picks a replica: random or p2c (power of two choices) (random)"),
};

export type ServingPolicy = Infer<typeof servingPolicyFields>;

/** Short text of a hedge setting, for reports: "off", "10ms", "p95". */
export function describeHedge(h: HedgeSetting): string {
  if (h.kind === "off") return "off";
  if (h.kind === "percentile") return `p${h.percentile}`;
  return `${+(h.seconds * 1000).toPrecision(6)}ms`;
}

/**
 * The serving decisions of one policy, asked by the window simulator
 * (src/workloads/serving/window.ts) for every leaf request: when to send a backup, whether
 * a failed leaf may be retried, which of two replicas takes a request. Small and pure, so
 * the simulator's hot loop inlines them.
 */
export class ServingRecovery {
  /** The percentile of recent leaf latency a hedge waits for (undefined: a fixed delay or none). */
  readonly hedgePercentile: number | undefined;
  private readonly hedgeAfterSec: number;
  /** A leaf request unanswered this long is cancelled and retried (Infinity: never). */
  readonly leafTimeoutSec: number;
  /** Whether a client picks the less loaded of two replicas (p2c) rather than one at random. */
  readonly twoChoices: boolean;
  readonly tied: boolean;
  readonly endToEndCrc: boolean;
  private readonly retries: number;
  private readonly budget: number;

  constructor(p: Pick<ServingPolicy, "hedge" | "tied" | "retries" | "retryBudget" | "leafTimeout" | "endToEndCrc" | "balance">) {
    this.hedgePercentile = p.hedge.kind === "percentile" ? p.hedge.percentile : undefined;
    this.hedgeAfterSec = p.hedge.kind === "after" ? p.hedge.seconds : Infinity;
    this.leafTimeoutSec = p.leafTimeout === "off" ? Infinity : p.leafTimeout;
    this.twoChoices = p.balance === "p2c";
    this.tied = p.tied;
    this.endToEndCrc = p.endToEndCrc;
    this.retries = p.retries;
    this.budget = p.retryBudget;
  }

  /** Seconds after a query's leaves go out that unanswered ones get a backup; `recentSec` is the tracked percentile. */
  hedgeDelaySec(recentSec: number | undefined): number {
    return recentSec ?? this.hedgeAfterSec;
  }

  /**
   * Whether a failed leaf may go out again: it has retries left and all retries so far stay
   * within the budget (a fraction of base leaf requests plus the reserve per second).
   */
  mayRetry(attempts: number, retriesSoFar: number, baseSoFar: number, nowSec: number): boolean {
    return attempts < this.retries && retriesSoFar < this.budget * baseSoFar + RETRY_RESERVE_PER_SEC * nowSec;
  }

  /** Of two replicas with `loadA` and `loadB` outstanding requests, true to take the second (p2c). */
  prefersSecond(loadA: number, loadB: number): boolean {
    return loadB < loadA;
  }
}
