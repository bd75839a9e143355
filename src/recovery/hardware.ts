// Hardware what-ifs a lane may set like a policy, so that several hardware choices face
// one identical fault trace (each lane of a run draws the same faults: DESIGN.md,
// invariant 2). Only what changes how faults are caught, not which faults happen:
//
// - ecc: the memory code of every host in the lane (none, parity, secded, chipkill),
//   instead of the fleet's per-datacenter `host.ecc`. Upsets and DRAM faults are drawn
//   without regard to the code (src/faults/cosmic.ts, dram.ts); the lane's detection layer
//   (src/checksums/detect.ts) decodes each with this code. scenarios/ecc-compare.yaml
//   runs one fleet under three codes this way.
// - memoryScrub: the patrol-scrub period of every host's memory (src/checksums/scrub.ts),
//   a duration or off. Unset: 24 h (DEFAULT_MEMORY_SCRUB_SEC, the usual x86 default),
//   as before this key existed. A shorter sweep clears corrected (latent) errors sooner,
//   so fewer of them meet a second error in the same word and become a machine check or a
//   silent miscorrection (Sridharan & Liberty, "A Study of DRAM Failures in the Field",
//   SC 2012, and Sridharan et al., "Memory Errors in Modern Systems", ASPLOS 2015, discuss
//   scrubbing against accumulating faults; the rates here are the fault models'). A policy
//   that sets it also has its scrubs reported: an aggregated `detection` record per hour of
//   what the scrubber cleared, which the dashboard feed shows (src/checksums/detect.ts).
//   What scrubbing costs the hosts' work is memoryScrubCost (./training.ts).
import { maybe, oneOf } from "../base/schema.js";
import { ECC_MODES } from "../fleet/schema.js";
import { scrubSetting } from "./replication.js";

export const hardwarePolicyFields = {
  ecc: maybe(oneOf(ECC_MODES), "the memory code of every host in this lane: none, parity, secded or chipkill (default: each datacenter's host.ecc)"),
  memoryScrub: maybe(
    scrubSetting,
    "patrol-scrub period of every host's memory, e.g. 1h, or off; setting it also reports scrubs in the journal and feed (default: 24h, unreported)",
  ),
};
