// Where each copy sits on its disk: every disk of the store is a table of block-sized
// positions, position k holding bytes [k x blockSize, (k + 1) x blockSize) from the start
// of the disk. A new copy takes the most recently freed position, else the next position
// after the last used one, so copies pack at the start of the disk and a position does not
// move while its copy lives. A latent sector error at byte offset x of a disk damages the
// copy at position floor(x / blockSize), if there is one (else it hit free space).
//
// HOT PATH (a million blocks x 3 copies): one Int32Array per disk, grown by doubling; an
// entry >= 0 is the copy (slot) at that position, an entry < 0 links the free positions
// (-2 - next free position; -1 ends the list). Disks are numbered host x disksPerHost + d
// over the store's hosts.

export class DiskMap {
  private readonly entries: Int32Array[];
  /** One past the highest position ever used, per disk. */
  readonly used: Int32Array;
  /** Copies held, per disk. */
  readonly held: Int32Array;
  private readonly freeHead: Int32Array;

  constructor(
    readonly diskCount: number,
    initialCapacity: Int32Array | number = 4,
  ) {
    this.entries = new Array(diskCount);
    this.used = new Int32Array(diskCount);
    this.held = new Int32Array(diskCount);
    this.freeHead = new Int32Array(diskCount).fill(-1);
    for (let d = 0; d < diskCount; d++) {
      const cap = typeof initialCapacity === "number" ? initialCapacity : initialCapacity[d];
      this.entries[d] = new Int32Array(Math.max(4, cap));
    }
  }

  /** Puts `slot` on disk `disk`; returns its position. */
  add(disk: number, slot: number): number {
    let e = this.entries[disk];
    let pos = this.freeHead[disk];
    if (pos >= 0) {
      this.freeHead[disk] = -2 - e[pos];
    } else {
      pos = this.used[disk]++;
      if (pos === e.length) {
        const grown = new Int32Array(e.length * 2);
        grown.set(e);
        this.entries[disk] = e = grown;
      }
    }
    e[pos] = slot;
    this.held[disk]++;
    return pos;
  }

  /** Frees position `pos` of `disk`. */
  remove(disk: number, pos: number): void {
    const e = this.entries[disk];
    e[pos] = -2 - this.freeHead[disk];
    this.freeHead[disk] = pos;
    this.held[disk]--;
  }

  /** The slot at `pos` of `disk`, or -1 for free space. */
  at(disk: number, pos: number): number {
    if (pos < 0 || pos >= this.used[disk]) return -1;
    const s = this.entries[disk][pos];
    return s >= 0 ? s : -1;
  }

  /**
   * The slots on `disk`, copied into `out` (grown if needed); returns [out, count]. A copy
   * so the caller may add and remove while it walks them.
   */
  slotsOf(disk: number, out: Int32Array): [Int32Array, number] {
    const e = this.entries[disk];
    const n = this.used[disk];
    if (out.length < this.held[disk]) out = new Int32Array(Math.max(this.held[disk], out.length * 2));
    let w = 0;
    for (let p = 0; p < n; p++) if (e[p] >= 0) out[w++] = e[p];
    return [out, w];
  }
}
