// Hardware what-ifs a lane may set like a policy, so that several hardware choices face
// one identical fault trace (each lane of a run draws the same faults: DESIGN.md,
// invariant 2). Only what changes how faults are caught, not which faults happen:
//
// - ecc: the memory code of every host in the lane (none, parity, secded, chipkill),
//   instead of the fleet's per-datacenter `host.ecc`. Upsets and DRAM faults are drawn
//   without regard to the code (src/faults/cosmic.ts, dram.ts); the lane's detection layer
//   (src/checksums/detect.ts) decodes each with this code. scenarios/ecc-compare.yaml
//   runs one fleet under three codes this way.
import { maybe, oneOf } from "../base/schema.js";
import { ECC_MODES } from "../fleet/schema.js";

export const hardwarePolicyFields = {
  ecc: maybe(oneOf(ECC_MODES), "the memory code of every host in this lane: none, parity, secded or chipkill (default: each datacenter's host.ecc)"),
};
