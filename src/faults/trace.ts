// The fault trace: everything the injectors make happen, in one place. Injectors call
// its methods; it keeps the physical truth of the fleet (which hosts are powered and up,
// which run slow), counts every fault by kind and failure domain, writes a `fault`
// record to the journal, folds each record into the trace digest, and tells the
// listeners (detection, workloads, the dashboard).
//
// The trace depends only on the scenario, the seed and the injectors' own PRNG streams,
// never on a recovery policy: the trace digest is the proof. Policy actions (draining,
// retiring) are not faults and never pass through here.
//
// A counterfactual run names correlated incidents to leave out (./exclude.ts): the trace
// drops each of them at the door (no state change, count, record, digest or listener
// call) and answers `excluded` for the models that must drop what follows from one.
import type { Fleet } from "../fleet/fleet.js";
import { HostFlag, HostState } from "../fleet/state.js";
import type { FleetRef } from "../fleet/ref.js";
import type { Sim } from "../sim/sim.js";
import { dropEnded, largestInForce } from "./episodes.js";
import type { IncidentExclusions, IncidentKey } from "./exclude.js";
import { type FaultKindDecl, MAX_KIND_CODE } from "./kind.js";
import { TraceDigest } from "./trace-digest.js";
import type { EventFields, JournalSink } from "../journal/index.js";

const CODES = MAX_KIND_CODE + 1;

/** A fault as listeners see it. `detail` carries the kind-specific fields. */
export interface FaultEvent {
  /** The kind's declaration (its model's file): name, effect, whether correlated, ... */
  kind: FaultKindDecl;
  at: number;
  /** What was hit; undefined for fleet-wide events such as a burst. */
  ref?: FleetRef;
  /** For single-host faults, the host index (else -1). */
  host: number;
  /** For faults that end: the simulated second they end (else Infinity or at). */
  untilSec: number;
  /** Kind-specific: mode, factor, bit masks, counts... (JSON-safe). */
  detail: EventFields;
}

export interface FaultListener {
  onFault(e: FaultEvent): void;
  /** Hosts of `ref` are back (repair done). */
  onRepair?(ref: FleetRef, at: number): void;
}

/** How a host-availability fault is told: what, where, and for how long. */
export interface DownOptions {
  /** Seconds until repaired (the hosts come back then, unless something else holds them down). */
  repairSec: number;
  detail?: EventFields;
  /** Write a journal record (default true). Aggregated floods set false and summarize. */
  journal?: boolean;
  /**
   * Part of the fault trace (default true). False for consequences of detection (a machine
   * check that reboots a host depends on the ECC and scrub settings, not only on the
   * seed): the hosts go down and come back through the same machinery, listeners hear of
   * it, downtime counts, but nothing enters the trace's counts, digest or journal records.
   */
  traced?: boolean;
  /**
   * The incident this down is one part of, when it has several at other times or places
   * (an overheating's racks: its datacenter and start). Excluding that incident drops this
   * part too; `correlated` lists it with `partOf`.
   */
  partOf?: { ref: FleetRef; at: number };
}

/** A correlated incident in the order it happened (bursts, bus bars, PDUs, racks, links). */
export interface CorrelatedIncident {
  at: number;
  kind: FaultKindDecl;
  target: string;
  untilSec: number;
  hosts: number;
  /** The whole of which this is one part (an overheating: its datacenter and start), as a key names it. */
  partOf?: { target: string; at: number };
}

export interface KindCount {
  events: number;
  /** Host-downs caused (hosts x events). */
  hostsHit: number;
}

export class FaultTrace {
  private readonly listeners: FaultListener[] = [];
  private readonly digest = new TraceDigest();
  private readonly repairKind: number;
  private readonly pendingRepairs: FleetRef[] = [];
  private readonly freeRepairSlots: number[] = [];
  private readonly slowEndKind: number;
  /** Slowdowns for good (throttling), by host: the floor a host returns to after episodes. */
  private readonly persistentSlow = new Map<number, number>();
  /** Transient slowdowns in force, by host, as flat [factor, untilSec, factor, untilSec, ...]. */
  private readonly slowEpisodes = new Map<number, number[]>();
  private readonly lossEndKind: number;
  /** Packet-loss episodes in force, by rack, as flat [loss, untilSec, ...]. */
  private readonly lossEpisodes = new Map<number, number[]>();
  // Hot-path counters in typed arrays: per kind, and per (failure domain x kind) where a
  // domain is a row, then each datacenter, then each link.
  private readonly kindEvents = new Float64Array(CODES);
  private readonly kindHosts = new Float64Array(CODES);
  private readonly domainEvents: Float64Array;
  /** Counters are indexed by kind code; the declaration of each code seen, to name it. */
  private readonly kindOfCode: (FaultKindDecl | undefined)[] = [];
  /** Correlated events (bursts, bus bars, PDUs, racks, links: kinds declared correlated) in order, for timelines. */
  readonly correlated: CorrelatedIncident[] = [];
  records = 0;
  /**
   * Host-seconds of downtime started so far: each host's down interval counted once even
   * when faults overlap (a host already down only adds the extension of its repair time).
   * Intervals reaching past the end of the run are clipped by the caller.
   */
  hostDownSeconds = 0;

  constructor(
    readonly sim: Sim,
    readonly fleet: Fleet,
    private readonly journal?: JournalSink,
    /** Correlated incidents to leave out (a counterfactual run, ./exclude.ts). */
    private readonly exclusions?: IncidentExclusions,
  ) {
    this.domainEvents = new Float64Array((fleet.rowCount + fleet.dcCount + fleet.linkCount) * CODES);
    this.repairKind = sim.defineEvent("faults.repair", (slot) => this.repair(slot));
    this.slowEndKind = sim.defineEvent("faults.slowEnd", (host) => this.slowEnd(host));
    this.lossEndKind = sim.defineEvent("faults.lossEnd", (rack) => this.lossEnd(rack));
  }

  addListener(l: FaultListener): void {
    this.listeners.push(l);
  }

  /**
   * Whether the correlated incident of `kind` on `ref` (undefined: fleet-wide) at `at` is
   * excluded from this run. The trace asks it of every correlated fault; a model asks it
   * of what an incident sets off elsewhere (its warning, a burst's upsets).
   */
  excluded(kind: FaultKindDecl, ref: FleetRef | undefined, at: number): boolean {
    return this.exclusions !== undefined && kind.correlated && this.exclusions.matches(kind, ref, at, false);
  }

  /** The excluded incidents that have not happened (so far): a key that names nothing. */
  unmatchedExclusions(): IncidentKey[] {
    return this.exclusions?.unmatched() ?? [];
  }

  /** The fault is an excluded incident (or a part of one): found, and dropped. */
  private drops(kind: FaultKindDecl, ref: FleetRef | undefined, partOf?: { ref: FleetRef; at: number }): boolean {
    const x = this.exclusions;
    if (x === undefined || !kind.correlated) return false;
    const now = this.sim.now;
    return x.matches(kind, ref, now, true) || (partOf !== undefined && x.matches(kind, partOf.ref, partOf.at, true));
  }

  /** SHA-256 over every fault record so far: equal for every policy of a scenario. */
  digestHex(): string {
    return this.digest.hex();
  }

  /**
   * The hosts of `ref` lose power or crash now and stay down for `repairSec`. A host
   * already down stays down until the later of its two repairs.
   */
  down(kind: FaultKindDecl, ref: FleetRef, opts: DownOptions): void {
    if (this.exclusions !== undefined && this.drops(kind, ref, opts.partOf)) return;
    const fleet = this.fleet;
    const now = this.sim.now;
    const until = now + opts.repairSec;
    let hosts = 0;
    fleet.forEachHostRange(ref, (start, end) => {
      hosts += end - start;
      for (let h = start; h < end; h++) {
        const was = fleet.state[h] === HostState.DOWN ? Math.max(now, fleet.downUntil[h]) : now;
        if (until > was) this.hostDownSeconds += until - was;
        if (fleet.state[h] !== HostState.RETIRED) fleet.state[h] = HostState.DOWN;
        if (fleet.downUntil[h] < until) fleet.downUntil[h] = until;
      }
    });
    const slot = this.freeRepairSlots.length ? this.freeRepairSlots.pop()! : this.pendingRepairs.length;
    this.pendingRepairs[slot] = ref;
    this.sim.scheduleAt(until, this.repairKind, slot, 0);
    const e: FaultEvent = { kind, at: now, ref, host: ref.kind === "host" ? ref.index : -1, untilSec: until, detail: opts.detail ?? {} };
    if (opts.traced === false) {
      this.notify(e);
      return;
    }
    this.count(kind, ref, hosts);
    if (kind.correlated) {
      const c: CorrelatedIncident = { at: now, kind, target: fleet.idOf(ref), untilSec: until, hosts };
      if (opts.partOf) c.partOf = { target: fleet.idOf(opts.partOf.ref), at: opts.partOf.at };
      this.correlated.push(c);
    }
    if (opts.journal !== false) this.write(kind, now, ref, until, opts.detail, { repair: opts.repairSec, hosts });
    this.notify(e);
  }

  /** Any other fault: recorded, counted and passed to listeners; no physical state change. */
  emit(kind: FaultKindDecl, ref: FleetRef | undefined, fields: { untilSec?: number; detail?: EventFields; journal?: boolean } = {}): void {
    if (this.exclusions !== undefined && this.drops(kind, ref)) return;
    const now = this.sim.now;
    const e: FaultEvent = {
      kind,
      at: now,
      ref,
      host: ref?.kind === "host" ? ref.index : -1,
      untilSec: fields.untilSec ?? now,
      detail: fields.detail ?? {},
    };
    this.count(kind, ref, ref?.kind === "host" ? 1 : 0);
    if (kind.correlated) {
      // A fleet-wide event (a burst) says in its detail how many hosts it reached.
      const hosts = ref ? this.fleet.hostCountOf(ref) : Number(fields.detail?.hosts ?? 0);
      this.correlated.push({ at: now, kind, target: ref ? this.fleet.idOf(ref) : "fleet", untilSec: e.untilSec, hosts });
    }
    if (fields.journal !== false) this.write(kind, now, ref, fields.untilSec, fields.detail);
    this.notify(e);
  }

  /**
   * Marks a host slow by `factor` until `untilSec` (Infinity: for good, e.g. thermal
   * throttling). Episodes may overlap on one host: the host runs at the largest factor
   * in force, and when an episode ends it returns to the largest of what remains (a
   * throttled host stays throttled; 1 when nothing remains). `journal` false: counted and
   * passed to listeners but not recorded (floods that the injector summarizes).
   */
  slow(kind: FaultKindDecl, host: number, factor: number, untilSec: number, detail: EventFields = {}, journal = true): void {
    if (this.exclusions !== undefined && this.drops(kind, { kind: "host", index: host })) return;
    const f = this.fleet;
    if (untilSec === Infinity) {
      this.persistentSlow.set(host, Math.max(this.persistentSlow.get(host) ?? 1, factor));
      f.flags[host] |= HostFlag.THROTTLED;
    } else {
      let episodes = this.slowEpisodes.get(host);
      if (!episodes) this.slowEpisodes.set(host, (episodes = []));
      episodes.push(factor, untilSec);
      f.flags[host] |= HostFlag.STRAGGLER;
      this.sim.scheduleAt(Math.max(untilSec, this.sim.now), this.slowEndKind, host, 0);
    }
    this.refreshSlowdown(host);
    this.emit(kind, { kind: "host", index: host }, { untilSec, detail: { factor, ...detail }, journal });
  }

  /**
   * Rack `rack`'s hosts lose a fraction `loss` of their packets until `untilSec` (a wonky
   * rack). Episodes may overlap: the rack loses the largest fraction in force
   * (fleet.rackLoss), and 0 once none remains. Recorded and passed on like `emit`.
   */
  packetLoss(kind: FaultKindDecl, rack: number, loss: number, untilSec: number, detail: EventFields = {}): void {
    if (this.exclusions !== undefined && this.drops(kind, { kind: "rack", index: rack })) return;
    let episodes = this.lossEpisodes.get(rack);
    if (!episodes) this.lossEpisodes.set(rack, (episodes = []));
    episodes.push(loss, untilSec);
    this.sim.scheduleAt(Math.max(untilSec, this.sim.now), this.lossEndKind, rack, 0);
    this.refreshLoss(rack);
    this.emit(kind, { kind: "rack", index: rack }, { untilSec, detail: { loss, ...detail } });
  }

  /** Drops the loss episodes of `rack` that have ended and recomputes its loss. */
  private lossEnd(rack: number): void {
    const episodes = this.lossEpisodes.get(rack);
    if (!episodes) return;
    if (dropEnded(episodes, this.sim.now) === 0) this.lossEpisodes.delete(rack);
    this.refreshLoss(rack);
  }

  private refreshLoss(rack: number): void {
    this.fleet.rackLoss[rack] = largestInForce(this.lossEpisodes.get(rack), 0);
  }

  /**
   * When the transient slowdowns in force on `host` end: its episodes and its rack's
   * packet loss. For a listener that starts after they began (a training job built once
   * the faults of time 0 are in force), which heard of no end to watch for.
   */
  slowEnds(host: number): number[] {
    const out: number[] = [];
    for (const episodes of [this.slowEpisodes.get(host), this.lossEpisodes.get(this.fleet.rackOf[host])]) {
      if (episodes) for (let i = 1; i < episodes.length; i += 2) out.push(episodes[i]);
    }
    return out;
  }

  /** Drops the episodes of `host` that have ended and recomputes its slowdown. */
  private slowEnd(host: number): void {
    const episodes = this.slowEpisodes.get(host);
    if (!episodes) return;
    if (dropEnded(episodes, this.sim.now) === 0) {
      this.slowEpisodes.delete(host);
      this.fleet.flags[host] &= ~HostFlag.STRAGGLER;
    }
    this.refreshSlowdown(host);
  }

  private refreshSlowdown(host: number): void {
    this.fleet.slowdown[host] = largestInForce(this.slowEpisodes.get(host), this.persistentSlow.get(host) ?? 1);
  }

  /** Adds to the per-kind counters without a record (aggregated floods, e.g. single-bit upsets). */
  countOnly(kind: FaultKindDecl, ref: FleetRef | undefined, events: number): void {
    if (events <= 0) return;
    const k = kind.code;
    this.kindOfCode[k] = kind;
    this.kindEvents[k] += events;
    if (ref) this.domainEvents[this.domainOf(ref) * CODES + k] += events;
  }

  /** Counts per kind that has happened, by kind name, in code order. */
  get counts(): Map<string, KindCount> {
    const out = new Map<string, KindCount>();
    for (let k = 0; k < CODES; k++) {
      if (this.kindEvents[k] > 0 || this.kindHosts[k] > 0) out.set(this.kindOfCode[k]!.name, { events: this.kindEvents[k], hostsHit: this.kindHosts[k] });
    }
    return out;
  }

  /** Writes a summary record for aggregated faults (one per window) into journal and digest. */
  summarize(kind: FaultKindDecl, fields: EventFields): void {
    this.write(kind, this.sim.now, undefined, undefined, fields, { aggregated: true });
  }

  private repair(slot: number): void {
    const ref = this.pendingRepairs[slot];
    this.pendingRepairs[slot] = undefined as unknown as FleetRef;
    this.freeRepairSlots.push(slot);
    const f = this.fleet;
    const now = this.sim.now;
    f.forEachHostRange(ref, (start, end) => {
      for (let h = start; h < end; h++) {
        if (f.state[h] === HostState.DOWN && f.downUntil[h] <= now) {
          f.state[h] = HostState.UP;
          f.downUntil[h] = 0;
        }
      }
    });
    for (const l of this.listeners) l.onRepair?.(ref, now);
  }

  private count(kind: FaultKindDecl, ref: FleetRef | undefined, hosts: number): void {
    const k = kind.code;
    this.kindOfCode[k] = kind;
    this.kindEvents[k]++;
    this.kindHosts[k] += hosts;
    if (ref) this.domainEvents[this.domainOf(ref) * CODES + k]++;
  }

  /** Counts per failure domain (row id, or datacenter / link id for wider faults: domainOf) and kind. */
  get byDomain(): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    const f = this.fleet;
    const domains = this.domainEvents.length / CODES;
    for (let d = 0; d < domains; d++) {
      let m: Map<string, number> | undefined;
      for (let k = 0; k < CODES; k++) {
        const n = this.domainEvents[d * CODES + k];
        if (n > 0) (m ??= new Map()).set(this.kindOfCode[k]!.name, n);
      }
      if (!m) continue;
      const id =
        d < f.rowCount
          ? f.idOf({ kind: "row", index: d })
          : d < f.rowCount + f.dcCount
            ? f.idOf({ kind: "dc", index: d - f.rowCount })
            : f.idOf({ kind: "link", index: d - f.rowCount - f.dcCount });
      out.set(id, m);
    }
    return out;
  }

  /**
   * The index of the failure domain a fault belongs to: the narrowest of row, datacenter
   * and link that holds everything it hits. A PDU feeds a run of bus bars that may cross
   * rows (src/fleet/power.ts): one that feeds a single row counts under that row; one that
   * feeds several counts under its datacenter, as a utility loss does, not under one of its
   * rows (that would blame a row for racks it does not hold) nor under each (the
   * datacenter totals of `fleet faults` add up the rows, and would count it more than once).
   */
  private domainOf(ref: FleetRef): number {
    const f = this.fleet;
    switch (ref.kind) {
      case "host":
        return f.rowOfHost(ref.index);
      case "rack":
        return f.rowOfRack(ref.index);
      case "busbar":
        return f.rowOfBusbar(ref.index);
      case "pdu": {
        const busbars = f.busbarsOfPdu(ref.index);
        const row = f.rowOfBusbar(busbars.start);
        return row === f.rowOfBusbar(busbars.end - 1) ? row : f.rowCount + f.dcOfPdu(ref.index);
      }
      case "row":
        return ref.index;
      case "dc":
      case "utility":
        return f.rowCount + ref.index;
      case "link":
        return f.rowCount + f.dcCount + ref.index;
    }
  }

  /**
   * One fault record: into the trace digest always, into the journal when there is one
   * (only then is the target's id string built: the hot path without a journal is
   * numbers only). The journal line reads {kind, target, until, ...head, ...detail}.
   */
  private write(kind: FaultKindDecl, at: number, ref: FleetRef | undefined, untilSec: number | undefined, detail?: EventFields, head?: EventFields): void {
    this.records++;
    this.digest.add(kind.code, at, ref, untilSec ?? NaN, head, detail);
    if (!this.journal) return;
    const rec: Record<string, unknown> = { kind: kind.name };
    if (ref) rec.target = this.fleet.idOf(ref);
    if (untilSec !== undefined) rec.until = untilSec;
    if (head) for (const k in head) rec[k] = head[k];
    if (detail) for (const k in detail) rec[k] = detail[k];
    this.journal.record("fault", at, rec as EventFields);
  }

  private notify(e: FaultEvent): void {
    for (const l of this.listeners) l.onFault(e);
  }
}
