// Silently corrupted memory in a serving replica's shard: which corrupted words are in
// the shard's data, how long they stay, and how often an answer reads one.
//
// Model. The memory detector tells the service of each silent escape on a replica's host
// (src/checksums/detect.ts: one word of the host's memory, delivered wrong with no flag).
//   - Where it lands: the shard occupies `shardMemory` of the host's memory; the word is in
//     the shard with that probability (a keyed hash of the replica and the escape: the same
//     in every lane that runs the same placement), else in memory the service does not
//     read (the OS, buffers, other processes): it reaches no workload.
//   - How long it stays: until the host goes down (memory is reloaded at boot) or the
//     replica reloads its shard from storage, every `reload` (phase per replica from a
//     keyed hash). A patrol scrub cannot clear it: the code took the word for valid.
//   - What it corrupts: an answer reads `readPerAnswer` bytes of the shard, anywhere in it
//     (uniform: no hot data), so with w corrupted words in a shard of S bytes an answer
//     reads at least one with probability 1 - (1 - readPerAnswer / S)^w. Such an answer is
//     wrong (the window simulator builds it with a flipped bit: ./window.ts).
// Defaults (shardMemory 50%, readPerAnswer 1 MiB, reload 24h) are illustrative, our own
// choices: we know of no published figure for how much of a replica's shard a search leaf
// reads per query or how often index shards are reloaded. Before this model, a host with
// one corrupted word answered every query wrongly for the rest of the run (issue 15, #3).
//
// Left out: hot data (a word in a hot posting list is read far more often than the
// uniform figure), a corrupted word that a reload overwrites with data already corrupted
// on its way from storage, and reads outside the shard that still change an answer.
import type { KeyedHash } from "../../sim/hash.js";

export interface ShardMemorySpec {
  /** Fraction of the host's memory holding the replica's shard. */
  shardMemory: number;
  /** Bytes of the shard one answer reads. */
  readPerAnswerBytes: number;
  /** Seconds between reloads of a replica's shard from storage (Infinity: never). */
  reloadSec: number;
}

export class ShardCorruption {
  /** Times of the corrupted words in each replica's shard, oldest first (usually none). */
  private readonly words: number[][];
  /** Escapes seen on each replica (the keyed hash's second key). */
  private readonly escapes: Uint32Array;

  constructor(
    replicas: number,
    private readonly spec: ShardMemorySpec,
    /** Bytes of each replica's shard. */
    private readonly shardBytes: (replica: number) => number,
    private readonly lands: KeyedHash,
    private readonly phase: KeyedHash,
  ) {
    this.words = Array.from({ length: replicas }, () => []);
    this.escapes = new Uint32Array(replicas);
  }

  /** `count` words of `replica`'s host went bad at `nowSec`; returns how many are in its shard. */
  escaped(replica: number, count: number, nowSec: number): number {
    let landed = 0;
    for (let k = 0; k < count; k++) {
      if (this.lands.uniform(replica, this.escapes[replica]++) < this.spec.shardMemory) {
        this.words[replica].push(nowSec);
        landed++;
      }
    }
    return landed;
  }

  /** The replica's host went down: its memory is reloaded at boot. */
  rebooted(replica: number): void {
    this.words[replica].length = 0;
  }

  /** When `replica` last reloaded its shard, at or before `nowSec` (-Infinity: never). */
  lastReload(replica: number, nowSec: number): number {
    const r = this.spec.reloadSec;
    if (!Number.isFinite(r)) return -Infinity;
    const phase = this.phase.uniform(replica) * r;
    return phase + Math.floor((nowSec - phase) / r) * r;
  }

  /** Corrupted words in `replica`'s shard at `nowSec` (those before its last reload are gone). */
  wordsNow(replica: number, nowSec: number): number {
    const w = this.words[replica];
    if (w.length === 0) return 0;
    const since = this.lastReload(replica, nowSec);
    let i = 0;
    while (i < w.length && w[i] <= since) i++;
    if (i > 0) w.splice(0, i);
    return w.length;
  }

  /** Probability that one answer of `replica` at `nowSec` reads a corrupted word. */
  readP(replica: number, nowSec: number): number {
    const w = this.wordsNow(replica, nowSec);
    if (w === 0) return 0;
    const q = Math.min(1, this.spec.readPerAnswerBytes / this.shardBytes(replica));
    return 1 - (1 - q) ** w;
  }
}
