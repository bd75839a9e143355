// The per-step cost of the inter-datacenter gradient exchange of a synchronous
// data-parallel job whose participants span k datacenters.
//
// Model. A hierarchical all-reduce, as NCCL does across nodes and Horovod's
// hierarchical allreduce does (Sergeev & Del Balso, "Horovod", arXiv:1802.05799, 2018):
//   1. reduce inside each datacenter (the local fabric: part of the compute step time,
//      not charged here);
//   2. all-reduce the k partial sums between the datacenters over the inter-datacenter
//      links, one ring over the datacenters;
//   3. broadcast the result back inside each datacenter (local, not charged).
// Step 2 is the bandwidth-optimal ring all-reduce (Patarasuk & Yuan, "Bandwidth optimal
// all-reduce algorithms for clusters of workstations", J. Parallel Distrib. Comput.
// 69(2), 2009): a reduce-scatter then an all-gather, each of k-1 synchronous rounds in
// which every datacenter sends a 1/k chunk of the G gradient bytes to the next one. A
// round over a hop of latency a and bandwidth b bits/s costs a + 8G/(k b), so
//
//   T = 2(k-1) a + 2 (k-1)/k x 8G / b
//
// (their T = 2(p-1)alpha + 2(p-1)/p n beta). Rounds are synchronous, so every round waits
// for the slowest hop: T = 2(k-1) x max over hops (a_i + 8G/(k b_i)). For k = 2 that is
// 2a + 8G/b: each datacenter sends half the gradients and receives half, twice, over the
// one link (full duplex). A latency spike adds its extra to the hop's a while it lasts.
// A single datacenter (k = 1) exchanges nothing over links: T = 0.
//
// Left out: the local reduce and broadcast (in the compute step), other traffic on the
// links, window/congestion limits of long fat pipes (the job is taken to use the link's
// full bandwidth), gradient compression, and routing a ring hop around a missing link.

/** One hop of the ring over the datacenters: an inter-datacenter link as the job sees it now. */
export interface ExchangeHop {
  latencySec: number;
  bandwidthBitsPerSec: number;
  /** Latency added by a spike in force (seconds; default 0). */
  extraLatencySec?: number;
}

/**
 * Seconds of one ring all-reduce of `gradientBytes` over `k` datacenters whose ring hops
 * are `hops` (the distinct links the ring uses; for k = 2, the one link):
 * 2(k-1) x max over hops (latency + extra + 8 gradientBytes / (k bandwidth)).
 */
export function ringAllReduceSec(k: number, gradientBytes: number, hops: readonly ExchangeHop[]): number {
  if (k <= 1) return 0;
  if (hops.length === 0) throw new RangeError(`a ring over ${k} datacenters needs links`);
  let round = 0;
  for (const h of hops) {
    if (!(h.bandwidthBitsPerSec > 0)) throw new RangeError(`link bandwidth must be positive, got ${h.bandwidthBitsPerSec}`);
    const r = h.latencySec + (h.extraLatencySec ?? 0) + (8 * gradientBytes) / (k * h.bandwidthBitsPerSec);
    if (r > round) round = r;
  }
  return 2 * (k - 1) * round;
}

/**
 * The links of the ring over datacenters `dcs` (ascending indices): dcs[0] -> dcs[1] -> ...
 * -> dcs[k-1] -> dcs[0], each hop by `linkOf(a, b)` (a link index, or -1 when none joins
 * them). Distinct links in ring order: one for k = 2, k for k >= 3, none for k <= 1.
 */
export function ringLinks(dcs: readonly number[], linkOf: (a: number, b: number) => number): number[] {
  const k = dcs.length;
  if (k <= 1) return [];
  if (k === 2) return [linkOf(dcs[0], dcs[1])];
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(linkOf(dcs[i], dcs[(i + 1) % k]));
  return out;
}
