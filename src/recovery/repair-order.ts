// The re-replication queue: blocks waiting for a new copy, fewest live copies first, as
// HDFS's UnderReplicatedBlocks orders them (a block with one live copy is one failure from
// loss; one with two of three can wait). One FIFO per live count 1 .. R-1 (a block with no
// live copy has no source and does not wait here; it comes back when a copy does).
//
// A block's priority changes as copies come and go. Instead of moving it, `push` files it
// again under its new level and remembers that level; an entry whose level is no longer
// the block's is stale and skipped when popped. So each push and pop is O(1).

/** A growable FIFO of int32s. */
class IntFifo {
  private buf = new Int32Array(16);
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  push(x: number): void {
    if (this.tail === this.buf.length) {
      const live = this.tail - this.head;
      // Compact in place when at least half is consumed, else grow.
      if (live * 2 <= this.buf.length) {
        this.buf.copyWithin(0, this.head, this.tail);
      } else {
        const grown = new Int32Array(this.buf.length * 2);
        grown.set(this.buf.subarray(this.head, this.tail));
        this.buf = grown;
      }
      this.head = 0;
      this.tail = live;
    }
    this.buf[this.tail++] = x;
  }

  shift(): number {
    return this.head < this.tail ? this.buf[this.head++] : -1;
  }
}

export class RepairQueue {
  private readonly levels: IntFifo[] = [];
  /** The level each block is filed under, -1 when not queued. */
  private readonly levelOf: Int8Array;
  /** Blocks queued (not counting stale entries). */
  queued = 0;
  /** Most blocks queued at once. */
  queuedMax = 0;

  constructor(
    blocks: number,
    /** Copies per block: levels are 1 .. replication - 1. */
    readonly replication: number,
  ) {
    this.levelOf = new Int8Array(blocks).fill(-1);
    for (let l = 0; l < replication; l++) this.levels.push(new IntFifo());
  }

  /** Files `block` under `live` copies (1 .. R-1); a no-op if it is already filed there. */
  push(block: number, live: number): void {
    if (live < 1 || live >= this.replication) throw new RangeError(`repair level ${live} outside 1..${this.replication - 1}`);
    const was = this.levelOf[block];
    if (was === live) return;
    if (was < 0) {
      this.queued++;
      if (this.queued > this.queuedMax) this.queuedMax = this.queued;
    }
    this.levelOf[block] = live;
    this.levels[live].push(block);
  }

  /** Takes `block` off the queue (its entries become stale). */
  drop(block: number): void {
    if (this.levelOf[block] < 0) return;
    this.levelOf[block] = -1;
    this.queued--;
  }

  isQueued(block: number): boolean {
    return this.levelOf[block] >= 0;
  }

  /** The next block to repair (fewest live copies, then first filed), or -1 when none. */
  pop(): number {
    for (let l = 1; l < this.replication; l++) {
      const q = this.levels[l];
      while (q.size > 0) {
        const b = q.shift();
        if (this.levelOf[b] !== l) continue; // stale: re-filed or dropped
        this.levelOf[b] = -1;
        this.queued--;
        return b;
      }
    }
    return -1;
  }
}
