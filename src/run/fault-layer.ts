// The fault layer of a scenario: its fleet and its `faults:` section, with per-host
// straggler detail on the hosts its workloads run on (src/workloads/registry.ts). The
// same for `fleet faults`, every lane of `fleet chaos`, and the benchmarks, so they all
// draw the same trace (less the incidents a counterfactual run excludes: `exclude`).
import type { JournalSink } from "../journal/index.js";
import { buildFleet } from "../fleet/build.js";
import type { Fleet } from "../fleet/fleet.js";
import type { IncidentKey } from "../faults/exclude.js";
import { type FaultLayer, startFaultLayer } from "../faults/layer.js";
import type { FaultListener } from "../faults/trace.js";
import type { Scenario } from "../scenario/load.js";
import { detailHosts } from "../workloads/registry.js";

export function scenarioFaultLayer(
  scenario: Pick<Scenario, "fleet" | "faults" | "workloads" | "policies">,
  opts: { seed: number; horizonSec: number; journal?: JournalSink; fleet?: Fleet; exclude?: readonly IncidentKey[]; listener?: FaultListener },
): FaultLayer {
  const fleet = opts.fleet ?? buildFleet(scenario.fleet);
  return startFaultLayer(scenario, { ...opts, fleet, watched: detailHosts(scenario.workloads ?? [], scenario.policies ?? {}, scenario.fleet) });
}
