// Every fault model fleet knows, by the key it has in a scenario's `faults:` list.
// Adding a model: write src/faults/<name>.ts exporting a FaultModel, list it here.
import type { FaultModel } from "./injector.js";
import { cosmicModel } from "./cosmic.js";
import { dramModel } from "./dram.js";
import { diskModel } from "./disk.js";
import { busbarModel, pduModel, utilityModel } from "./power.js";
import { hostCrashModel } from "./host.js";
import { rackModel } from "./rack.js";
import { linkModel } from "./network.js";
import { stragglerModel } from "./straggler.js";
import { mercurialModel } from "./mercurial.js";

export const FAULT_MODELS: Record<string, FaultModel<unknown>> = Object.fromEntries(
  [cosmicModel, dramModel, diskModel, busbarModel, pduModel, utilityModel, hostCrashModel, rackModel, linkModel, stragglerModel, mercurialModel].map((m) => [
    m.kind,
    m as FaultModel<unknown>,
  ]),
);
