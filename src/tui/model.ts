// What the dashboard knows about a run: the state of every rack (one fold per policy,
// since detections and drains differ by policy while faults are common), the feed, the
// trend series and live SLO values from the snapshots, and the final verdicts. It is fed
// journal records in time order, from a live run (RunObserver.onRecord) or from a
// journal (the replay viewer), and holds no terminal state.
import type { Fleet } from "../fleet/fleet.js";
import type { Slo, Verdict } from "../slo/slo.js";
import type { PolicyAnswer } from "../report/answer.js";
import { effectsOf } from "./effects.js";
import { FeedStore } from "./feed.js";
import { FleetFold, footprintWindowSec, recentWindowSec } from "./fold.js";
import { TrendStore } from "./trends.js";

export interface RunInfo {
  mode: "chaos" | "replay";
  scenario: string;
  file: string;
  seed: number | string;
  durationSec: number;
  fleet: Fleet;
  slos: readonly Slo[];
  /** One per lane: the policy names, or ["default"] for a scenario without policies. */
  policies: readonly string[];
}

export interface FinalInfo {
  status: string;
  verdicts: readonly Verdict[];
  exitCode?: number;
  /** Each policy's verdict, why and what to try (shown in the map pane at the end). */
  answers?: readonly PolicyAnswer[];
}

export class DashboardModel {
  /** Simulated time reached (live) or shown (replay). */
  at = 0;
  /** Engine events so far (live runs). */
  events = 0;
  records = 0;
  readonly folds: FleetFold[];
  readonly feed: FeedStore;
  readonly trends = new TrendStore();
  final: FinalInfo | undefined;
  readonly recentSec: number;
  /** How long an incident's footprint stays on the map after it ends (fold.ts). */
  readonly footprintSec: number;

  constructor(
    readonly info: RunInfo,
    opts: { recentSec?: number; feedCap?: number } = {},
  ) {
    this.recentSec = opts.recentSec ?? recentWindowSec(info.durationSec);
    this.footprintSec = footprintWindowSec(info.durationSec);
    this.folds = info.policies.map(() => new FleetFold(info.fleet, this.recentSec, this.footprintSec));
    this.feed = new FeedStore(info.fleet, opts.feedCap);
  }

  onRecord(t: string, at: number, fields: Record<string, unknown>): void {
    this.records++;
    if (at > this.at) this.at = at;
    const policy = typeof fields.policy === "string" ? fields.policy : undefined;
    if (t === "snapshot") {
      this.trends.add(policy ?? this.info.policies[0], at, fields);
      return;
    }
    const effects = effectsOf(t, at, fields, (id) => this.info.fleet.resolve(id));
    if (effects.length) {
      this.info.policies.forEach((p, i) => {
        if (policy === undefined || policy === p) for (const e of effects) this.folds[i].apply(e, at);
      });
    }
    this.feed.add(t, at, fields);
  }

  onProgress(at: number, events: number): void {
    if (at > this.at) this.at = at;
    this.events = events;
  }

  /** The latest snapshot values per policy (what the SLO board judges live). */
  live(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const p of this.info.policies) out[p] = this.trends.latest(p);
    return out;
  }

  /** Back to before the first record (the replay viewer folds again from there). */
  reset(): void {
    this.at = 0;
    this.events = 0;
    this.records = 0;
    for (const f of this.folds) f.reset();
    this.feed.clear();
    this.trends.clear();
    this.final = undefined;
  }
}
