// Every fault model fleet knows, by the key it has in a scenario's `faults:` list, and the
// table of every fault kind they declare (./kind.ts).
// Adding a model: write src/faults/<name>.ts exporting a FaultModel (with its kinds), and
// add it to the list below: that one line is the whole registration.
import { acceleratorModel } from "./accelerator.js";
import { colocatedModel } from "./colocated.js";
import { cosmicModel } from "./cosmic.js";
import { CONSEQUENCE_KINDS } from "./consequences.js";
import { diskModel } from "./disk.js";
import { diskCorruptionModel } from "./disk-corruption.js";
import { dramModel } from "./dram.js";
import { hostCrashModel } from "./host.js";
import type { FaultModel } from "./injector.js";
import { KindTable } from "./kind.js";
import { mercurialModel } from "./mercurial.js";
import { linkModel } from "./network.js";
import { overheatModel } from "./overheat.js";
import { busbarModel, pduModel, utilityModel } from "./power.js";
import { rackModel } from "./rack.js";
import { stragglerModel } from "./straggler.js";

const MODELS: FaultModel<unknown>[] = [
  cosmicModel,
  dramModel,
  diskModel,
  diskCorruptionModel,
  busbarModel,
  pduModel,
  utilityModel,
  overheatModel,
  hostCrashModel,
  acceleratorModel,
  rackModel,
  linkModel,
  stragglerModel,
  colocatedModel,
  mercurialModel,
] as FaultModel<unknown>[];

export const FAULT_MODELS: Record<string, FaultModel<unknown>> = Object.fromEntries(MODELS.map((m) => [m.kind, m]));

/** Every fault kind: the models' and those raised by other layers (./consequences.ts). */
export const FAULT_KINDS = new KindTable([...MODELS.flatMap((m) => m.kinds), ...CONSEQUENCE_KINDS]);
