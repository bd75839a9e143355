// A training job's checkpoints: the last MAX_CHECKPOINTS committed (oldest first), and the
// one being written. Each remembers whether model state was clean when it was taken (a
// rollback after a detected corruption goes to the newest clean one). The first commit and
// every MILESTONE_EVERY-th are announced (the job writes a milestone record). Each commit
// is numbered and takes the lowest slot of the on-disk ring that no kept checkpoint holds,
// and carries any damage silent disk corruption did to its shards (./shards.ts).

export interface Checkpoint {
  /** Wall time from which work after it would be redone (end of a sync write; snapshot time of an async one). */
  at: number;
  progress: number;
  /** Taken with no known corruption in the model state. */
  clean: boolean;
  /** Commit number (1, 2, ...; absent: the start, which has no bytes). */
  seq?: number;
  /** Slot of the on-disk ring it was written to (0 .. MAX_CHECKPOINTS-1). */
  slot?: number;
  /** Damage to its shards on disk, if any. */
  damage?: ShardDamage[];
}

/** Garbage XORed into one shard of a checkpoint on disk (./shards.ts). */
export interface ShardDamage {
  shard: number;
  /** Byte offset in the shard. */
  offset: number;
  /** The garbage: blockBytes(seed, 0, length). */
  seed: number;
  length: number;
}

export const MAX_CHECKPOINTS = 16;
/** A milestone every this many checkpoints (and at the first). */
export const MILESTONE_EVERY = 24;

export class CheckpointLog {
  private list: Checkpoint[];
  /** The checkpoint being written (async: until durable). */
  pending: Checkpoint | undefined;
  /** Generation of the async write in flight: a durable event of an older one is stale. */
  asyncGen = 0;
  /** Checkpoints committed so far. */
  taken = 0;

  constructor(
    initial: Checkpoint,
    private readonly milestone: (taken: number, c: Checkpoint) => void = () => {},
  ) {
    this.list = [initial];
  }

  /** Commits `c` (keeping the newest MAX_CHECKPOINTS); returns how many have been taken. */
  commit(c: Checkpoint): number {
    this.list.push(c);
    if (this.list.length > MAX_CHECKPOINTS) this.list.shift();
    const taken = ++this.taken;
    c.seq = taken;
    c.slot = this.freeSlot();
    if (taken === 1 || taken % MILESTONE_EVERY === 0) this.milestone(taken, c);
    return taken;
  }

  /** Commits the write in flight; `atSec`: as of then (a sync write, at the end of its stall). */
  commitPending(atSec?: number): void {
    if (this.pending) this.commit(atSec === undefined ? this.pending : { ...this.pending, at: atSec });
    this.pending = undefined;
  }

  /** The async write of generation `gen` is durable now: commits it unless a loss or a rollback abandoned it. */
  durable(gen: number): void {
    if (gen === this.asyncGen && this.pending) this.commitPending();
  }

  /** Abandons the write in flight (a loss or a rollback came first). */
  abandonPending(): void {
    this.pending = undefined;
    this.asyncGen++;
  }

  newest(): Checkpoint {
    return this.list[this.list.length - 1];
  }

  /** The newest checkpoint taken with clean model state, else the oldest kept. */
  newestClean(): Checkpoint {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i].clean) return this.list[i];
    return this.list[0];
  }

  /** The lowest ring slot no kept checkpoint holds (one is always free: at most MAX_CHECKPOINTS - 1 others are kept). */
  private freeSlot(): number {
    let used = 0;
    for (const k of this.list) if (k.slot !== undefined) used |= 1 << k.slot;
    let slot = 0;
    while (used & (1 << slot)) slot++;
    return slot;
  }

  /** The kept checkpoint written to ring slot `slot`, if any. */
  inSlot(slot: number): Checkpoint | undefined {
    return this.list.find((k) => k.slot === slot);
  }

  /** The kept checkpoint before `c`, if any. */
  before(c: Checkpoint): Checkpoint | undefined {
    const i = this.list.indexOf(c);
    return i > 0 ? this.list[i - 1] : undefined;
  }

  /** Drops the checkpoints newer than `c`. */
  truncateAfter(c: Checkpoint): void {
    this.list.length = this.list.indexOf(c) + 1;
  }

  /** Copies of the checkpoints kept, oldest first. */
  copies(): Checkpoint[] {
    return this.list.map((c) => ({ ...c }));
  }
}
