// Replica placement: where the copies of a shard (serving) or a block (storage) live, a
// policy setting shared by both workloads (`placement:` in a policy).
//
// - random: each copy on a uniformly random host of the workload's range, distinct hosts
//   (HDFS's default beyond the first copy is close to this at fleet scale; Cidon et al.,
//   "Copysets: Reducing the Frequency of Data Loss in Cloud Storage", USENIX ATC 2013,
//   show why random placement loses data under correlated failures).
// - rack-aware: copies on distinct racks (GFS, Ghemawat et al., SOSP 2003: "spread chunk
//   replicas across racks").
// - power-aware: copies under distinct PDUs, so no single power domain below the utility
//   feed holds two copies (Google's failure-domain-aware placement, Ford et al.,
//   "Availability in Globally Distributed Storage Systems", OSDI 2010, which found most
//   unavailability comes in correlated bursts such as power-domain losses). A PDU feeds
//   500-1,000 hosts on the default tree (src/fleet/power.ts), so a range spanning fewer
//   PDUs than copies falls back to distinct bus bars. Either way the copies sit on
//   distinct bus bars and racks (a PDU feeds whole bus bars, a bus bar whole racks).
//
// The rule that picks the failure domain lives here once (domainLevel) and every placement
// of copies follows it: this file's first layout of a store, re-replication targets
// (./copy-target.ts, the same level as the first layout) and serving replicas
// (src/workloads/serving/placement.ts, which spreads rather than refuses).
//
// The fragments of an erasure-coded stripe (k + m of them, often more than the range has
// domains) are spread rather than refused: at most `perDomain` = ceil((k + m) / domains) of
// one stripe in a domain at the level above (spreadLimit), always on distinct hosts, as
// HDFS's rack-fault-tolerant EC placement and Ceph's CRUSH rules with several OSDs per
// failure domain do. Replicated copies keep one per domain (perDomain 1).
//
// Placement draws only from the caller's stream, so it is the same in every lane that
// runs the same placement. Rejection sampling: a copy is redrawn while it shares a host
// (random), a rack (rack-aware) or a PDU or bus bar (power-aware) with an earlier copy of
// the group; ranges too small for the constraint are an error naming what to change.
import type { Fleet } from "../fleet/fleet.js";
import type { Rng } from "../sim/rng.js";
import { oneOf, opt } from "../base/schema.js";

export const PLACEMENTS = ["random", "rack-aware", "power-aware"] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** The `placement:` policy key, shared by serving and storage. */
export const placementField = opt(
  oneOf(PLACEMENTS),
  "random" as Placement,
  "where copies go: random, rack-aware (distinct racks) or power-aware (distinct PDUs where the hosts span enough, else bus bars) (random)",
);

export interface HostRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * A level of failure domain, narrowest first: a rack holds whole hosts, a bus bar feeds
 * whole racks, a PDU whole bus bars (src/fleet/power.ts).
 */
export type DomainLevel = "host" | "rack" | "busbar" | "pdu";

/**
 * The failure domain that `copies` copies placed on `range` keep apart in, the one rule for
 * every placement of copies: random, the host; rack-aware, the rack; power-aware, the PDU
 * when the range spans at least `copies` PDUs, else the bus bar.
 */
export function domainLevel(fleet: Fleet, range: HostRange, placement: Placement, copies: number): DomainLevel {
  if (placement === "random") return "host";
  if (placement === "rack-aware") return "rack";
  return countDomains(fleet, range, "pdu") >= copies ? "pdu" : "busbar";
}

/** The index of `host`'s domain at `level` (the host itself at level "host"). */
export function domainOfHost(fleet: Fleet, host: number, level: DomainLevel): number {
  switch (level) {
    case "host":
      return host;
    case "rack":
      return fleet.rackOf[host];
    case "busbar":
      return fleet.rackBusbar[fleet.rackOf[host]];
    case "pdu":
      return fleet.rackPdu[fleet.rackOf[host]];
  }
}

/** How many distinct domains at `level` the range spans. */
export function countDomains(fleet: Fleet, range: HostRange, level: DomainLevel): number {
  const seen = new Set<number>();
  for (let h = range.start; h < range.end; h++) seen.add(domainOfHost(fleet, h, level));
  return seen.size;
}

/**
 * How many distinct failure domains of the placement's kind the range spans (power-aware:
 * bus bars, the least it needs; `byPdu`, PDUs, which domainLevel prefers when there are
 * enough).
 */
export function domainsInRange(fleet: Fleet, range: HostRange, placement: Placement, byPdu = false): number {
  const level: DomainLevel = placement === "random" ? "host" : placement === "rack-aware" ? "rack" : byPdu ? "pdu" : "busbar";
  return countDomains(fleet, range, level);
}

/**
 * The most fragments of one stripe of `copies` fragments a domain may hold when they are
 * spread (erasure coding): ceil(copies / domains) at the level domainLevel picks.
 */
export function spreadLimit(fleet: Fleet, range: HostRange, placement: Placement, copies: number): number {
  return Math.ceil(copies / countDomains(fleet, range, domainLevel(fleet, range, placement, copies)));
}

/**
 * Places `groups` groups of `copies` copies on hosts of `range`: the host of copy c of
 * group g is at [g * copies + c], at most `perDomain` of a group in one failure domain and
 * never two on one host. Throws RangeError when the range's failure domains cannot hold
 * them.
 */
export function placeCopies(fleet: Fleet, range: HostRange, groups: number, copies: number, placement: Placement, rng: Rng, perDomain = 1): Int32Array {
  const span = range.end - range.start;
  if (span <= 0) throw new RangeError(`placement needs hosts, but the range ${range.start}..${range.end} is empty`);
  const domains = domainsInRange(fleet, range, placement);
  if (domains * perDomain < copies) {
    const what = placement === "random" ? "hosts" : placement === "rack-aware" ? "racks" : "bus bars";
    const spread = perDomain > 1 ? `, ${perDomain} to a domain,` : "";
    throw new RangeError(
      `${placement} placement of ${copies} copies${spread} needs ${Math.ceil(copies / perDomain)} ${what}, but hosts ${range.start}..${range.end - 1} span ${domains}; use more hosts or fewer copies`,
    );
  }
  if (span < copies) throw new RangeError(`${copies} copies on distinct hosts need ${copies} hosts, but the range has ${span}; use more hosts or fewer copies`);
  const level = domainLevel(fleet, range, placement, copies);
  const out = new Int32Array(groups * copies);
  const used = new Int32Array(copies);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < copies; c++) {
      let host: number;
      let dom: number;
      let clash: boolean;
      do {
        host = range.start + rng.int(span);
        dom = domainOfHost(fleet, host, level);
        clash = false;
        let inDomain = 0;
        for (let k = 0; k < c; k++) {
          if ((used[k] === dom && ++inDomain >= perDomain) || out[g * copies + k] === host) {
            clash = true;
            break;
          }
        }
      } while (clash);
      used[c] = dom;
      out[g * copies + c] = host;
    }
  }
  return out;
}
