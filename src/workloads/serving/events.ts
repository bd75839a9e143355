// The event queue of the serving window simulator (./window.ts): events in (time, order of
// scheduling) order, exactly as src/sim/queue.ts's EventQueue orders them, but built for
// the window's traffic.
//
// HOT PATH (bench/serving.ts: every leaf request is one push and one pop). A binary heap
// of the window's ~1,000 pending events cost ~28% of a window (profile, bench config): each
// pop sifts a far event down ~10 levels with a mispredicted branch per level. Here:
// - Lanes: events the caller schedules in non-decreasing time order (the next arrival; a
//   query's deadline, always arrival + deadline; an answer's arrival at the client, always
//   the end of its service + one network trip) go to FIFO rings, O(1) each.
// - A timing wheel (a calendar queue, Brown 1988) holds the rest, which are mostly
//   service completions a few milliseconds ahead: WHEEL_BUCKETS buckets of `bucketSec`
//   (about one event per bucket at the window's leaf rate), each an unsorted linked list
//   through the slot arrays. A pop scans forward to the first non-empty bucket and takes
//   the least (time, sequence) of its short list. Bucket numbers are floor(time / width),
//   monotone in time, so bucket order never contradicts time order.
// - Events beyond the wheel's horizon (stragglers' long service, far timeouts) go to a
//   small binary heap.
// A pop takes the least (time, sequence) of the lane heads, the wheel and the heap, so the
// order is the same total order as one heap's, ties at equal times included (first
// scheduled, first popped).
import { growF64, growI32 } from "../../sim/queue.js";

/** Buckets of the timing wheel (a power of two). */
export const WHEEL_BUCKETS = 8192;

export class WindowEvents {
  /** Time of the event last returned by `pop`. */
  time = 0;
  kind = 0;
  target = 0;
  arg = 0;

  private seq = 0;

  // Slots (payloads) of wheel and heap events, with a free list.
  private cap = 0;
  private used = 0;
  private freeN = 0;
  private free: Int32Array = new Int32Array(0);
  private sTime: Float64Array = new Float64Array(0);
  private sSeq: Float64Array = new Float64Array(0);
  private sKind: Int32Array = new Int32Array(0);
  private sTarget: Int32Array = new Int32Array(0);
  private sArg: Float64Array = new Float64Array(0);
  private sNext: Int32Array = new Int32Array(0);

  // The wheel.
  private readonly head = new Int32Array(WHEEL_BUCKETS).fill(-1);
  private readonly perSec: number;
  /** A bucket number at or before every wheel event's, and at or after the current time's. */
  private scan = 0;
  private inWheel = 0;
  /** Bucket number of the current time. */
  private nowBucket = 0;

  // The overflow heap (slot numbers, ordered by their time and sequence).
  private heap: Int32Array = new Int32Array(0);
  private heapN = 0;

  // Lanes: rings of (time, seq, kind, target, arg).
  private readonly lane0 = new Lane(64);
  private readonly lane1 = new Lane(64);
  private readonly lane2 = new Lane(64);

  constructor(
    /** Width of a wheel bucket in seconds (about 1 / events per second works well). */
    readonly bucketSec: number,
  ) {
    if (!(bucketSec > 0 && Number.isFinite(bucketSec))) throw new RangeError(`bucket width must be a positive number of seconds, got ${bucketSec}`);
    this.perSec = 1 / bucketSec;
    this.growSlots(1024);
  }

  /** Number of pending events. */
  get size(): number {
    return this.inWheel + this.heapN + this.lane0.n + this.lane1.n + this.lane2.n;
  }

  /** Removes every pending event and restarts the clock at 0. */
  clear(): void {
    this.head.fill(-1);
    this.scan = this.nowBucket = this.inWheel = 0;
    this.heapN = 0;
    this.used = this.freeN = 0;
    this.time = 0;
    this.lane0.n = this.lane0.first = 0;
    this.lane1.n = this.lane1.first = 0;
    this.lane2.n = this.lane2.first = 0;
  }

  /** Schedules an event at `time` (not before the last popped event's time). */
  push(time: number, kind: number, target: number, arg: number): void {
    const s = this.allocSlot();
    this.sTime[s] = time;
    this.sSeq[s] = this.seq++;
    this.sKind[s] = kind;
    this.sTarget[s] = target;
    this.sArg[s] = arg;
    const b = Math.floor(time * this.perSec);
    if (b - this.nowBucket < WHEEL_BUCKETS) {
      const i = b & (WHEEL_BUCKETS - 1);
      this.sNext[s] = this.head[i];
      this.head[i] = s;
      this.inWheel++;
      if (b < this.scan) this.scan = b;
    } else {
      this.heapPush(s);
    }
  }

  /** Schedules an event on FIFO lane `lane` (0, 1 or 2); its time must not be before the lane's last one. */
  pushLane(lane: number, time: number, kind: number, target: number, arg: number): void {
    (lane === 0 ? this.lane0 : lane === 1 ? this.lane1 : this.lane2).push(time, this.seq++, kind, target, arg);
  }

  /**
   * Removes the earliest event if its time is <= `untilSec`, copies it into `time`, `kind`,
   * `target`, `arg` and returns true; otherwise leaves everything as it is and returns false.
   */
  pop(untilSec: number): boolean {
    let bestT = Infinity;
    let bestQ = Infinity;
    let from = NONE;
    // The wheel: first non-empty bucket, least (time, seq) of its list.
    let wPrev = -1;
    let wSlot = -1;
    let wBucket = 0;
    if (this.inWheel > 0) {
      const head = this.head;
      let b = this.scan;
      while (head[b & (WHEEL_BUCKETS - 1)] === -1) b++;
      this.scan = b;
      wBucket = b & (WHEEL_BUCKETS - 1);
      const sTime = this.sTime;
      const sSeq = this.sSeq;
      const sNext = this.sNext;
      let prev = -1;
      for (let x = head[wBucket]; x !== -1; x = sNext[x]) {
        const t = sTime[x];
        if (t < bestT || (t === bestT && sSeq[x] < bestQ)) {
          bestT = t;
          bestQ = sSeq[x];
          wSlot = x;
          wPrev = prev;
        }
        prev = x;
      }
      from = WHEEL;
    }
    if (this.heapN > 0) {
      const s = this.heap[0];
      const t = this.sTime[s];
      if (t < bestT || (t === bestT && this.sSeq[s] < bestQ)) {
        bestT = t;
        bestQ = this.sSeq[s];
        from = HEAP;
      }
    }
    let lane = this.lane0;
    if (lane.n > 0) {
      const t = lane.time[lane.first];
      if (t < bestT || (t === bestT && lane.seq[lane.first] < bestQ)) {
        bestT = t;
        bestQ = lane.seq[lane.first];
        from = LANE;
      }
    }
    const l1 = this.lane1;
    if (l1.n > 0) {
      const t = l1.time[l1.first];
      if (t < bestT || (t === bestT && l1.seq[l1.first] < bestQ)) {
        bestT = t;
        bestQ = l1.seq[l1.first];
        from = LANE;
        lane = l1;
      }
    }
    const l2 = this.lane2;
    if (l2.n > 0) {
      const t = l2.time[l2.first];
      if (t < bestT || (t === bestT && l2.seq[l2.first] < bestQ)) {
        bestT = t;
        bestQ = l2.seq[l2.first];
        from = LANE;
        lane = l2;
      }
    }
    if (from === NONE || bestT > untilSec) return false;
    this.time = bestT;
    if (from === LANE) {
      const l = lane;
      const f = l.first;
      this.kind = l.kind[f];
      this.target = l.target[f];
      this.arg = l.arg[f];
      l.first = f + 1 === l.cap ? 0 : f + 1;
      l.n--;
    } else {
      const s = from === WHEEL ? wSlot : this.heap[0];
      this.kind = this.sKind[s];
      this.target = this.sTarget[s];
      this.arg = this.sArg[s];
      if (from === WHEEL) {
        if (wPrev === -1) this.head[wBucket] = this.sNext[s];
        else this.sNext[wPrev] = this.sNext[s];
        this.inWheel--;
      } else {
        this.heapPop();
      }
      this.free[this.freeN++] = s;
    }
    const nb = Math.floor(bestT * this.perSec);
    this.nowBucket = nb;
    if (this.scan < nb) this.scan = nb;
    return true;
  }

  // ---- slots ----

  private allocSlot(): number {
    if (this.freeN > 0) return this.free[--this.freeN];
    if (this.used === this.cap) this.growSlots(this.cap * 2);
    return this.used++;
  }

  private growSlots(cap: number): void {
    this.free = growI32(this.free, cap);
    this.sTime = growF64(this.sTime, cap);
    this.sSeq = growF64(this.sSeq, cap);
    this.sKind = growI32(this.sKind, cap);
    this.sTarget = growI32(this.sTarget, cap);
    this.sArg = growF64(this.sArg, cap);
    this.sNext = growI32(this.sNext, cap);
    this.heap = growI32(this.heap, cap);
    this.cap = cap;
  }

  // ---- overflow heap ----

  private before(a: number, b: number): boolean {
    const ta = this.sTime[a];
    const tb = this.sTime[b];
    return ta < tb || (ta === tb && this.sSeq[a] < this.sSeq[b]);
  }

  private heapPush(s: number): void {
    const h = this.heap;
    let i = this.heapN++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(s, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = s;
  }

  private heapPop(): void {
    const h = this.heap;
    const n = --this.heapN;
    if (n === 0) return;
    const s = h[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(h[c + 1], h[c])) c++;
      if (!this.before(h[c], s)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = s;
  }
}

const NONE = 0;
const WHEEL = 1;
const HEAP = 2;
const LANE = 3;

/** A FIFO ring of events whose times do not decrease. */
class Lane {
  n = 0;
  first = 0;
  time: Float64Array;
  seq: Float64Array;
  kind: Int32Array;
  target: Int32Array;
  arg: Float64Array;

  constructor(public cap: number) {
    this.time = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.kind = new Int32Array(cap);
    this.target = new Int32Array(cap);
    this.arg = new Float64Array(cap);
  }

  push(time: number, seq: number, kind: number, target: number, arg: number): void {
    if (this.n === this.cap) this.grow();
    let i = this.first + this.n;
    if (i >= this.cap) i -= this.cap;
    if (this.n > 0) {
      const lastI = i === 0 ? this.cap - 1 : i - 1;
      if (time < this.time[lastI]) throw new RangeError(`lane events must not go back in time: ${time} after ${this.time[lastI]}`);
    }
    this.time[i] = time;
    this.seq[i] = seq;
    this.kind[i] = kind;
    this.target[i] = target;
    this.arg[i] = arg;
    this.n++;
  }

  /** Doubles the ring, unrolling it so the first event is at index 0. */
  private grow(): void {
    const cap = this.cap * 2;
    const unroll = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      for (let k = 0; k < this.n; k++) {
        let j = this.first + k;
        if (j >= this.cap) j -= this.cap;
        b[k] = a[j];
      }
      return b;
    };
    this.time = unroll(this.time, new Float64Array(cap));
    this.seq = unroll(this.seq, new Float64Array(cap));
    this.kind = unroll(this.kind, new Int32Array(cap));
    this.target = unroll(this.target, new Int32Array(cap));
    this.arg = unroll(this.arg, new Float64Array(cap));
    this.first = 0;
    this.cap = cap;
  }
}
