// Where the replicas of a sharded service live: one replica per host of the service's
// range (shards x replicas hosts), the replicas of each shard spread over failure domains
// as the policy's `placement` asks (src/recovery/placement.ts names the three kinds).
//
// - random: a uniform random permutation of the hosts: replicas of a shard may share a
//   rack or a bus bar.
// - rack-aware: racks are visited round-robin (racks and hosts within each in random
//   order), and the replicas of a shard take consecutive places in that order, so they sit
//   on distinct racks whenever the range spans at least `replicas` racks, and as evenly as
//   the racks allow otherwise (at most ceil(replicas / racks) on one rack when racks hold
//   equal numbers of the range's hosts).
// - power-aware: the same over the power tree, at the level src/recovery/placement.ts's
//   domainLevel picks for `replicas` copies on the range (the rule storage follows too):
//   over PDUs when the range spans at least `replicas` of them, within a PDU over its bus
//   bars, within a bus bar over its racks; else over bus bars, then racks. Replicas of a
//   shard sit under distinct PDUs (or bus bars) when the domains hold equal numbers of the
//   range's hosts, and as evenly as they allow otherwise (at most ceil(replicas / bus bars)
//   on one bus bar when bus bars are equal); those that share one sit on distinct racks
//   where they can.
// Unlike storage's placeCopies, a search service cannot put two replicas on one host, and
// 20 replicas seldom find 20 bus bars in a service's range, so this spreads instead of
// refusing. Draws come only from the caller's stream: the hosts of each narrowest group
// (a rack; the whole range for random) are shuffled, then the groups of each level
// (in ascending order of their first host) are interleaved in a random order.
import type { Fleet } from "../../fleet/fleet.js";
import { domainLevel, domainOfHost, type DomainLevel, type HostRange, type Placement } from "../../recovery/placement.js";
import type { Rng } from "../../sim/rng.js";

/** Host of each replica, index shard x replicas + r. */
export function placeReplicas(fleet: Fleet, range: HostRange, shards: number, replicas: number, placement: Placement, rng: Rng): Int32Array {
  const n = shards * replicas;
  if (range.end - range.start !== n) throw new RangeError(`placement needs ${n} hosts, the range has ${range.end - range.start}`);
  if (range.start < 0 || range.end > fleet.hostCount) {
    throw new RangeError(`the service needs hosts ${range.start}..${range.end - 1} but the fleet has ${fleet.hostCount} hosts`);
  }
  const hosts: number[] = [];
  for (let h = range.start; h < range.end; h++) hosts.push(h);
  return Int32Array.from(spread(fleet, hosts, NESTED[domainLevel(fleet, range, placement, replicas)], rng));
}

/** The levels replicas spread over, widest first, for each level domainLevel may pick. */
const NESTED: Record<DomainLevel, readonly DomainLevel[]> = {
  host: [],
  rack: ["rack"],
  busbar: ["busbar", "rack"],
  pdu: ["pdu", "busbar", "rack"],
};

/**
 * The hosts in the order replicas take them: grouped by the first level (groups in order of
 * their first host), each group ordered by the remaining levels, then one from each group
 * in turn; with no level left, shuffled.
 */
function spread(fleet: Fleet, hosts: number[], levels: readonly DomainLevel[], rng: Rng): number[] {
  if (levels.length === 0) {
    shuffle(hosts, rng);
    return hosts;
  }
  const byDomain = new Map<number, number[]>();
  for (const h of hosts) {
    const d = domainOfHost(fleet, h, levels[0]);
    let list = byDomain.get(d);
    if (!list) byDomain.set(d, (list = []));
    list.push(h);
  }
  const rest = levels.slice(1);
  return roundRobin(
    [...byDomain.values()].map((g) => spread(fleet, g, rest, rng)),
    rng,
  );
}

/** One from each group in turn (groups in random order), skipping groups used up. */
function roundRobin(groups: number[][], rng: Rng): number[] {
  shuffle(groups, rng);
  const out: number[] = [];
  const at = new Array<number>(groups.length).fill(0);
  let left = groups.reduce((a, g) => a + g.length, 0);
  while (left > 0) {
    for (let g = 0; g < groups.length; g++) {
      if (at[g] < groups[g].length) {
        out.push(groups[g][at[g]++]);
        left--;
      }
    }
  }
  return out;
}

function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
