// The store's metrics (./store.ts computes them; see its top comment for the exact
// definitions), declared for SLOs and reports (src/slo/catalog.ts).
import { metric } from "../../base/metric.js";

export const STORAGE_METRICS = [
  metric("storage.lostBlocks", "count", "blocks with no good copy left (lost for good)"),
  metric("storage.lostBytes", "count", "bytes of the lost blocks"),
  metric("storage.durability", "fraction", "fraction of blocks never lost"),
  metric("storage.availability", "fraction", "fraction of block-time a block had a good copy on an up host"),
  metric("storage.unavailableBlockHours", "hours", "block-hours a block (not lost) had no good copy on an up host"),
  metric("storage.unavailableBlocksMax", "count", "most blocks unavailable at once (no good copy on an up host, not lost)"),
  metric("storage.underReplicatedBlockHours", "hours", "block-hours a block (not lost) had fewer than R good copies (or k + m fragments) on up hosts"),
  metric("storage.reReplicatedBytes", "count", "bytes of the copies and rebuilt fragments written to restore redundancy"),
  metric("storage.repairReadBytes", "count", "bytes read to restore redundancy: one block per copy, k fragments per rebuilt fragment (reconstruction traffic)"),
  metric("storage.overhead", "fraction", "bytes on disk per byte stored: R for replication, (k + m) / k for rs(k,m)", "max", { max: Infinity }),
  metric("storage.damagedCopies", "count", "copies damaged by latent sector errors"),
  metric("storage.lseFoundByScrub", "count", "damaged copies found by scrubbing"),
  metric("storage.lseFoundByRead", "count", "damaged copies found when read as the source of a re-replication"),
  metric("storage.corruptCopies", "count", "copies a disk garbled silently (disk.corrupt: wrong bytes, no read error)"),
  metric("storage.corruptionFoundByScrub", "count", "corrupt copies a scrub caught by their CRC (blockChecksums)", "sum", {
    changedBy: ["blockChecksums", "scrub"],
  }),
  metric("storage.corruptionFoundByRead", "count", "corrupt copies caught by their CRC when read as a source (blockChecksums)"),
  metric(
    "storage.silentCorruptReads",
    "count",
    "corrupt copies read as good as the source of a new copy or fragment, which is then corrupt too (silent escapes)",
  ),
  metric("storage.excessDeleted", "count", "copies deleted as excess when a host declared dead came back"),
  metric("storage.hostsNotRebooted", "count", "store hosts that did not come back from a power loss (disks lost)"),
  metric(
    "storage.powerMigrations",
    "count",
    "copies made ahead of a power loss, of blocks with a copy on hosts a power warning named (onPowerWarning: migrate, ./warnings.ts)",
    "sum",
    { changedBy: ["onPowerWarning"] },
  ),
];
