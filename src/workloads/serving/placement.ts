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
// - power-aware: the same over bus bars, and within a bus bar over its racks: replicas of
//   a shard spread over bus bars first (at most ceil(replicas / bus bars) on one when bus
//   bars are equal), and those that share a bus bar sit on distinct racks.
// Unlike storage's placeCopies, a search service cannot put two replicas on one host, and
// 20 replicas seldom find 20 bus bars in a service's range, so this spreads instead of
// refusing. Draws come only from the caller's stream.
import type { Fleet } from "../../fleet/fleet.js";
import type { HostRange, Placement } from "../../recovery/placement.js";
import type { Rng } from "../../sim/rng.js";

/** Host of each replica, index shard x replicas + r. */
export function placeReplicas(fleet: Fleet, range: HostRange, shards: number, replicas: number, placement: Placement, rng: Rng): Int32Array {
  const n = shards * replicas;
  if (range.end - range.start !== n) throw new RangeError(`placement needs ${n} hosts, the range has ${range.end - range.start}`);
  if (range.start < 0 || range.end > fleet.hostCount) {
    throw new RangeError(`the service needs hosts ${range.start}..${range.end - 1} but the fleet has ${fleet.hostCount} hosts`);
  }
  let order: number[];
  if (placement === "random") {
    order = [];
    for (let h = range.start; h < range.end; h++) order.push(h);
    shuffle(order, rng);
  } else if (placement === "rack-aware") {
    order = roundRobin(
      groupBy(range, (h) => fleet.rackOf[h], rng),
      rng,
    );
  } else {
    const byBusbar = new Map<number, number[]>();
    for (let h = range.start; h < range.end; h++) {
      const b = fleet.rackBusbar[fleet.rackOf[h]];
      let list = byBusbar.get(b);
      if (!list) byBusbar.set(b, (list = []));
      list.push(h);
    }
    const perBusbar: number[][] = [];
    for (const hosts of byBusbar.values()) {
      const byRack = new Map<number, number[]>();
      for (const h of hosts) {
        const r = fleet.rackOf[h];
        let l = byRack.get(r);
        if (!l) byRack.set(r, (l = []));
        l.push(h);
      }
      const racks = [...byRack.values()];
      for (const l of racks) shuffle(l, rng);
      perBusbar.push(roundRobin(racks, rng));
    }
    order = roundRobin(perBusbar, rng);
  }
  return Int32Array.from(order);
}

function groupBy(range: HostRange, key: (h: number) => number, rng: Rng): number[][] {
  const m = new Map<number, number[]>();
  for (let h = range.start; h < range.end; h++) {
    const k = key(h);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(h);
  }
  const groups = [...m.values()];
  for (const g of groups) shuffle(g, rng);
  return groups;
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
