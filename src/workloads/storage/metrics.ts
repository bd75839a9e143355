// The store's metric names, registered for SLOs (src/slo/metrics.ts). Imported by the
// workload's schema, so a scenario's `slo:` may name them whenever scenarios are loaded;
// ./store.ts computes them (see its top comment for the exact definitions).
import { registerMetric } from "../../slo/metrics.js";

registerMetric("storage.lostBlocks", "blocks with no good copy left (lost for good)", "count");
registerMetric("storage.lostBytes", "bytes of the lost blocks", "count");
registerMetric("storage.durability", "fraction of blocks never lost", "fraction");
registerMetric("storage.availability", "fraction of block-time a block had a good copy on an up host", "fraction");
registerMetric("storage.unavailableBlockHours", "block-hours a block (not lost) had no good copy on an up host", "hours");
registerMetric("storage.unavailableBlocksMax", "most blocks unavailable at once (no good copy on an up host, not lost)", "count");
registerMetric("storage.underReplicatedBlockHours", "block-hours a block (not lost) had fewer than R good copies on up hosts", "hours");
registerMetric("storage.reReplicatedBytes", "bytes copied to restore replication", "count");
registerMetric("storage.damagedCopies", "copies damaged by latent sector errors", "count");
registerMetric("storage.lseFoundByScrub", "damaged copies found by scrubbing", "count");
registerMetric("storage.lseFoundByRead", "damaged copies found when read as the source of a re-replication", "count");
registerMetric("storage.excessDeleted", "copies deleted as excess when a host declared dead came back", "count");
registerMetric("storage.hostsNotRebooted", "store hosts that did not come back from a power loss (disks lost)", "count");
