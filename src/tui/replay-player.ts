// Playing a recorded run back: a clock over the journal's records that moves at a speed,
// stops, steps one record at a time, jumps to a time or to the next (or previous) fault.
// Going forward applies the records up to the new time to the model; going back folds
// again from the start (records are in time order, so the map is a pure function of the
// time shown). No wall clock here: `tick` is told how much wall time passed.
import type { EventRecord, FooterRecord } from "../journal/index.js";
import type { Verdict } from "../slo/slo.js";
import type { Policy } from "../recovery/policy.js";
import { answers } from "../report/answer.js";
import { matches, FEED_TYPES, labelOf, type FeedFilter } from "./feed.js";
import type { DashboardModel } from "./model.js";
import { SPEEDS } from "./speed.js";

export class ReplayPlayer {
  /** Index of the next record to apply. */
  cursor = 0;
  playing = false;
  /** The simulated time the journal ends at: the footer's, else its last record's. */
  readonly endSec: number;

  constructor(
    readonly model: DashboardModel,
    readonly records: readonly EventRecord[],
    readonly footer: FooterRecord | undefined,
    public speedIndex: number,
    /** The recorded scenario's policies: what the answer at the end reads settings from. */
    private readonly policies: Record<string, Policy> = {},
  ) {
    this.endSec = footer ? footer.at : records.length ? records[records.length - 1].at : 0;
  }

  get at(): number {
    return this.model.at;
  }

  get atEnd(): boolean {
    return this.cursor >= this.records.length && this.model.at >= this.endSec;
  }

  /** Applies every record up to `t` (clamped to the end) and shows time `t`. */
  advanceTo(t: number): void {
    const target = Math.min(Math.max(t, this.model.at), this.endSec);
    while (this.cursor < this.records.length && this.records[this.cursor].at <= target) this.apply(this.records[this.cursor++]);
    this.model.at = target;
    if (this.atEnd) this.finish();
  }

  /** Shows time `t`, going back by folding again from the start when `t` is earlier. */
  seek(t: number): void {
    if (t < this.model.at) {
      this.model.reset();
      this.cursor = 0;
    }
    this.advanceTo(t);
  }

  /** `dtWallSec` of wall time passed: move on at the speed when playing; stop at the end. */
  tick(dtWallSec: number): void {
    if (!this.playing) return;
    const speed = SPEEDS[this.speedIndex];
    this.advanceTo(Number.isFinite(speed) ? this.model.at + dtWallSec * speed : this.endSec);
    if (this.atEnd) this.playing = false;
  }

  /** Play or pause; play at the end starts over. */
  togglePlay(): void {
    if (!this.playing && this.atEnd) this.seek(0);
    this.playing = !this.playing;
  }

  /** Pauses and moves to the next record the feed shows (applying the snapshots on the way). */
  step(): void {
    this.playing = false;
    while (this.cursor < this.records.length) {
      const r = this.records[this.cursor];
      this.advanceTo(r.at);
      if (FEED_TYPES.has(r.t)) return;
    }
    this.advanceTo(this.endSec);
  }

  /**
   * Pauses at the next (dir 1) or previous (dir -1) fault record after / before the time
   * shown that passes `filter`; false when there is none.
   */
  jumpToFault(dir: 1 | -1, filter: FeedFilter): boolean {
    const now = this.model.at;
    const fleet = this.model.info.fleet;
    const ok = (r: EventRecord) => {
      if (r.t !== "fault") return false;
      const fields = r as unknown as Record<string, unknown>;
      const label = labelOf(r.t, fields);
      const id = typeof fields.target === "string" ? fields.target : undefined;
      return matches(fleet, { t: r.t, at: r.at, fields, label, ref: id !== undefined ? fleet.resolve(id) : undefined }, filter);
    };
    let found: EventRecord | undefined;
    if (dir > 0) {
      for (let i = this.cursor; i < this.records.length && !found; i++) if (this.records[i].at > now && ok(this.records[i])) found = this.records[i];
    } else {
      for (let i = Math.min(this.cursor, this.records.length) - 1; i >= 0 && !found; i--)
        if (this.records[i].at < now && ok(this.records[i])) found = this.records[i];
    }
    if (!found) return false;
    this.playing = false;
    this.seek(found.at);
    return true;
  }

  private apply(r: EventRecord): void {
    const { t, at, ...fields } = r;
    this.model.onRecord(t, at, fields);
  }

  private finish(): void {
    if (!this.footer || this.model.final) return;
    const verdicts = (Array.isArray(this.footer.verdicts) ? (this.footer.verdicts as unknown as Verdict[]) : []).map((v) => ({ ...v, value: v.value ?? NaN }));
    const metrics = this.footer.metrics as unknown as Record<string, Record<string, number>>;
    this.model.final = { status: this.footer.status, verdicts, answers: answers(verdicts, metrics ?? {}, this.policies) };
  }
}
