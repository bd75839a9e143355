// One time window of a sharded service, simulated at full rate: every query and every
// leaf request, with its own small event-driven simulator (its own heap, clock and
// typed-array state), over the replicas' conditions frozen at the window's start.
//
// Model.
// - Queries arrive as a Poisson process of `qps`. Each asks `fanout` shards (all, or a
//   uniform choice without repeats); a query's latency is that of its slowest leaf, and it
//   succeeds when every leaf has a correct answer by its deadline.
// - A leaf request goes to a replica of its shard in rotation (random, or the less loaded
//   of two by the client's count of requests it has out, answers on their way included:
//   policy `balance`). Each replica is a FIFO queue with `servers` servers; a request's
//   service time is drawn from the service-time distribution and multiplied by the host's
//   slowdown (stragglers). A request whose query's deadline has passed is dropped when it
//   reaches the head of its queue (deadline propagation as gRPC does it: the time left is
//   sent with the request and counted from its arrival, so the replica's deadline is one
//   trip after the client's), so an overloaded replica does not serve the dead.
// - Network. Every message takes one trip of rtt/2, half the scenario's round trip (`rtt`,
//   0.5ms by default: ./schema.ts; a symmetric path that does not queue): a request
//   reaches its replica rtt/2 after it is sent, an answer reaches the client rtt/2 after its
//   service ends, a cancel reaches a replica rtt/2 after it is sent, from the client or
//   from another replica. Messages between two ends arrive in the order they were sent
//   (TCP). A leaf that meets no queue takes its service time + rtt. The client knows only
//   what has reached it: a leaf is answered when its first answer arrives, not when a
//   replica finishes it.
// - Hedged requests (policy `hedge`): a backup copy of each leaf still unanswered (an
//   answer on its way does not count) goes to another replica after a fixed delay or the
//   tracked percentile of recent leaf latency, each measured from the query's arrival to
//   the answer's arrival at the client (./recent.ts), so the timer and the percentile it
//   tracks agree. The first answer to arrive wins; the client then cancels the other
//   copies, and each cancel reaches its replica a trip later: a copy still queued then
//   leaves for free, one that started before the cancel came runs to the end (cancelling
//   running work is left out), and its answer is dropped. Tied requests (policy `tied`): two
//   copies from the start; when one starts service its replica cancels the twin, which
//   hears of it a trip (rtt/2) later, so both run if both start within that time; the first
//   answer to arrive wins and the client cancels what is left, as for a hedge.
// - Extra load, counted at the replicas: the backups, retries and twins that started
//   service (`hedgesServed`, `retriesServed`, `twinsServed`, against the copies sent), and
//   the server seconds spent on copies whose answer was not used (`wastedSec`): losers of a
//   hedge or a tie, answers for a finished query or a timed-out try, answers failing the
//   CRC.
// - Failures. A replica whose host is down but not yet found by the health check is still
//   in rotation: its requests go nowhere (no answer) until the detection time, when they
//   fail and are retried elsewhere, and the replica leaves rotation (failover). A host that
//   is draining or retired, or down for longer than the health check, or quarantined, is
//   not in rotation. A shard with no replica in rotation fails its leaves at once.
//   Retries (policy `retries`, `retryBudget`, `leafTimeout`) resend a failed leaf to
//   another replica; a leaf request timed out by `leafTimeout` is given up (an answer it
//   gives later is dropped) and cancelled (the cancel takes its trip) before the resend.
// - Packet loss. A replica on a wonky rack (fleet.rackLoss: a fraction p of its packets
//   lost) fails each try of a leaf exchange with probability q = 1 - (1 - p)^2 (the request
//   or the answer lost); each failed try costs one retransmission timeout, 200 ms doubling
//   after every loss (Linux's TCP_RTO_MIN and the exponential backoff of RFC 6298 §5.5),
//   so after k failed tries the answer arrives 200 ms x (2^k - 1) late (k drawn when the
//   service ends, the whole delay put on the answer's trip; at most MAX_LOST_TRIES). Our
//   model of Dean's "wonky racks" (LADIS 2009: 50% packet loss on 40-80 machines): health
//   checks that go through still keep such a replica in rotation.
// - Corruption. An answer of a replica whose shard holds silently corrupted words reads one
//   with the probability ./corruption.ts gives (ReplicaConditions.corruptP); one from a
//   host with a defective core is miscomputed
//   with probability mercurialReads. Each such answer is built as real bytes (a payload of
//   PAYLOAD_BYTES with one flipped bit) with a real CRC-32: for memory corruption the CRC is
//   the one stored with the data when it was built (before the corruption), for a
//   defective core the CRC is computed over the wrong answer the core produced. With
//   `endToEndCrc` the client recomputes the CRC when the answer arrives: a mismatch is
//   caught, the leaf retried elsewhere and the replica quarantined; a match is accepted.
//   So the check catches corrupted memory and never a defective core; without it both are
//   served wrong.
// - Measured: queries arriving in [warmup, warmup + measure); the run goes on until each of
//   them has finished (at most its deadline later). A query not answered by its deadline
//   counts in the latency percentiles at the deadline (the client waited that long).
// - Causes: each leaf keeps marks of what it met (a dead or slow replica, a queue behind
//   extra copies, a lost packet, a wrong or caught answer), and each measured query goes to
//   a CauseSink with the cause its deciding leaves' marks give and its excess latency over
//   its baseline (the slowest first service time + rtt); the rule is in ./causes.ts.
//
// Randomness. Two streams per window: `arrivals` draws the queries (times, shards) and the
// first request of each leaf (its replica's uniform and its service time) and nothing else,
// so every policy sees the same queries with the same first service times (common random
// numbers: policy comparisons are paired); `client` draws everything a policy changes
// (backups, retries, twins, corruption draws).
//
// HOT PATH (bench/serving.ts, issue 9: >= 2M leaf requests/s; one file of over 500 lines
// so the inner loop stays monomorphic over its own typed arrays): a window is millions of
// leaf requests, so this file looks different from the rest:
// - queries, leaves and requests live in typed arrays with free lists (no object per
//   query, leaf, request or event); replica queues are linked lists through the request
//   arrays; cancellation is lazy (a time stamp checked when the request reaches the head of
//   its queue);
// - events go through ./events.ts (FIFO lanes for arrivals, deadlines and answers, a timing
//   wheel for completions) rather than a binary heap, in the same order as one heap;
// - a request's trip to its replica is no event: it waits in the replica's queue from the
//   moment it is sent and cannot start before it arrives (tryStart);
// - a query's first draws (each leaf's uniform and service time) are made in one loop
//   before its leaves are sent, the same draws in the same order, with a lognormal drawn
//   inline (no sampler call); the leaf -> query index is a multiply, not a division.
// Profile of the bench config before these (node --cpu-prof): heap sifts ~28%, sampling
// and the generator ~22%, request bookkeeping the rest.
//
// Left out: the state of the fleet changing during a window (windows are seconds long), a
// network that queues, and preempting running work.
import { blockBytes, crc32 } from "../../checksums/crc.js";
import { type ServingPolicy, ServingRecovery } from "../../recovery/hedging.js";
import type { Rng } from "../../sim/rng.js";
import { CAUSE_OF, type CauseSink, MARK } from "./causes.js";
import { WindowEvents } from "./events.js";
import type { ServiceSampler } from "./latency.js";
import { RecentLatency } from "./recent.js";

/** Linux's minimum TCP retransmission timeout (TCP_RTO_MIN), seconds: the first resend of a lost packet. */
export const TCP_RTO_MIN_SEC = 0.2;
/** Tries lost in a row after which the draw stops (the answer is then seconds late, past any deadline). */
const MAX_LOST_TRIES = 8;

/** Bytes of a leaf answer built for a corruption check. */
export const PAYLOAD_BYTES = 64;

/** How a measured query ended. */
export const Outcome = { GOOD: 0, WRONG: 1, LATE: 2, UNAVAILABLE: 3 } as const;
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

export interface WindowConfig {
  shards: number;
  replicas: number;
  servers: number;
  fanout: number;
  qps: number;
  deadlineSec: number;
  rttSec: number;
  service: ServiceSampler;
  policy: Pick<ServingPolicy, "hedge" | "tied" | "retries" | "retryBudget" | "leafTimeout" | "endToEndCrc" | "balance">;
}

/** Each replica's condition for a window (index shard x replicas + r). */
export interface ReplicaConditions {
  /** 1: the host serves requests; 0: down (requests sent to it are never answered). */
  up: Uint8Array;
  /** 1: clients send it requests at the window's start. */
  inRotation: Uint8Array;
  /** For a replica down but in rotation: seconds into the window when clients learn it (<= 0: at once). */
  detectAtSec: Float64Array;
  /** Service-time multiplier (1 = normal). */
  slowdown: Float64Array;
  /** Probability an answer reads corrupted memory. */
  corruptP: Float64Array;
  /** Probability an answer is miscomputed by a defective core. */
  mercurialP: Float64Array;
  /** Fraction of packets the replica's rack loses (a wonky rack; 0: none). */
  lossP: Float64Array;
  /** 1: out of rotation after a failed end-to-end CRC (a corrupted replica). */
  quarantined: Uint8Array;
}

export function healthyReplicas(n: number): ReplicaConditions {
  return {
    up: new Uint8Array(n).fill(1),
    inRotation: new Uint8Array(n).fill(1),
    detectAtSec: new Float64Array(n),
    slowdown: new Float64Array(n).fill(1),
    corruptP: new Float64Array(n),
    mercurialP: new Float64Array(n),
    lossP: new Float64Array(n),
    quarantined: new Uint8Array(n),
  };
}

/** Counts over the measured queries of a window (or several, added up). */
export interface WindowStats {
  queries: number;
  /** Answered correctly within the deadline. */
  good: number;
  /** Answered within the deadline, but with a wrong leaf answer in it. */
  wrong: number;
  /** Not fully answered by the deadline. */
  late: number;
  /** Failed before the deadline: a shard with no replica, or a leaf out of retries. */
  unavailable: number;
  /** Leaf requests the queries asked for (one per leaf). */
  baseRequests: number;
  /** Copies sent beyond the first of each leaf: backups, retries, tied twins. */
  hedges: number;
  retries: number;
  twins: number;
  /** Of those, the copies a replica started serving (the rest were cancelled in its queue or never reached a live server). */
  hedgesServed: number;
  retriesServed: number;
  twinsServed: number;
  /** Server seconds spent on the measured queries' requests (wasted copies included). */
  busySec: number;
  /** Of busySec, the seconds spent on copies whose answer was not used: they lost the race, came for a finished query or a timed-out try, or failed the CRC. */
  wastedSec: number;
  /** Server seconds available over the measured time (servers x replicas up and in rotation x measure). */
  capacitySec: number;
  /** Sum of latencies of answered queries (good + wrong), seconds. */
  latencySumSec: number;
  /** Corrupted answers caught by the end-to-end CRC, warm-up included (each quarantines its replica). */
  crcCaught: number;
  /** Wrong leaf answers accepted. */
  wrongLeaves: number;
  /** Replicas quarantined during the window (measured or not). */
  quarantined: number;
  /** Measured seconds. */
  measuredSec: number;
}

export function emptyStats(): WindowStats {
  return {
    queries: 0,
    good: 0,
    wrong: 0,
    late: 0,
    unavailable: 0,
    baseRequests: 0,
    hedges: 0,
    retries: 0,
    twins: 0,
    hedgesServed: 0,
    retriesServed: 0,
    twinsServed: 0,
    busySec: 0,
    wastedSec: 0,
    capacitySec: 0,
    latencySumSec: 0,
    crcCaught: 0,
    wrongLeaves: 0,
    quarantined: 0,
    measuredSec: 0,
  };
}

export function addStats(into: WindowStats, s: WindowStats): void {
  for (const k of Object.keys(into) as (keyof WindowStats)[]) into[k] += s[k];
}

/** Where measured query latencies go (an HDR histogram in microseconds). */
export interface LatencySink {
  recordValue(microseconds: number): void;
}

export interface WindowRun {
  warmupSec: number;
  measureSec: number;
  /** Queries and first requests (the same for every policy). */
  arrivals: Rng;
  /** Everything a policy changes. */
  client: Rng;
  /** Seed of the answer payloads built for corruption checks. */
  payloadSeed: number;
  latencies?: LatencySink;
  /** Every measured query as it ends (tests). */
  observer?: (arrivalSec: number, latencySec: number, outcome: OutcomeCode) => void;
  /** A replica's answer failed the end-to-end CRC; it has left rotation. */
  onQuarantine?: (replica: number, atSec: number) => void;
  /** Every measured query's cause, latency and excess latency (./causes.ts). */
  causes?: CauseSink;
}

// event kinds
const ARRIVE = 0;
const DONE = 1;
const HEDGE = 2;
const DEADLINE = 3;
const TIMEOUT = 4;
const DETECT = 5;
const RESEND = 6;
const ANSWER = 7;

// event lanes (events scheduled in time order: see ./events.ts)
const ARRIVALS = 0;
const DEADLINES = 1;
/** Answers that meet no packet loss: each arrives one trip after its service ends, and services end in time order. */
const ANSWERS = 2;

// query flags
const FINISHED = 1;
const MEASURED = 2;

// leaf states
const PENDING = 0;
const LEAF_DONE = 1;
const LEAF_FAILED = 2;

// request kinds (the low bits of a request's flags)
const PRIMARY = 0;
const BACKUP = 1;
const RETRY = 2;
const TWIN = 3;
const KIND = 3;
// request flags
/** The client gave up on the request (its leaf timed out): an answer it gives later is dropped. */
const IGNORED = 4;
/** Its answer is wrong (read corrupted memory or miscomputed) and passes the client's check. */
const WRONG_ANSWER = 8;
/** Its answer fails the end-to-end CRC. */
const CAUGHT = 16;
/** Its wrong answer was miscomputed by a defective core (else it read corrupted memory). */
const BY_CORE = 32;

// request states
/** In its replica's queue, or on its way there. */
const QUEUED = 0;
/** Holding a server (possibly from a start time still ahead: see tryStart). */
const SERVING = 1;
/** Its answer is on its way to the client. */
const ANSWERING = 2;

// corruption sources
const MEMORY = 1;
const CORE = 2;

// what a leaf met (./causes.ts)
const M_DOWN = MARK.hostDown;
const M_CORRUPT = MARK.corruptReplica;
const M_CORE = MARK.defectiveCore;
const M_LOSS = MARK.packetLoss;
const M_STRAGGLER = MARK.straggler;
const M_HEDGING = MARK.hedgingLoad;

export class WindowSim {
  /** Leaf requests sent in the last run, measured or not (benchmarks). */
  requestsSent = 0;
  private readonly heap: WindowEvents;
  private now = 0;
  private readonly nRep: number;
  private readonly F: number;
  private readonly invF: number;
  private readonly R: number;
  private readonly servers: number;
  private readonly recent: RecentLatency | undefined;
  /** The policy's decisions: hedge delay, retry budget, replica choice (src/recovery/hedging.ts). */
  private readonly decide: ServingRecovery;
  private readonly timeoutSec: number;
  private readonly p2c: boolean;
  /** One network trip, seconds: rtt / 2 (see the header). */
  private readonly tripSec: number;
  /** mu and sigma of a lognormal service time (drawn inline), or NaN. */
  private readonly svcMu: number;
  private readonly svcSigma: number;
  /** A query's first requests: each leaf's replica uniform and service time. */
  private readonly leafU: Float64Array;
  private readonly leafSvc: Float64Array;

  // replicas
  private readonly qHead: Int32Array;
  private readonly qTail: Int32Array;
  private readonly busy: Int32Array;
  private readonly outstanding: Int32Array;
  private readonly rot: Uint8Array;
  private readonly rotList: Int32Array;
  private readonly rotCount: Int32Array;
  private readonly rotPos: Int32Array;
  private readonly perm: Int32Array;
  /** Extra copies (backups, retries, twins) queued or in service at each replica. */
  private readonly extraAt: Int32Array;
  /** What a copy sent to each replica meets: its host down or slow (./causes.ts). */
  private readonly repMarks: Uint8Array;
  /** Replicas quarantined, at the window's start or during it. */
  private readonly quarantinedNow: Uint8Array;
  private cond!: ReplicaConditions;

  // queries (and their leaves, F per query)
  private qCap = 0;
  private qUsed = 0;
  private qFreeN = 0;
  private qFree = new Int32Array(0);
  private qArrive = new Float64Array(0);
  private qGen = new Float64Array(0);
  private qLeft = new Int32Array(0);
  private qDoneAt = new Float64Array(0);
  private qFlags = new Uint8Array(0);
  private qLive = new Int32Array(0);
  /** Its latency on an idle, healthy fleet: the slowest first service time + rtt (./causes.ts). */
  private qBase = new Float64Array(0);
  /** Marks of the wrong answers it accepted (corrupted memory, a defective core). */
  private qWrong = new Uint8Array(0);
  private lShard = new Int32Array(0);
  private lState = new Uint8Array(0);
  private lHead = new Int32Array(0);
  private lAttempts = new Uint8Array(0);
  private lHedged = new Uint8Array(0);
  /** What the leaf met (./causes.ts). */
  private lMarks = new Uint8Array(0);
  private gen = 0;

  // requests
  private rCap = 0;
  private rUsed = 0;
  private rFreeN = 0;
  private rFree = new Int32Array(0);
  private rLeaf = new Int32Array(0);
  private rRep = new Int32Array(0);
  private rNextQ = new Int32Array(0);
  private rNextLeaf = new Int32Array(0);
  private rTwin = new Int32Array(0);
  private rService = new Float64Array(0);
  /** When the request reaches its replica (sent + one trip). */
  private rArriveAt = new Float64Array(0);
  /** When a cancel of the request reaches its replica (Infinity: none sent); only a queued request heeds it. */
  private rCancelAt = new Float64Array(0);
  private rState = new Uint8Array(0);
  private rFlags = new Uint8Array(0);

  // per run
  private o!: WindowRun;
  private stats: WindowStats = emptyStats();
  private endArrivalsSec = 0;
  private baseAll = 0;
  private retriesAll = 0;
  private responseId = 0;
  private readonly clean = new Uint8Array(PAYLOAD_BYTES);
  private readonly delivered = new Uint8Array(PAYLOAD_BYTES);

  constructor(readonly cfg: WindowConfig) {
    const { shards, replicas, fanout } = cfg;
    if (!(fanout >= 1 && fanout <= shards)) throw new RangeError(`fanout must be 1..${shards}, got ${fanout}`);
    this.nRep = shards * replicas;
    this.F = fanout;
    this.invF = 1 / fanout;
    this.R = replicas;
    this.servers = cfg.servers;
    // About one leaf event per wheel bucket.
    const leafPerSec = cfg.qps * fanout;
    this.heap = new WindowEvents(leafPerSec > 0 && Number.isFinite(leafPerSec) ? 1 / leafPerSec : 1e-3);
    const n = this.nRep;
    this.qHead = new Int32Array(n);
    this.qTail = new Int32Array(n);
    this.busy = new Int32Array(n);
    this.outstanding = new Int32Array(n);
    this.rot = new Uint8Array(n);
    this.rotList = new Int32Array(n);
    this.rotPos = new Int32Array(n);
    this.rotCount = new Int32Array(shards);
    this.perm = new Int32Array(shards);
    this.extraAt = new Int32Array(n);
    this.repMarks = new Uint8Array(n);
    this.quarantinedNow = new Uint8Array(n);
    for (let s = 0; s < shards; s++) this.perm[s] = s;
    this.decide = new ServingRecovery(cfg.policy);
    const pct = this.decide.hedgePercentile;
    this.recent = pct !== undefined ? new RecentLatency(pct) : undefined;
    this.timeoutSec = this.decide.leafTimeoutSec;
    this.p2c = this.decide.twoChoices;
    this.tripSec = cfg.rttSec / 2;
    this.svcMu = cfg.service.lognormal?.mu ?? NaN;
    this.svcSigma = cfg.service.lognormal?.sigma ?? NaN;
    this.leafU = new Float64Array(fanout);
    this.leafSvc = new Float64Array(fanout);
    this.growQueries(256);
    this.growRequests(4096);
  }

  /** Simulates one window over `cond` and returns the counts of its measured queries. */
  run(cond: ReplicaConditions, o: WindowRun): WindowStats {
    this.cond = cond;
    this.o = o;
    this.stats = emptyStats();
    this.heap.clear();
    this.now = 0;
    this.qUsed = this.qFreeN = 0;
    this.rUsed = this.rFreeN = 0;
    this.baseAll = this.retriesAll = 0;
    this.requestsSent = 0;
    this.recent?.reset();
    this.qHead.fill(-1);
    this.qTail.fill(-1);
    this.busy.fill(0);
    this.outstanding.fill(0);
    this.extraAt.fill(0);
    this.quarantinedNow.set(cond.quarantined);
    this.rotCount.fill(0);
    let up = 0;
    for (let rep = 0; rep < this.nRep; rep++) {
      if (cond.up[rep] && cond.inRotation[rep]) up++;
      this.repMarks[rep] = cond.up[rep] ? (cond.slowdown[rep] > 1 ? M_STRAGGLER : 0) : M_DOWN;
      this.rot[rep] = 0;
      if (cond.inRotation[rep]) this.addToRotation(rep);
    }
    const cfg = this.cfg;
    this.stats.measuredSec = o.measureSec;
    this.stats.capacitySec = this.servers * up * o.measureSec;
    this.endArrivalsSec = o.warmupSec + o.measureSec;
    const endSec = this.endArrivalsSec + cfg.deadlineSec + cfg.rttSec + 1e-9;
    for (let rep = 0; rep < this.nRep; rep++) {
      if (!cond.up[rep] && cond.inRotation[rep]) {
        const at = Math.max(0, cond.detectAtSec[rep]);
        if (at <= endSec) this.heap.push(at, DETECT, rep, 0);
      }
    }
    this.heap.pushLane(ARRIVALS, o.arrivals.exp(1 / cfg.qps), ARRIVE, 0, 0);
    const heap = this.heap;
    while (heap.pop(endSec)) {
      this.now = heap.time;
      const target = heap.target;
      switch (heap.kind) {
        case DONE:
          this.done(target);
          break;
        case ARRIVE:
          this.arrive();
          break;
        case HEDGE:
          this.hedge(target, heap.arg);
          break;
        case DEADLINE:
          this.deadline(target, heap.arg);
          break;
        case TIMEOUT:
          this.timeout(target, heap.arg);
          break;
        case DETECT:
          this.detect(target);
          break;
        case RESEND:
          this.resend(target, heap.arg);
          break;
        case ANSWER:
          this.answer(target);
          break;
      }
    }
    return this.stats;
  }

  // ---- queries ----

  private arrive(): void {
    const t = this.now;
    const cfg = this.cfg;
    const A = this.o.arrivals;
    if (t >= this.endArrivalsSec) return;
    const q = this.allocQuery();
    const F = this.F;
    const gen = ++this.gen;
    const measured = t >= this.o.warmupSec;
    this.qArrive[q] = t;
    this.qGen[q] = gen;
    this.qLeft[q] = F;
    this.qDoneAt[q] = t;
    this.qFlags[q] = measured ? MEASURED : 0;
    this.qLive[q] = 0;
    this.qWrong[q] = 0;
    const base = q * F;
    if (F === cfg.shards) {
      for (let i = 0; i < F; i++) this.lShard[base + i] = i;
    } else {
      const p = this.perm;
      const S = cfg.shards;
      for (let i = 0; i < F; i++) {
        const j = i + A.int(S - i);
        const s = p[j];
        p[j] = p[i];
        p[i] = s;
        this.lShard[base + i] = s;
      }
    }
    for (let i = 0; i < F; i++) {
      const l = base + i;
      this.lState[l] = PENDING;
      this.lHead[l] = -1;
      this.lAttempts[l] = 0;
      this.lHedged[l] = 0;
      this.lMarks[l] = 0;
    }
    this.baseAll += F;
    if (measured) this.stats.baseRequests += F;
    // Drawn for every leaf, whatever happens, so the arrivals stream stays in step; drawn
    // all at once (the same draws in the same order as one leaf at a time).
    const us = this.leafU;
    const svcs = this.leafSvc;
    const mu = this.svcMu;
    let slowest = 0;
    if (mu === mu) {
      const sigma = this.svcSigma;
      for (let i = 0; i < F; i++) {
        us[i] = A.next();
        const svc = Math.exp(mu + sigma * A.normal());
        svcs[i] = svc;
        if (svc > slowest) slowest = svc;
      }
    } else {
      for (let i = 0; i < F; i++) {
        us[i] = A.next();
        const svc = cfg.service.sample(A);
        svcs[i] = svc;
        if (svc > slowest) slowest = svc;
      }
    }
    this.qBase[q] = slowest + cfg.rttSec;
    for (let i = 0; i < F; i++) {
      if (this.qFlags[q] & FINISHED) break;
      if (!this.sendLeaf(base + i, PRIMARY, us[i], svcs[i])) this.leafFailed(base + i);
    }
    if (!(this.qFlags[q] & FINISHED)) {
      const delay = this.decide.hedgeDelaySec(this.recent?.value);
      if (delay < cfg.deadlineSec) this.heap.push(t + delay, HEDGE, q, gen);
      this.heap.pushLane(DEADLINES, t + cfg.deadlineSec, DEADLINE, q, gen);
    }
    this.heap.pushLane(ARRIVALS, t + A.exp(1 / cfg.qps), ARRIVE, 0, 0);
  }

  /** Query q ends at `atSec`; `marks`: what its deciding leaves met (./causes.ts). */
  private finishQuery(q: number, atSec: number, outcome: OutcomeCode, marks: number): void {
    const flags = this.qFlags[q];
    if (flags & FINISHED) return;
    this.qFlags[q] = flags | FINISHED;
    const deadline = this.cfg.deadlineSec;
    if (flags & MEASURED) {
      const s = this.stats;
      s.queries++;
      let latency = deadline;
      if (outcome === Outcome.GOOD || outcome === Outcome.WRONG) {
        latency = atSec - this.qArrive[q];
        s.latencySumSec += latency;
        if (outcome === Outcome.GOOD) s.good++;
        else s.wrong++;
      } else if (outcome === Outcome.LATE) s.late++;
      else s.unavailable++;
      const latencyUs = Math.max(1, Math.round(latency * 1e6));
      this.o.latencies?.recordValue(latencyUs);
      this.o.causes?.add(CAUSE_OF[marks], outcome !== Outcome.GOOD, latencyUs, latencyUs - Math.round(this.qBase[q] * 1e6));
      this.o.observer?.(this.qArrive[q], latency, outcome);
    }
    // Cancel whatever is still out: the cancels reach the replicas one trip from now.
    const base = q * this.F;
    for (let i = 0; i < this.F; i++) this.cancelCopies(base + i);
    if (this.qLive[q] === 0) this.freeQuery(q);
  }

  private hedge(q: number, gen: number): void {
    if (this.qGen[q] !== gen || this.qFlags[q] & FINISHED) return;
    const base = q * this.F;
    const C = this.o.client;
    for (let i = 0; i < this.F; i++) {
      const l = base + i;
      if (this.lState[l] !== PENDING || this.lHedged[l]) continue;
      this.lHedged[l] = 1;
      const u = C.next();
      const r = this.send(l, BACKUP, u, this.drawService(C));
      if (r >= 0) this.tryStart(this.rRep[r]);
    }
  }

  private deadline(q: number, gen: number): void {
    if (this.qGen[q] !== gen) return;
    // Late: the leaves still unanswered decide its cause.
    let marks = 0;
    const base = q * this.F;
    for (let i = 0; i < this.F; i++) if (this.lState[base + i] === PENDING) marks |= this.lMarks[base + i];
    this.finishQuery(q, this.now, Outcome.LATE, marks);
  }

  /** A service time (the lognormal drawn inline: the same number as cfg.service.sample). */
  private drawService(rng: Rng): number {
    const mu = this.svcMu;
    return mu === mu ? Math.exp(mu + this.svcSigma * rng.normal()) : this.cfg.service.sample(rng);
  }

  // ---- leaves ----

  /** Sends a leaf's request (and its tied twin); false when no replica can take it. */
  private sendLeaf(l: number, kind: number, u: number, svc: number): boolean {
    const r = this.send(l, kind, u, svc);
    if (r < 0) return false;
    let r2 = -1;
    if (this.decide.tied) {
      const C = this.o.client;
      const u2 = C.next();
      r2 = this.send(l, TWIN, u2, this.drawService(C));
      if (r2 >= 0) {
        this.rTwin[r] = r2;
        this.rTwin[r2] = r;
      }
    }
    if (this.timeoutSec < Infinity) {
      const q = this.queryOf(l);
      this.heap.push(this.now + this.timeoutSec, TIMEOUT, l, this.qGen[q] * 16 + this.lAttempts[l]);
    }
    this.tryStart(this.rRep[r]);
    if (r2 >= 0) this.tryStart(this.rRep[r2]);
    return true;
  }

  /** Leaf `l`'s first answer has reached the client (now); `wrong`: the mark of a wrong answer, or 0. */
  private leafDone(l: number, wrong: number): void {
    this.lState[l] = LEAF_DONE;
    const q = this.queryOf(l);
    const atSec = this.now;
    if (wrong) this.qWrong[q] |= wrong;
    if (atSec > this.qDoneAt[q]) this.qDoneAt[q] = atSec;
    this.recent?.add(atSec - this.qArrive[q]);
    this.cancelCopies(l);
    if (--this.qLeft[q] === 0) {
      const done = this.qDoneAt[q];
      const late = done > this.qArrive[q] + this.cfg.deadlineSec;
      // Wrong: its wrong answers decide its cause; else the leaf answered last.
      const wrongMarks = this.qWrong[q];
      if (late) this.finishQuery(q, done, Outcome.LATE, this.lMarks[l]);
      else if (wrongMarks) this.finishQuery(q, done, Outcome.WRONG, wrongMarks);
      else this.finishQuery(q, done, Outcome.GOOD, this.lMarks[l]);
    }
  }

  private leafFailed(l: number): void {
    this.lState[l] = LEAF_FAILED;
    const shard = this.lShard[l];
    let marks = this.lMarks[l];
    if (this.rotCount[shard] === 0) {
      // No replica in rotation: quarantined, or down, drained or out of service.
      for (let rep = shard * this.R; rep < (shard + 1) * this.R; rep++) marks |= this.quarantinedNow[rep] ? M_CORRUPT : M_DOWN;
    }
    this.finishQuery(this.queryOf(l), this.now, Outcome.UNAVAILABLE, marks);
  }

  /** A request of leaf `l` failed (already released); retry at `atSec`, or fail the leaf if nothing else is out. */
  private attemptFailed(l: number, atSec: number): void {
    const q = this.queryOf(l);
    if (this.lState[l] !== PENDING || this.qFlags[q] & FINISHED) return;
    if (this.anotherMayAnswer(l)) return;
    if (this.mayRetry(l)) {
      this.lAttempts[l]++;
      this.retriesAll++;
      this.heap.push(atSec, RESEND, l, this.qGen[q]);
    } else {
      this.leafFailed(l);
    }
  }

  private mayRetry(l: number): boolean {
    return this.decide.mayRetry(this.lAttempts[l], this.retriesAll, this.baseAll, this.now);
  }

  private resend(l: number, gen: number): void {
    const q = this.queryOf(l);
    if (this.qGen[q] !== gen || this.lState[l] !== PENDING || this.qFlags[q] & FINISHED) return;
    const C = this.o.client;
    const u = C.next();
    if (this.sendLeaf(l, RETRY, u, this.drawService(C))) return;
    if (this.anotherMayAnswer(l)) return;
    this.leafFailed(l);
  }

  /** Whether a request of leaf `l` is still out and may answer: not given up, and running, answering, or queued with no cancel yet at its replica. */
  private anotherMayAnswer(l: number): boolean {
    const now = this.now;
    for (let x = this.lHead[l]; x !== -1; x = this.rNextLeaf[x]) {
      if (!(this.rFlags[x] & IGNORED) && (this.rState[x] !== QUEUED || this.rCancelAt[x] > now)) return true;
    }
    return false;
  }

  /** The client cancels leaf `l`'s requests still queued: each cancel reaches its replica one trip from now. */
  private cancelCopies(l: number): void {
    const c = this.now + this.tripSec;
    for (let x = this.lHead[l]; x !== -1; x = this.rNextLeaf[x]) if (this.rState[x] === QUEUED && this.rCancelAt[x] > c) this.rCancelAt[x] = c;
  }

  private timeout(l: number, arg: number): void {
    const q = this.queryOf(l);
    const gen = Math.floor(arg / 16);
    if (this.qGen[q] !== gen || this.lState[l] !== PENDING || this.qFlags[q] & FINISHED) return;
    if (this.lAttempts[l] !== arg - gen * 16 || !this.mayRetry(l)) return;
    // Give up on what is out: later answers are dropped, and the queued copies are cancelled.
    for (let x = this.lHead[l]; x !== -1; x = this.rNextLeaf[x]) this.rFlags[x] |= IGNORED;
    this.cancelCopies(l);
    this.lAttempts[l]++;
    this.retriesAll++;
    this.resend(l, gen);
  }

  // ---- requests and replicas ----

  /** Queues a request of leaf `l` on a replica of its shard (not started: the caller calls tryStart). -1: none available. */
  private send(l: number, kind: number, u: number, svc: number): number {
    const shard = this.lShard[l];
    const n = this.rotCount[shard];
    if (n === 0) return -1;
    const base = shard * this.R;
    let k = Math.floor(u * n);
    if (this.p2c && n >= 2) {
      let k2 = this.o.client.int(n - 1);
      if (k2 >= k) k2++;
      if (this.decide.prefersSecond(this.outstanding[this.rotList[base + k]], this.outstanding[this.rotList[base + k2]])) k = k2;
    }
    let rep = this.rotList[base + k];
    if (this.lHead[l] !== -1) {
      // Another copy of this leaf is out: pick a replica it is not on.
      let tries = 0;
      while (this.leafOn(l, rep)) {
        if (++tries >= n) return -1;
        k = k + 1 === n ? 0 : k + 1;
        rep = this.rotList[base + k];
      }
    }
    // What the copy meets there: a dead host, a slow one, a queue behind extra copies.
    let marks = this.repMarks[rep];
    if (this.extraAt[rep] > 0 && this.busy[rep] >= this.servers) marks |= M_HEDGING;
    this.lMarks[l] |= marks;
    if (kind !== PRIMARY) this.extraAt[rep]++;
    const r = this.allocRequest();
    this.requestsSent++;
    this.rLeaf[r] = l;
    this.rRep[r] = rep;
    this.rService[r] = svc;
    this.rArriveAt[r] = this.now + this.tripSec;
    this.rCancelAt[r] = Infinity;
    this.rTwin[r] = -1;
    this.rState[r] = QUEUED;
    this.rFlags[r] = kind;
    this.rNextLeaf[r] = this.lHead[l];
    this.lHead[l] = r;
    const q = this.queryOf(l);
    this.qLive[q]++;
    this.outstanding[rep]++;
    if (this.qFlags[q] & MEASURED) {
      if (kind === BACKUP) this.stats.hedges++;
      else if (kind === RETRY) this.stats.retries++;
      else if (kind === TWIN) this.stats.twins++;
    }
    this.rNextQ[r] = -1;
    const tail = this.qTail[rep];
    if (tail === -1) this.qHead[rep] = r;
    else this.rNextQ[tail] = r;
    this.qTail[rep] = r;
    return r;
  }

  private leafOn(l: number, rep: number): boolean {
    for (let x = this.lHead[l]; x !== -1; x = this.rNextLeaf[x]) if (this.rRep[x] === rep) return true;
    return false;
  }

  /**
   * Starts queued requests while the replica has a free server (a down replica never does).
   * A request still on its way starts when it arrives: requests and cancels reach a replica
   * in the order they were sent, so nothing behind it starts first and its own cancel comes
   * after it (the server is held from now, which no request could use before then).
   */
  private tryStart(rep: number): void {
    if (!this.cond.up[rep]) return;
    const now = this.now;
    const dropAfter = this.cfg.deadlineSec + this.tripSec;
    while (this.busy[rep] < this.servers) {
      const r = this.qHead[rep];
      if (r === -1) return;
      const next = this.rNextQ[r];
      this.qHead[rep] = next;
      if (next === -1) this.qTail[rep] = -1;
      const q = this.queryOf(this.rLeaf[r]);
      let start = this.rArriveAt[r];
      if (start <= now) {
        start = now;
        if (this.rCancelAt[r] <= now) {
          if (this.rFlags[r] & KIND) this.extraAt[rep]--;
          this.release(r);
          continue;
        }
      }
      // The replica's deadline: the time left when the request was sent, counted from its arrival (gRPC's grpc-timeout).
      if (start >= this.qArrive[q] + dropAfter) {
        if (this.rFlags[r] & KIND) this.extraAt[rep]--;
        this.release(r);
        continue;
      }
      this.busy[rep]++;
      this.rState[r] = SERVING;
      const dur = this.rService[r] * this.cond.slowdown[rep];
      this.heap.push(start + dur, DONE, r, 0);
      if (this.qFlags[q] & MEASURED) {
        const s = this.stats;
        s.busySec += dur;
        const kind = this.rFlags[r] & KIND;
        if (kind === BACKUP) s.hedgesServed++;
        else if (kind === RETRY) s.retriesServed++;
        else if (kind === TWIN) s.twinsServed++;
      }
      // Tied: the replica tells its twin's replica, one trip away.
      const tw = this.rTwin[r];
      if (tw >= 0 && this.rState[tw] === QUEUED) {
        const c = start + this.tripSec;
        if (c < this.rCancelAt[tw]) this.rCancelAt[tw] = c;
      }
    }
  }

  /** A request's service ends: the server is free, and its answer leaves for the client. */
  private done(r: number): void {
    const rep = this.rRep[r];
    this.busy[rep]--;
    if (this.rFlags[r] & KIND) this.extraAt[rep]--; // an extra copy leaves the replica
    const l = this.rLeaf[r];
    if (this.wanted(r, l)) {
      const lp = this.cond.lossP[rep];
      const late = lp > 0 ? this.resendDelaySec(lp) : 0;
      if (late > 0) this.lMarks[l] |= M_LOSS;
      const cp = this.cond.corruptP[rep];
      const mp = this.cond.mercurialP[rep];
      if (cp > 0 || mp > 0) {
        const C = this.o.client;
        const source = cp > 0 && C.next() < cp ? MEMORY : mp > 0 && C.next() < mp ? CORE : 0;
        if (source !== 0) this.rFlags[r] |= this.crcCatches(source) ? CAUGHT : source === CORE ? WRONG_ANSWER | BY_CORE : WRONG_ANSWER;
      }
      this.rState[r] = ANSWERING;
      const at = this.now + this.tripSec;
      if (late > 0) this.heap.push(at + late, ANSWER, r, 0);
      else this.heap.pushLane(ANSWERS, at, ANSWER, r, 0);
    } else {
      // Nobody waits for this answer any more (it would be dropped on arrival): wasted work.
      this.wasted(r);
      this.release(r);
    }
    this.tryStart(rep);
  }

  /** A request's answer reaches the client. */
  private answer(r: number): void {
    const l = this.rLeaf[r];
    if (!this.wanted(r, l)) {
      this.wasted(r);
      this.release(r);
      return;
    }
    const flags = this.rFlags[r];
    const q = this.queryOf(l);
    if (flags & CAUGHT) {
      this.stats.crcCaught++; // warm-up too: the catch that quarantines a replica usually comes there
      this.lMarks[l] |= M_CORRUPT;
      this.wasted(r);
      this.quarantine(this.rRep[r]);
      this.release(r);
      this.attemptFailed(l, this.now);
      return;
    }
    const wrong = flags & WRONG_ANSWER ? (flags & BY_CORE ? M_CORE : M_CORRUPT) : 0;
    if (wrong && this.qFlags[q] & MEASURED) this.stats.wrongLeaves++;
    this.leafDone(l, wrong);
    this.release(r);
  }

  /** Whether the client still wants request r's answer (the leaf is unanswered and the request not given up). */
  private wanted(r: number, l: number): boolean {
    return !(this.rFlags[r] & IGNORED) && this.lState[l] === PENDING && !(this.qFlags[this.queryOf(l)] & FINISHED);
  }

  /** Counts request r's service as wasted (measured queries). */
  private wasted(r: number): void {
    if (this.qFlags[this.queryOf(this.rLeaf[r])] & MEASURED) this.stats.wastedSec += this.rService[r] * this.cond.slowdown[this.rRep[r]];
  }

  /** Seconds the exchange with a replica losing a fraction `p` of its packets lost to retransmissions (see the header). */
  private resendDelaySec(p: number): number {
    const q = 1 - (1 - p) * (1 - p);
    const C = this.o.client;
    let k = 0;
    while (k < MAX_LOST_TRIES && C.next() < q) k++;
    return TCP_RTO_MIN_SEC * (2 ** k - 1);
  }

  /**
   * Builds a corrupted answer as real bytes and checks it as the client would. Memory: the
   * CRC travelling with the answer was stored with the clean data; core: it was computed
   * over the wrong answer. True when the end-to-end check catches it.
   */
  private crcCatches(source: number): boolean {
    const clean = blockBytes(this.o.payloadSeed, this.responseId++, PAYLOAD_BYTES, this.clean);
    const got = this.delivered;
    got.set(clean);
    const bit = this.o.client.int(PAYLOAD_BYTES * 8);
    got[bit >> 3] ^= 1 << (bit & 7);
    const carried = source === MEMORY ? crc32(clean) : crc32(got);
    if (!this.decide.endToEndCrc) return false;
    return crc32(got) !== carried;
  }

  private quarantine(rep: number): void {
    if (!this.rot[rep]) return;
    this.quarantinedNow[rep] = 1;
    this.removeFromRotation(rep);
    this.stats.quarantined++;
    this.o.onQuarantine?.(rep, this.now);
  }

  /** Clients learn that a down replica is down: it leaves rotation and its requests fail. */
  private detect(rep: number): void {
    this.removeFromRotation(rep);
    let r = this.qHead[rep];
    this.qHead[rep] = this.qTail[rep] = -1;
    const now = this.now;
    while (r !== -1) {
      const next = this.rNextQ[r];
      const l = this.rLeaf[r];
      const q = this.queryOf(l);
      const live = this.rCancelAt[r] > now && !(this.rFlags[r] & IGNORED) && this.lState[l] === PENDING && !(this.qFlags[q] & FINISHED);
      if (this.rFlags[r] & KIND) this.extraAt[rep]--;
      this.release(r);
      if (live) this.attemptFailed(l, now);
      r = next;
    }
  }

  private release(r: number): void {
    const l = this.rLeaf[r];
    let prev = -1;
    let x = this.lHead[l];
    while (x !== r) {
      prev = x;
      x = this.rNextLeaf[x];
    }
    if (prev === -1) this.lHead[l] = this.rNextLeaf[r];
    else this.rNextLeaf[prev] = this.rNextLeaf[r];
    const tw = this.rTwin[r];
    if (tw >= 0) {
      this.rTwin[tw] = -1;
      this.rTwin[r] = -1;
    }
    this.outstanding[this.rRep[r]]--;
    this.rFree[this.rFreeN++] = r;
    const q = this.queryOf(l);
    if (--this.qLive[q] === 0 && this.qFlags[q] & FINISHED) this.freeQuery(q);
  }

  private addToRotation(rep: number): void {
    const shard = (rep / this.R) | 0;
    const pos = this.rotCount[shard]++;
    this.rotList[shard * this.R + pos] = rep;
    this.rotPos[rep] = pos;
    this.rot[rep] = 1;
  }

  private removeFromRotation(rep: number): void {
    if (!this.rot[rep]) return;
    this.rot[rep] = 0;
    const shard = (rep / this.R) | 0;
    const base = shard * this.R;
    const last = this.rotList[base + --this.rotCount[shard]];
    const pos = this.rotPos[rep];
    this.rotList[base + pos] = last;
    this.rotPos[last] = pos;
  }

  /** The query of leaf `l` (floor(l / F), by a multiply: l + 0.5 keeps it exact). */
  private queryOf(l: number): number {
    return ((l + 0.5) * this.invF) | 0;
  }

  // ---- storage ----

  private allocQuery(): number {
    if (this.qFreeN > 0) return this.qFree[--this.qFreeN];
    if (this.qUsed === this.qCap) this.growQueries(this.qCap * 2);
    return this.qUsed++;
  }

  private freeQuery(q: number): void {
    this.qGen[q] = -1;
    this.qFree[this.qFreeN++] = q;
  }

  private allocRequest(): number {
    if (this.rFreeN > 0) return this.rFree[--this.rFreeN];
    if (this.rUsed === this.rCap) this.growRequests(this.rCap * 2);
    return this.rUsed++;
  }

  private growQueries(cap: number): void {
    const F = this.F;
    this.qFree = grow(this.qFree, cap);
    this.qArrive = grow(this.qArrive, cap);
    this.qGen = grow(this.qGen, cap);
    this.qLeft = grow(this.qLeft, cap);
    this.qDoneAt = grow(this.qDoneAt, cap);
    this.qFlags = grow(this.qFlags, cap);
    this.qLive = grow(this.qLive, cap);
    this.qBase = grow(this.qBase, cap);
    this.qWrong = grow(this.qWrong, cap);
    this.lShard = grow(this.lShard, cap * F);
    this.lState = grow(this.lState, cap * F);
    this.lHead = grow(this.lHead, cap * F);
    this.lAttempts = grow(this.lAttempts, cap * F);
    this.lHedged = grow(this.lHedged, cap * F);
    this.lMarks = grow(this.lMarks, cap * F);
    this.qCap = cap;
  }

  private growRequests(cap: number): void {
    this.rFree = grow(this.rFree, cap);
    this.rLeaf = grow(this.rLeaf, cap);
    this.rRep = grow(this.rRep, cap);
    this.rNextQ = grow(this.rNextQ, cap);
    this.rNextLeaf = grow(this.rNextLeaf, cap);
    this.rTwin = grow(this.rTwin, cap);
    this.rService = grow(this.rService, cap);
    this.rArriveAt = grow(this.rArriveAt, cap);
    this.rCancelAt = grow(this.rCancelAt, cap);
    this.rState = grow(this.rState, cap);
    this.rFlags = grow(this.rFlags, cap);
    this.rCap = cap;
  }
}

type TypedArray = Int32Array | Float64Array | Uint8Array;

function grow<T extends TypedArray>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a as never);
  return b;
}
