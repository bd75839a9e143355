// Asynchronous data-parallel training (policy `trainingMode: async`): the pace, the
// staleness cost and the order log of a job whose workers push updates to a parameter
// server without waiting for each other. The job (./job.ts) asks for its step pace when
// its participants change, reports the steps it ran, and calls at each checkpoint.
//
// Model. A participant s times slower than normal computes 1/s updates per ideal step
// time, so the job advances at the sum of its workers' rates, not at the slowest one's:
// pace = sum(1/s_i) / N steps per ideal step (N: the job's hosts; a shrunk job has fewer
// workers to sum). Its updates land about s - 1 steps stale: the model moved on while it
// computed (Ho et al., "More Effective Distributed ML via a Stale Synchronous Parallel
// Parameter Server", NIPS 2013, bound this delay). Staleness is bounded by the policy's
// `maxStaleness` S: a worker whose updates would be more than S steps stale is waited for,
// as SSP's bounded delay waits (not dropped), so the job moves at most S + 1 steps per
// update of its slowest worker: pace = min(sum(1/s_i), N' (S + 1) / s_max) / N (N': the
// workers taking part), and that worker's updates land S stale. S = 0 is synchronous
// training exactly: pace = N' / (N s_max). Stale updates are worth less: the steps needed
// grow with the mean staleness of the applied updates (Dai, Zhou, Dai, Ho, Xing, "Toward
// Understanding the Impact of Staleness in Distributed Machine Learning", ICLR 2019, found
// the iterations to converge grow with staleness), taken here as linear: each step counts
// 1 / (1 + c x meanStaleness) of a synchronous step, c = STALENESS_COST. The job's
// progress, its `steps` target and training.goodput count these useful steps; the time
// the penalty costs is training.lost.stalenessHours.
//
// Defaults: maxStaleness 8 (illustrative: the bounds Ho et al. and Dai et al. try run from
// 0 to 16 and more; none is a recommended default) and c = 0.05 (illustrative: 40% more
// steps at a mean staleness of 8; Dai et al. show the growth, no paper gives c for a job
// like this one).
//
// Order log. Asynchronous training is fast but not reproducible: the order in which
// updates land decides the model. fleet makes it replicable by logging that order
// compactly, one journal record per checkpoint interval: a milestone `order` with the
// interval's number, its permutation seed (a keyed hash of the run seed, the job and the
// interval: src/sim/hash.ts), its step range and a hash chain value, SHA-256 of the
// previous interval's value and a digest of this interval's order. The order is never
// materialised: within an interval it is a pure function (updateOrder) of the permutation
// seed and the workers' speeds, so the digest covers that description: the interval's
// number and seed, then for every stretch of constant speeds in it the step it starts at,
// the number of workers, and each slow worker's host index, slowdown and staleness (lag,
// steps), and the step the interval ends at. A record is written when a checkpoint is
// taken (and when the job reaches its `steps` target); the work of an interval cut short
// by a loss is thrown away with its order, and the next record's step range starts at the
// restored checkpoint. `fleet replay --verify` compares these records like any other, so
// a changed chain value is named at its line and interval.
//
// Left out: the staleness every asynchronous update has even among equal workers (about
// one step: only the staleness beyond a full-speed worker's is charged, so async is
// flattered a little), per-update weights while a worker is waited for (mean staleness
// weights each worker by its own rate 1/s), staleness-aware learning rates that shrink the
// cost (Zhang, Gupta, Lian, Liu, "Staleness-aware Async-SGD for Distributed Deep
// Learning", IJCAI 2016), and the parameter server's own bandwidth and failures.
import { createHash, type Hash } from "node:crypto";
import { KeyedHash } from "../../sim/hash.js";

/** Extra steps needed per step of mean staleness (illustrative; see the top of the file). */
export const STALENESS_COST = 0.05;

export interface AsyncPace {
  /** Ideal step times per step run: N / (sum of rates, bounded by the slowest waited for). */
  pace: number;
  /** Mean staleness of the updates applied, in steps, weighted by each worker's rate. */
  meanStaleness: number;
  /** Each step is worth 1 / staleFactor of a synchronous one: 1 + STALENESS_COST x meanStaleness. */
  staleFactor: number;
  /** Workers past the bound, waited for. */
  waited: number;
}

/**
 * The closed form above for `workers` taking part in a job of `hosts` hosts, `slow` the
 * slowdowns (> 1) of those of them running slow, bound `maxStaleness`.
 */
export function asyncPace(slow: readonly number[], workers: number, hosts: number, maxStaleness: number): AsyncPace {
  if (workers <= 0) return { pace: 1, meanStaleness: 0, staleFactor: 1, waited: 0 };
  let rates = workers - slow.length;
  let staleRates = 0;
  let sMax = 1;
  let waited = 0;
  for (const s of slow) {
    rates += 1 / s;
    staleRates += Math.min(s - 1, maxStaleness) / s;
    sMax = Math.max(sMax, s);
    if (s - 1 > maxStaleness) waited++;
  }
  const rate = Math.min(rates, (workers * (maxStaleness + 1)) / sMax);
  const meanStaleness = staleRates / rates;
  return { pace: hosts / rate, meanStaleness, staleFactor: 1 + STALENESS_COST * meanStaleness, waited };
}

/**
 * The order in which the first `count` updates of an interval land, as [worker, k] pairs
 * (worker k-th update), for workers of the given slowdowns: worker i's k-th update lands
 * at (k + 1) x s_i + u ideal steps into the interval, u uniform in [0, 1) from the
 * permutation seed, so slow workers' updates land later. What an order record commits to;
 * fleet never lists it in a run (tests do, and anyone replaying a small job would).
 */
export function updateOrder(seed: number, slowdowns: readonly number[], count: number): [number, number][] {
  const h = new KeyedHash(seed, "training.order");
  const lands: { at: number; worker: number; k: number }[] = [];
  // By T = (count + workers) / sum(1/s) at least `count` updates are due (each worker
  // loses under one to rounding), all landed by T + 1: none due later comes before them.
  const horizon = (count + slowdowns.length) / slowdowns.reduce((a, s) => a + 1 / s, 0) + 1;
  slowdowns.forEach((s, worker) => {
    for (let k = 0; (k + 1) * s < horizon; k++) lands.push({ at: (k + 1) * s + h.uniform(worker, k), worker, k });
  });
  lands.sort((a, b) => a.at - b.at || a.worker - b.worker);
  return lands.slice(0, count).map((l) => [l.worker, l.k]);
}

/** What the order log needs of the job's participants. */
export interface Participants {
  activeCount: number;
  /** Slow pool hosts (host index -> slowdown), participants or not. */
  slow: ReadonlyMap<number, number>;
  isActive(h: number): boolean;
}

/** The async mode of one job: its pace in force, staleness counts and order log. */
export class AsyncTraining {
  private now: AsyncPace = asyncPace([], 0, 1, 0);
  /** Order records written; the interval under way is the next one. */
  private intervals = 0;
  private chain = "";
  private order: Hash;
  private fromStep = 0;
  /** The stretch in force: workers and slow workers' host:slowdown:lag. */
  private stretch = "workers 0 slow ";
  private stepsRun = 0;
  private staleSteps = 0;

  constructor(
    private readonly job: string,
    private readonly maxStaleness: number,
    /** Permutation seeds: a keyed hash of the run seed and the job. */
    private readonly seeds: KeyedHash,
    private readonly record: (at: number, fields: Record<string, unknown>) => void,
  ) {
    this.order = this.begin(0);
  }

  /**
   * Ideal step times per useful step for the participants now (pace x staleFactor), and a
   * new stretch of the interval's order from `step`.
   */
  refresh(p: Participants, hosts: number, step: number): number {
    const slow = [...p.slow].filter(([h]) => p.isActive(h)).sort((a, b) => a[0] - b[0]);
    this.now = asyncPace(
      slow.map(([, s]) => s),
      p.activeCount,
      hosts,
      this.maxStaleness,
    );
    const lags = slow.map(([h, s]) => `${h}:${s}:${Math.min(s - 1, this.maxStaleness)}`);
    this.stretch = `workers ${p.activeCount} slow ${lags.join(",")}`;
    this.order.update(`from ${step} ${this.stretch}\n`);
    return this.now.pace * this.now.staleFactor;
  }

  /** `steps` useful steps were run at the pace in force; returns the ideal time the staleness cost them. */
  ran(steps: number, idealSec: number): number {
    this.stepsRun += steps;
    this.staleSteps += steps * this.now.meanStaleness;
    return steps * idealSec * this.now.pace * (this.now.staleFactor - 1);
  }

  /** The work since the last record was thrown away: the interval starts again at `step`. */
  restart(step: number): void {
    this.order = this.begin(step);
  }

  /** A checkpoint (or the steps target) at `step`: the interval's order record, and the next interval. */
  checkpoint(at: number, step: number): void {
    const interval = ++this.intervals;
    this.order.update(`to ${step}\n`);
    this.chain = createHash("sha256").update(this.chain).update(this.order.digest("hex")).digest("hex");
    this.record(at, {
      job: this.job,
      event: "order",
      interval,
      chain: this.chain,
      seed: this.seeds.u32(interval),
      fromStep: Math.floor(this.fromStep + 1e-9),
      toStep: Math.floor(step + 1e-9),
    });
    this.order = this.begin(step);
  }

  metrics(staleSec: number): Record<string, number> {
    return {
      "training.meanStaleness": this.stepsRun > 0 ? this.staleSteps / this.stepsRun : 0,
      "training.lost.stalenessHours": staleSec / 3600,
      "training.orderIntervals": this.intervals,
    };
  }

  /** The next interval's order digest from `step`: its number, its seed and the stretch in force. */
  private begin(step: number): Hash {
    const interval = this.intervals + 1;
    this.fromStep = step;
    return createHash("sha256").update(`interval ${interval} seed ${this.seeds.u32(interval)}\nfrom ${step} ${this.stretch}\n`);
  }
}
