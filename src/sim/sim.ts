// The discrete-event simulator: a clock in seconds, the event queue, the named random
// streams, a table of event handlers and the run loop, plus a small scripting surface
// (`at`, `after`, `every`, `runUntil`, `runFor`, `step`) so tests read like stories.
//
// Models register a handler once with `defineEvent` and get a kind id; events are then
// (time, kind, target, arg) rows in the queue, with no object per event. Scripted events
// (closures from `at`/`after`/`every`) go through one reserved kind and a side table;
// they may allocate, since they are rare.
//
// Ordering: events pop by time, and events at the same time in the order they were
// scheduled. The clock jumps to each event's time before its handler runs.
import { EventQueue } from "./queue.js";
import { Streams } from "./streams.js";
import { toSeconds, type TimeLike } from "./time.js";

export type Handler = (target: number, arg: number) => void;

export interface StopCondition {
  /** Horizon in seconds (or as text): events at or before it run, `now` ends at it. */
  until?: TimeLike;
  /** Stop after this many events in this call. */
  maxEvents?: number;
  /** Checked before the first event and after each event; stop when it returns true. */
  when?: () => boolean;
}

export type StopReason = "until" | "maxEvents" | "predicate" | "empty" | "stopped";

export interface RunResult {
  reason: StopReason;
  /** Events processed by this call. */
  events: number;
  /** The clock when the call returned. */
  now: number;
}

export interface SimOptions {
  /** The scenario seed every stream derives from. Default 0. */
  seed?: number;
  /** Initial queue capacity (it grows as needed). */
  queueCapacity?: number;
}

/** Kind id of scripted events (closures); `defineEvent` ids start after it. */
export const SCRIPT_KIND = 0;

export class Sim {
  /** Simulated time in seconds. */
  now = 0;
  /** Events processed over the whole life of this simulator. */
  eventsProcessed = 0;
  readonly streams: Streams;
  readonly queue: EventQueue;

  private readonly handlers: Handler[] = [];
  private readonly names: string[] = [];
  private readonly scripts: ((() => void) | undefined)[] = [];
  private readonly freeScripts: number[] = [];
  private stopRequested = false;

  constructor(opts: SimOptions = {}) {
    this.streams = new Streams(opts.seed ?? 0);
    this.queue = new EventQueue(opts.queueCapacity ?? 1024);
    const kind = this.defineEvent("script", (target) => this.runScript(target));
    if (kind !== SCRIPT_KIND) throw new Error("internal: script kind must be 0");
  }

  /** Registers a handler and returns its kind id for `schedule`. */
  defineEvent(name: string, handler: Handler): number {
    this.handlers.push(handler);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  /** The name a kind was defined with. */
  eventName(kind: number): string {
    const name = this.names[kind];
    if (name === undefined) throw new RangeError(`no event kind ${kind}`);
    return name;
  }

  /** Schedules an event `delaySec` (>= 0) seconds from now. */
  schedule(delaySec: number, kind: number, target = 0, arg = 0): void {
    if (!(delaySec >= 0 && delaySec < Infinity)) {
      throw new RangeError(`delay must be a finite number of seconds >= 0, got ${delaySec}`);
    }
    this.queue.push(this.now + delaySec, kind, target, arg);
  }

  /** Schedules an event at absolute time `timeSec` (>= now). */
  scheduleAt(timeSec: number, kind: number, target = 0, arg = 0): void {
    if (!(timeSec >= this.now && timeSec < Infinity)) {
      throw new RangeError(`cannot schedule at ${timeSec}s: times must be finite and not before now (${this.now}s)`);
    }
    this.queue.push(timeSec, kind, target, arg);
  }

  /** Asks the run loop to return after the current event; callable from a handler. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Processes events until a stop condition holds. With no condition, until the queue is empty. */
  run(stop: StopCondition = {}): RunResult {
    const until = stop.until === undefined ? Infinity : toSeconds(stop.until);
    const maxEvents = stop.maxEvents ?? Infinity;
    const when = stop.when;
    const queue = this.queue;
    const handlers = this.handlers;
    let events = 0;
    let reason: StopReason;
    this.stopRequested = false;
    if (when !== undefined && when()) return this.finish("predicate", events);
    for (;;) {
      if (events >= maxEvents) {
        reason = "maxEvents";
        break;
      }
      const t = queue.peekTime(); // Infinity when empty; scheduled times are finite
      if (t > until || t === Infinity) {
        // With a horizon, time passes up to it even when the queue runs dry.
        if (until !== Infinity) {
          if (until > this.now) this.now = until;
          reason = "until";
        } else {
          reason = "empty";
        }
        break;
      }
      queue.pop();
      this.now = t;
      handlers[queue.kind](queue.target, queue.arg);
      events++;
      this.eventsProcessed++;
      if (this.stopRequested) {
        reason = "stopped";
        break;
      }
      if (when !== undefined && when()) {
        reason = "predicate";
        break;
      }
    }
    return this.finish(reason, events);
  }

  /** Processes exactly one event, if there is one. Returns false when the queue is empty. */
  step(): boolean {
    return this.run({ maxEvents: 1 }).events === 1;
  }

  /** Runs until absolute time `time` (seconds or text like "3h"). */
  runUntil(time: TimeLike): RunResult {
    return this.run({ until: toSeconds(time) });
  }

  /** Runs for `duration` (seconds or text like "10m") from now. */
  runFor(duration: TimeLike): RunResult {
    return this.run({ until: this.now + toSeconds(duration) });
  }

  /** Calls `fn` at absolute time `time` (seconds or text like "1h"). */
  at(time: TimeLike, fn: () => void): void {
    this.scheduleAt(toSeconds(time), SCRIPT_KIND, this.addScript(fn), 0);
  }

  /** Calls `fn` after `delay` (seconds or text like "30m") from now. */
  after(delay: TimeLike, fn: () => void): void {
    this.schedule(toSeconds(delay), SCRIPT_KIND, this.addScript(fn), 0);
  }

  /**
   * Calls `fn` every `interval` (> 0), first at now + interval (or at `start`), until the
   * returned function is called. For periodic work such as metric snapshots.
   */
  every(interval: TimeLike, fn: () => void, opts: { start?: TimeLike } = {}): () => void {
    const dt = toSeconds(interval);
    if (!(dt > 0)) throw new RangeError(`an interval must be > 0 seconds, got ${dt}`);
    let cancelled = false;
    const tick = (): void => {
      if (cancelled) return;
      fn();
      if (!cancelled) this.after(dt, tick);
    };
    if (opts.start === undefined) this.after(dt, tick);
    else this.at(opts.start, tick);
    return () => {
      cancelled = true;
    };
  }

  private finish(reason: StopReason, events: number): RunResult {
    this.stopRequested = false;
    return { reason, events, now: this.now };
  }

  private addScript(fn: () => void): number {
    const id = this.freeScripts.length > 0 ? this.freeScripts.pop()! : this.scripts.length;
    this.scripts[id] = fn;
    return id;
  }

  private runScript(id: number): void {
    const fn = this.scripts[id];
    this.scripts[id] = undefined;
    this.freeScripts.push(id);
    fn!();
  }
}
