// The event queue: a binary min-heap of pending events ordered by (time, sequence number),
// so events at equal times pop first-in first-out.
//
// HOT PATH. Every simulated event goes through one push and one pop, millions per second
// of wall time, so this file looks different from the rest of the code base:
// - No object per event. An event is a row in typed arrays; `push` takes the fields as
//   arguments and `pop` copies the popped event into the public fields `time`, `kind`,
//   `target`, `arg`, which the caller reads right after.
// - The heap itself holds only what ordering needs: `heapTime` (Float64Array) and
//   `heapSlot` (Int32Array). The payload (`kind`, `target`, `arg`) and the sequence
//   number live in slot arrays indexed by the slot, recycled through a free list. A sift
//   then moves 2 words per level instead of 5; on a 10,000-event hold model this
//   measured ~5M pop+push/s against ~3.6M for whole rows (bench/engine.ts reports the
//   heap alone as engine.heapHoldOpsPerSec).
//   Sequence numbers are only read when two times are equal, which is rare in
//   continuous time.
// - Sifts move a hole with local variables instead of swapping.
// - A 4-ary layout (sibling groups cache-aligned, unrolled min-of-4) measured slower
//   here (~5.0M vs ~6.2M hold ops/s at 10k events), as did Floyd's bottom-up sift and a
//   branch-free child pick (no gain), so this stays a plain binary heap.
// - `pop` defers its sift-down: it leaves a hole at the root, and the next `push` (a
//   handler almost always schedules the next event) drops the new event into the hole
//   and sifts it down once, instead of a sift-down in pop plus a sift-up in push. An
//   event due soon then settles near the root at once; so a handler that schedules
//   both a soon and a far event should schedule the soon one first (bench/engine.ts).

export class EventQueue {
  /** Time of the event last returned by `pop`. */
  time = 0;
  /** Kind (handler id) of the event last returned by `pop`. */
  kind = 0;
  /** Target (e.g. a host index) of the event last returned by `pop`. */
  target = 0;
  /** Numeric argument of the event last returned by `pop`. */
  arg = 0;

  private capacity: number;
  /** Number of rows in the heap arrays, including a deferred hole at the root. */
  private n = 0;
  /** True when pop left the root empty and the heap still has to be repaired. */
  private hole = false;
  private nextSeq = 0;

  private heapTime: Float64Array;
  private heapSlot: Int32Array;

  private slotSeq: Float64Array;
  private slotKind: Int32Array;
  private slotTarget: Int32Array;
  private slotArg: Float64Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(4, initialCapacity | 0);
    this.capacity = cap;
    this.heapTime = new Float64Array(cap);
    this.heapSlot = new Int32Array(cap);
    this.slotSeq = new Float64Array(cap);
    this.slotKind = new Int32Array(cap);
    this.slotTarget = new Int32Array(cap);
    this.slotArg = new Float64Array(cap);
    this.freeSlots = new Int32Array(cap);
  }

  /** Number of pending events. */
  get size(): number {
    return this.hole ? this.n - 1 : this.n;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    if (this.hole) this.fillHole();
    return this.n === 0 ? Infinity : this.heapTime[0];
  }

  /** Removes every pending event. The sequence counter keeps counting. */
  clear(): void {
    this.n = 0;
    this.hole = false;
    this.freeCount = 0;
    this.slotsUsed = 0;
  }

  /** Adds an event. `target` and `kind` are int32; `time` and `arg` are float64. */
  push(time: number, kind: number, target: number, arg: number): void {
    // Slot for the payload.
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount];
    } else {
      if (this.slotsUsed === this.capacity) this.grow();
      slot = this.slotsUsed++;
    }
    const seq = this.nextSeq++;
    const slotSeq = this.slotSeq;
    slotSeq[slot] = seq;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotArg[slot] = arg;

    const ht = this.heapTime;
    const hs = this.heapSlot;
    if (this.hole) {
      // Drop the new event into the root hole and sift it down.
      this.hole = false;
      this.siftDown(time, slot, seq);
      return;
    }
    // Sift up from a new leaf.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ht[p];
      if (pt < time || (pt === time && slotSeq[hs[p]] < seq)) break;
      ht[i] = pt;
      hs[i] = hs[p];
      i = p;
    }
    ht[i] = time;
    hs[i] = slot;
  }

  /**
   * Removes the earliest event and copies it into `time`, `kind`, `target`, `arg`.
   * Returns false (and leaves the fields alone) when the queue is empty.
   */
  pop(): boolean {
    if (this.hole) this.fillHole();
    if (this.n === 0) return false;
    const slot = this.heapSlot[0];
    this.time = this.heapTime[0];
    this.kind = this.slotKind[slot];
    this.target = this.slotTarget[slot];
    this.arg = this.slotArg[slot];
    this.freeSlots[this.freeCount++] = slot;
    this.hole = true;
    return true;
  }

  /** Repairs a deferred root hole by moving the last row into it. */
  private fillHole(): void {
    this.hole = false;
    const last = --this.n;
    if (last === 0) return;
    const slot = this.heapSlot[last];
    this.siftDown(this.heapTime[last], slot, this.slotSeq[slot]);
  }

  /** Places (time, slot, seq) at the root hole and sifts it down over rows [0, n). */
  private siftDown(time: number, slot: number, seq: number): void {
    const ht = this.heapTime;
    const hs = this.heapSlot;
    const slotSeq = this.slotSeq;
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = ht[c];
      const r = c + 1;
      if (r < n) {
        const rt = ht[r];
        if (rt < ct || (rt === ct && slotSeq[hs[r]] < slotSeq[hs[c]])) {
          c = r;
          ct = rt;
        }
      }
      if (time < ct || (time === ct && seq < slotSeq[hs[c]])) break;
      ht[i] = ct;
      hs[i] = hs[c];
      i = c;
    }
    ht[i] = time;
    hs[i] = slot;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.heapTime = growF64(this.heapTime, cap);
    this.heapSlot = growI32(this.heapSlot, cap);
    this.slotSeq = growF64(this.slotSeq, cap);
    this.slotKind = growI32(this.slotKind, cap);
    this.slotTarget = growI32(this.slotTarget, cap);
    this.slotArg = growF64(this.slotArg, cap);
    this.freeSlots = growI32(this.freeSlots, cap);
    this.capacity = cap;
  }
}

/** A copy of `a` in a new array of `cap` slots (for growing typed-array stores). */
export function growF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** A copy of `a` in a new array of `cap` slots (for growing typed-array stores). */
export function growI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
