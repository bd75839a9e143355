// Storage policy settings: how many copies of each block a replicated store keeps (or the
// Reed-Solomon code it stripes each block with instead), how fast and how soon it makes
// new copies when some are gone, whether it scrubs, and whether each copy carries a
// CRC-32 that readers check. The store (src/workloads/storage/store.ts) carries them out;
// where the copies go is the shared `placement` key (./placement.ts), which every policy
// already holds.
//
// Defaults and sources:
// - replication 3: the default of GFS (Ghemawat et al., "The Google File System", SOSP
//   2003) and of HDFS (dfs.replication = 3, hdfs-default.xml).
// - reReplication 50MB/s per host of the store: our own choice, about a third to a half of
//   one hard disk's sequential bandwidth (~100-200 MB/s) per host, the rest left to
//   clients. HDFS bounds re-replication per datanode by streams rather than bytes
//   (dfs.namenode.replication.max-streams = 2) and per round by
//   dfs.namenode.replication.work.multiplier.per.iteration = 2 blocks per live node; the
//   bytes per second those allow depend on the hardware. The store's total is this figure
//   times its hosts that are up.
// - reReplicateAfter 10m30s: HDFS declares a datanode dead after 2 x
//   dfs.namenode.heartbeat.recheck-interval (5 min) + 10 x dfs.heartbeat.interval (3 s) =
//   630 s, and only then re-replicates its blocks; a host back sooner (a reboot) costs no
//   copies.
// - scrub off: scrubbing is a policy choice the scenario states (`scrub: 24h` reads every
//   disk once a day). For scale: HDFS's block scanner reads each volume every three weeks
//   (dfs.datanode.scan.period.hours = 504) and Ceph deep-scrubs each placement group
//   weekly (osd_deep_scrub_interval = 7 days).
// - redundancy replication: every block kept as `replication` copies, as above. `rs(k,m)`
//   instead stripes each block into k data and m parity fragments of blockSize / k bytes
//   (Reed-Solomon; the store reads any k to rebuild one, src/workloads/storage/erasure.ts),
//   and `replication` must then be left out. Field configurations: RS(6,3) in Google's
//   Colossus (Ford et al., "Availability in Globally Distributed Storage Systems", OSDI
//   2010) and HDFS's default EC policy RS-6-3-1024k; Facebook's warehouse cluster uses
//   RS(10,4) (Rashmi et al., HotStorage 2013); Azure uses LRC(12,2,2) (Huang et al.,
//   "Erasure Coding in Windows Azure Storage", USENIX ATC 2012). Default replication:
//   today's store, bit for bit.
// - blockChecksums off: with it on, each copy or fragment carries a CRC-32 over its bytes
//   (src/workloads/storage/checksum.ts) that scrubs and reads check, so a copy a disk
//   corrupted silently is caught and made again from the others; off, such a copy is read
//   as good (a silent escape). HDFS (dfs.checksum.type CRC32C), GFS (a checksum per 64 KB,
//   Ghemawat et al. 2003) and Ceph BlueStore all checksum by default; off is the default
//   here only so that scenarios written before it keep their results.
//
// Left out: local reconstruction codes (Azure's LRC), per-disk and per-link limits on
// re-replication (one store-wide budget), and replication factors per file.
import { isScalar } from "yaml";
import { BAD, bandwidth, boolean, duration, map, number, opt, type Infer, type Validator } from "../base/schema.js";

/** A scrub interval in seconds, or "off" (disks here; memory in ./hardware.ts). */
export type ScrubSetting = number | "off";

export const scrubSetting: Validator<ScrubSetting> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false)) return "off";
  const v = duration({ positive: true })(node, path, ctx);
  return v === BAD ? BAD : v;
};

/** `replication` (copies) or a Reed-Solomon code `rs(k,m)`, as written (spaces dropped). */
export type Redundancy = "replication" | `rs(${number},${number})`;

/** Most fragments (k + m) of a stripe. */
export const MAX_FRAGMENTS = 32;

/** The code of a redundancy setting: k data and m parity fragments (replication: undefined). */
export function erasureCode(r: Redundancy): { k: number; m: number } | undefined {
  const match = /^rs\((\d+),(\d+)\)$/.exec(r);
  return match ? { k: Number(match[1]), m: Number(match[2]) } : undefined;
}

const redundancySetting: Validator<Redundancy> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  const text = isScalar(node) && typeof node.value === "string" ? node.value.replace(/\s+/g, "") : undefined;
  if (text === "replication") return text;
  const code = text === undefined ? undefined : erasureCode(text as Redundancy);
  if (!code || code.k < 1 || code.m < 1 || code.k + code.m > MAX_FRAGMENTS) {
    return ctx.report(
      "invalid_value",
      path,
      node ?? raw,
      `expected replication or a Reed-Solomon code rs(k,m) with k, m >= 1 and k + m <= ${MAX_FRAGMENTS}, found ${isScalar(node) ? JSON.stringify(node.value) : "a map or list"}`,
      text !== undefined && /^rs\(\d+$/.test(text) ? 'inside { } the comma ends the value: quote it, redundancy: "rs(6,3)"' : "e.g. redundancy: rs(6,3)",
    );
  }
  return `rs(${code.k},${code.m})`;
};

/** Bytes per second (the unit parser gives bits per second). */
const bytesPerSec: Validator<number> = map(bandwidth(), (bitsPerSec) => bitsPerSec / 8);

/** HDFS's dead-node interval: 2 x 5 min recheck + 10 x 3 s heartbeats. */
export const HDFS_DEAD_NODE_SEC = 2 * 300 + 10 * 3;

/** The storage keys of a policy (merged into policyFields in ./policy.ts). */
export const storagePolicyFields = {
  replication: opt(number({ min: 1, max: 16, integer: true }), 3, "copies of each block (3, GFS and HDFS)"),
  redundancy: opt(
    redundancySetting,
    "replication" as Redundancy,
    "replication (keep `replication` copies), or rs(k,m): stripe each block into k data and m parity fragments, e.g. rs(6,3) (replication)",
  ),
  reReplication: opt(bytesPerSec, 50e6, "re-replication bandwidth per host of the store, e.g. 50MB/s (50MB/s, our choice)"),
  reReplicateAfter: opt(duration(), HDFS_DEAD_NODE_SEC, "how long a host is down before its copies are made again elsewhere (10m30s, HDFS)"),
  scrub: opt(scrubSetting, "off" as ScrubSetting, "read every disk once per this interval to find latent sector errors, e.g. 24h, or off (off)"),
  blockChecksums: opt(boolean(), false, "each copy carries a CRC-32 that scrubs and reads check, catching copies a disk corrupted silently (false)"),
};

export type StoragePolicy = Infer<typeof storagePolicyFields>;
