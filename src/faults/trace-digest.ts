// The fault trace's digest: SHA-256 over a compact binary form of every fault record, so
// two lanes (or two runs) that drew the same faults have the same digest, and a single
// changed time, target or detail changes it.
//
// Hot path (one call per fault record; a million-host month has ~1.5M): numbers go into a
// preallocated Float64Array that is hashed when full, never through JSON. A record is its
// kind index, time, target (kind code and index), end time, then each detail field as
// (hash of key, value); a string value is its 32-bit FNV-1a hash (memoised: detail
// strings come from small vocabularies like DRAM modes), an array its length then its
// items, a nested object its fields. This is not the journal's digest (that one hashes
// canonical JSON lines; see src/journal/digest.ts): it only has to be equal exactly when
// the traces are.
import { createHash, type Hash } from "node:crypto";
import type { FleetRef } from "../fleet/ref.js";

const REF_CODE: Record<FleetRef["kind"], number> = { host: 1, rack: 2, row: 3, dc: 4, busbar: 5, pdu: 6, utility: 7, link: 8 };
const BUFFER_SLOTS = 8192;
/** Marks the start of a record, so field boundaries cannot shift between records. */
const RECORD_MARK = -1.5e300;

export class TraceDigest {
  private readonly hash: Hash = createHash("sha256");
  private readonly buf = new Float64Array(BUFFER_SLOTS);
  private readonly bytes = new Uint8Array(this.buf.buffer);
  private n = 0;
  private readonly strings = new Map<string, number>();

  /** Folds one fault record in. */
  add(kind: number, at: number, ref: FleetRef | undefined, untilSec: number, head?: object, detail?: object): void {
    if (this.n + 64 > BUFFER_SLOTS) this.flush();
    const b = this.buf;
    let n = this.n;
    b[n++] = RECORD_MARK;
    b[n++] = kind;
    b[n++] = at;
    b[n++] = ref ? REF_CODE[ref.kind] : 0;
    b[n++] = ref ? ref.index : -1;
    b[n++] = untilSec;
    this.n = n;
    if (head) this.addObject(head as Record<string, unknown>);
    this.push(RECORD_MARK);
    if (detail) this.addObject(detail as Record<string, unknown>);
  }

  private push(x: number): void {
    if (this.n === BUFFER_SLOTS) this.flush();
    this.buf[this.n++] = x;
  }

  private addObject(o: Record<string, unknown>): void {
    for (const k in o) {
      const v = o[k];
      if (v === undefined) continue;
      this.push(this.stringHash(k));
      this.addValue(v);
    }
  }

  private addValue(v: unknown): void {
    switch (typeof v) {
      case "number":
        this.push(v);
        return;
      case "string":
        this.push(this.stringHash(v) + 0.5);
        return;
      case "boolean":
        this.push(v ? 0.25 : 0.75);
        return;
      case "object":
        if (v === null) {
          this.push(-0.125);
        } else if (Array.isArray(v)) {
          this.push(-(v.length + 1));
          for (const x of v) this.addValue(x);
        } else {
          this.push(-0.375);
          this.addObject(v as Record<string, unknown>);
        }
        return;
      default:
        this.push(this.stringHash(String(v)));
    }
  }

  private stringHash(s: string): number {
    let h = this.strings.get(s);
    if (h === undefined) {
      h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      if (this.strings.size < 4096) this.strings.set(s, h);
    }
    return h;
  }

  private flush(): void {
    if (this.n === 0) return;
    this.hash.update(this.bytes.subarray(0, this.n * 8));
    this.n = 0;
  }

  /** The digest of every record so far (more may follow). */
  hex(): string {
    this.flush();
    return this.hash.copy().digest("hex");
  }
}
