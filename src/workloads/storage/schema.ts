// The `storage:` workload entry and the checks that need the whole scenario:
//
//   - storage: { name: hdfs, blocks: 1000000, blockSize: 128MiB, firstHost: 0, hosts: 640 }
//   - storage: { name: hdfs, data: 120TB, hosts: 640 }          # blocks = data / blockSize
//
// Defaults: blockSize 128MiB (HDFS's dfs.blocksize since Hadoop 2); firstHost 0; hosts all
// hosts from firstHost on; noRebootAfterPowerLoss 1% (Cidon et al., "Copysets: Reducing
// the Frequency of Data Loss in Cloud Storage", USENIX ATC 2013: 0.5-1% of nodes do not
// come back after a power outage, as LinkedIn, Yahoo! and Facebook report; we take the
// upper end of that range).
//
// storeProblem says why a store cannot run on a fleet under a policy; ./check.ts runs it
// for every policy once the whole scenario is parsed.
import type { Fleet } from "../../fleet/fleet.js";
import { domainsInRange } from "../../recovery/placement.js";
import { layoutOf } from "./erasure.js";
import type { Policy } from "../../recovery/policy.js";
import { fraction, map, maybe, nodeAt, number, object, opt, refine, req, size, string, type Validator } from "../../base/schema.js";

export const DEFAULT_BLOCK_BYTES = 128 * 2 ** 20;
/** Cidon et al. 2013: 0.5-1% of nodes do not reboot after a power outage (upper end). */
export const DEFAULT_NO_REBOOT_FRACTION = 0.01;
/** Most blocks one store may hold (typed arrays of ~15 bytes per copy). */
export const MAX_BLOCKS = 50_000_000;

export interface StorageSpec {
  name: string;
  blocks: number;
  blockBytes: number;
  firstHost: number;
  /** Hosts of the store's range; undefined: every host from firstHost on. */
  hosts?: number;
  /** Fraction of hosts whose disks are lost when they come back from a power loss. */
  noRebootFraction: number;
}

const shape = {
  name: req(string({ pattern: /^[A-Za-z0-9_-]+$/, what: "a store name" }), "the store's name"),
  blocks: maybe(number({ min: 1, max: MAX_BLOCKS, integer: true }), "blocks stored (or give data)"),
  data: maybe(size({ positive: true }), "bytes stored, e.g. 120TB: blocks = data / blockSize, rounded up (or give blocks)"),
  blockSize: opt(size({ positive: true }), DEFAULT_BLOCK_BYTES, "bytes per block (128MiB, HDFS)"),
  firstHost: opt(number({ min: 0, integer: true }), 0, "index of the first host of the store (0)"),
  hosts: maybe(number({ min: 1, integer: true }), "hosts of the store (all hosts from firstHost on)"),
  noRebootAfterPowerLoss: opt(
    fraction(),
    DEFAULT_NO_REBOOT_FRACTION,
    "fraction of hosts that do not come back from a power loss, their disks lost (1%, Cidon et al. 2013)",
  ),
};

const checked = refine(object(shape, "a storage workload"), (o, path, ctx, node) => {
  if ((o.blocks === undefined) === (o.data === undefined)) {
    const both = o.blocks !== undefined;
    ctx.report(
      both ? "invalid_value" : "missing_key",
      path,
      node,
      both ? "give blocks or data, not both" : "give blocks or data",
      "e.g. blocks: 1000000, or data: 120TB",
    );
    return false;
  }
  if (o.data !== undefined && Math.ceil(o.data / o.blockSize) > MAX_BLOCKS) {
    ctx.report(
      "limit",
      [...path, "data"],
      nodeAt(node, ["data"], ctx),
      `${Math.ceil(o.data / o.blockSize)} blocks is above the limit of ${MAX_BLOCKS}`,
      "use a larger blockSize",
    );
    return false;
  }
  return true;
});

/** The `storage:` workload entry. */
export const storageSchema: Validator<StorageSpec> = map(checked, (o) => {
  const spec: StorageSpec = {
    name: o.name,
    blocks: o.blocks ?? Math.ceil(o.data! / o.blockSize),
    blockBytes: o.blockSize,
    firstHost: o.firstHost,
    noRebootFraction: o.noRebootAfterPowerLoss,
  };
  if (o.hosts !== undefined) spec.hosts = o.hosts;
  return spec;
});

/** The store's host range [start, end) in `fleet`. */
export function storeRange(fleet: Fleet, spec: StorageSpec): { start: number; end: number } {
  return { start: spec.firstHost, end: spec.hosts === undefined ? fleet.hostCount : spec.firstHost + spec.hosts };
}

/** Why the store cannot run on `fleet` under `policy`, or undefined. */
export function storeProblem(
  fleet: Fleet,
  spec: StorageSpec,
  policy: Pick<Policy, "replication" | "redundancy" | "placement">,
): { key: string; message: string; hint: string } | undefined {
  const { start, end } = storeRange(fleet, spec);
  if (start >= fleet.hostCount || end > fleet.hostCount) {
    return {
      key: spec.hosts === undefined ? "firstHost" : "hosts",
      message: `hosts ${start}..${end - 1} run past the fleet's ${fleet.hostCount} hosts`,
      hint: `use firstHost + hosts <= ${fleet.hostCount}`,
    };
  }
  let diskBytes = 0;
  for (let d = 0; d < fleet.dcCount; d++) {
    const lo = Math.max(start, fleet.dcFirstHost[d]);
    const hi = Math.min(end, fleet.dcFirstHost[d + 1]);
    if (hi <= lo) continue;
    const h = fleet.hostSpecOfDc(d);
    if (h.disks === 0 || h.diskBytes === 0)
      return { key: "hosts", message: `hosts of ${fleet.dcId(d)} have no disks`, hint: "give the fleet's hosts disks, or put the store elsewhere" };
    if (h.disks > 255)
      return {
        key: "hosts",
        message: `hosts of ${fleet.dcId(d)} have ${h.disks} disks; the store handles at most 255 per host`,
        hint: "use fewer, larger disks",
      };
    diskBytes += (hi - lo) * h.disks * h.diskBytes;
  }
  const R = policy.replication;
  const range = { start, end };
  if (policy.redundancy !== "replication") {
    if (end - start < layoutOf(fleet, range, policy, spec.blockBytes).pieces) {
      return {
        key: "hosts",
        message: `${policy.redundancy} puts each stripe's fragments on distinct hosts, but the store has ${end - start}`,
        hint: "use more hosts or a shorter code",
      };
    }
  } else {
    const domains = domainsInRange(fleet, range, policy.placement);
    if (domains < R) {
      const what = policy.placement === "random" ? "hosts" : policy.placement === "rack-aware" ? "racks" : "bus bars";
      return {
        key: "hosts",
        message: `${policy.placement} placement of ${R} copies needs ${R} ${what}, but hosts ${start}..${end - 1} span ${domains}`,
        hint: "use more hosts or fewer copies",
      };
    }
  }
  const layout = layoutOf(fleet, range, policy, spec.blockBytes);
  const need = spec.blocks * layout.pieceBytes * layout.pieces;
  if (need > diskBytes) {
    const pieces = policy.redundancy === "replication" ? `${R} copies` : `${policy.redundancy} fragments`;
    return {
      key: spec.blocks ? "blocks" : "data",
      message: `${pieces} of ${spec.blocks} blocks need ${(need / 1e12).toPrecision(3)} TB, but the store's disks hold ${(diskBytes / 1e12).toPrecision(3)} TB`,
      hint: "store less, or use more hosts or disks",
    };
  }
  return undefined;
}
