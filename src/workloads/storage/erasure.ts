// How a store keeps each block: as R copies (the policy's replication), or striped by a
// Reed-Solomon code (the policy's redundancy: rs(k,m)) into k data and m parity fragments
// of ceil(blockSize / k) bytes each, any k of which give the block back (an MDS code). A
// stripe is readable while k fragments are good on up hosts and lost once fewer than k are
// good anywhere, that is when more than m are gone before they are rebuilt. Rebuilding one
// fragment reads k others (k x fragment bytes, about one block: the repair traffic that
// Rashmi et al., "A Solution to the Network Challenges of Data Recovery in Erasure-coded
// Distributed Storage Systems", HotStorage 2013, measure in Facebook's warehouse cluster)
// and writes one fragment; the store's copier charges the bytes read against the same
// re-replication bandwidth a copy uses (./store.ts). Storage overhead: (k + m) / k bytes on
// disk per byte stored (1.5 for RS(6,3)) against R for replication.
//
// Placement: the fragments of a stripe are spread at most ceil((k + m) / domains) to a
// failure domain (src/recovery/placement.ts, spreadLimit): RS(6,3) over three bus bars puts
// three under each, so a bus-bar outage leaves exactly k readable.
//
// Left out: the coding arithmetic itself (fragments are never materialised but for their
// CRC, ./checksum.ts), degraded reads by clients, local reconstruction codes (Azure's LRC,
// Huang et al., USENIX ATC 2012), cells striped across fragments (a fragment here is one
// contiguous piece), and moving fragments ahead of a power warning (onPowerWarning:
// migrate): a stripe has no spare slot to copy one into, so fragments under a warning wait
// for the outage like any other.
import type { Fleet } from "../../fleet/fleet.js";
import { type HostRange, type Placement, spreadLimit } from "../../recovery/placement.js";
import { erasureCode, type Redundancy } from "../../recovery/replication.js";

export interface Layout {
  /** Pieces kept of each block: R copies, or k + m fragments. */
  pieces: number;
  /** Good pieces needed to read the block: 1 copy, or k fragments. */
  need: number;
  /** Slots per block in the block table (./blocks.ts). */
  slots: number;
  /** Bytes of one piece. */
  pieceBytes: number;
  /** Most pieces of one block in a failure domain. */
  perDomain: number;
  /** Bytes on disk per byte stored. */
  overhead: number;
}

/** The layout of `blockBytes`-byte blocks under a policy's replication and redundancy. */
export function layoutOf(
  fleet: Fleet,
  range: HostRange,
  policy: { replication: number; redundancy: Redundancy; placement: Placement },
  blockBytes: number,
): Layout {
  const code = erasureCode(policy.redundancy);
  if (!code) {
    const R = policy.replication;
    return { pieces: R, need: 1, slots: 2 * R - 1, pieceBytes: blockBytes, perDomain: 1, overhead: R };
  }
  const n = code.k + code.m;
  const pieceBytes = Math.ceil(blockBytes / code.k);
  return {
    pieces: n,
    need: code.k,
    slots: n,
    pieceBytes,
    perDomain: spreadLimit(fleet, range, policy.placement, n),
    overhead: (n * pieceBytes) / blockBytes,
  };
}
