// Storage policy settings: how many copies of each block a replicated store keeps, how
// fast and how soon it makes new copies when some are gone, and whether it scrubs. The
// store (src/workloads/storage/store.ts) carries them out; where the copies go is the
// shared `placement` key (./placement.ts), which every policy already holds.
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
//
// Left out: erasure coding (every block here is replicated), per-disk and per-link limits
// on re-replication (one store-wide budget), and replication factors per file.
import { isScalar } from "yaml";
import { BAD, bandwidth, duration, map, number, opt, type Infer, type Validator } from "../base/schema.js";

/** A scrub interval in seconds, or "off". */
export type ScrubSetting = number | "off";

const scrubSetting: Validator<ScrubSetting> = (raw, path, ctx) => {
  const node = ctx.resolve(raw, path, ctx.doc);
  if (isScalar(node) && (node.value === "off" || node.value === false)) return "off";
  const v = duration({ positive: true })(node, path, ctx);
  return v === BAD ? BAD : v;
};

/** Bytes per second (the unit parser gives bits per second). */
const bytesPerSec: Validator<number> = map(bandwidth(), (bitsPerSec) => bitsPerSec / 8);

/** HDFS's dead-node interval: 2 x 5 min recheck + 10 x 3 s heartbeats. */
export const HDFS_DEAD_NODE_SEC = 2 * 300 + 10 * 3;

/** The storage keys of a policy (merged into policyFields in ./policy.ts). */
export const storagePolicyFields = {
  replication: opt(number({ min: 1, max: 16, integer: true }), 3, "copies of each block (3, GFS and HDFS)"),
  reReplication: opt(bytesPerSec, 50e6, "re-replication bandwidth per host of the store, e.g. 50MB/s (50MB/s, our choice)"),
  reReplicateAfter: opt(duration(), HDFS_DEAD_NODE_SEC, "how long a host is down before its copies are made again elsewhere (10m30s, HDFS)"),
  scrub: opt(scrubSetting, "off" as ScrubSetting, "read every disk once per this interval to find latent sector errors, e.g. 24h, or off (off)"),
};

export type StoragePolicy = Infer<typeof storagePolicyFields>;
