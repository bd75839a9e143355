// Accelerator (GPU) failures: a faulty GPU, its HBM memory, its SRAM, its system
// processor, its thermal interface. Any of them stops the host's work until the part is
// swapped, and a synchronous training job that uses the host stops with it.
//
// Model. Every accelerator of the fleet fails as a Poisson process of rate 1 / `mtbf`;
// the processes are superposed into one of rate accelerators / mtbf, each failure lands on
// a datacenter by its accelerator count, then a uniform host and accelerator, and takes a
// mode by the mode weights (for the record: every mode has the same effect). It takes the
// host down through `trace.down("accelerator.fail", host)` for `repair`. Hosts without
// accelerators never fail here. The injector never reads host state.
//
// Defaults and sources. Dubey et al., "The Llama 3 Herd of Models" (Meta, 2024), table 5:
// 419 unexpected interruptions in a 54-day snapshot of pre-training on 16,384 H100 GPUs.
// Those a GPU caused: faulty GPU 148, GPU HBM3 memory 72, GPU SRAM memory 19, GPU system
// processor 17, GPU thermal interface and sensor 6: 262 in 16,384 x 54 GPU-days, so
//   mtbf 9.25y per accelerator (16,384 x 54 d / 262 = 3,377 GPU-days), and the mode
//   weights are those counts.
// (The table's silent data corruption, 6, is a defective core's business: mercurial.ts.)
//   repair 1d: our own choice (illustrative): the report says automation handled most
//   interruptions but gives no time to swap a GPU or a host.
//
// Places (`places: { variation, height, row }`, off by default; ./disk-process.ts): some
// hosts' accelerators fail more, by a random multiplier per host and by position (the top
// of a rack and the far rows run hotter); the fleet's rate stays the same. Candidates come
// at the largest multiplier's rate and each is kept with its host's multiplier over it.
// hostLossRatePerSec weighs each host by its multiplier once the injector has started.
//
// Left out: GPU failures that a reset clears (every failure here waits for `repair`),
// NVLink and PCIe errors as their own modes (the report counts NVLink in "faulty GPU"),
// failures that depend on load, temperature or age, and accelerators that slow down
// rather than fail (stragglers: straggler.ts).
import type { Fleet } from "../fleet/fleet.js";
import { duration, map, number, object, oneOf, opt } from "../base/schema.js";
import { episodeSec, type FaultEnv, type FaultModel, type Injector } from "./injector.js";
import { defineKind } from "./kind.js";
import { mtbfOrOff } from "./host.js";
import { AliasTable } from "./memory.js";
import { NO_PLACES, type PlaceSettings, placeMultipliers, placeSettings, placesDiffer } from "./disk-process.js";

const DAY = 86400;

export const ACCELERATOR_MODES = ["gpu", "hbm", "sram", "processor", "thermal"] as const;
export type AcceleratorMode = (typeof ACCELERATOR_MODES)[number];

/** Llama 3 (2024), table 5: interruptions by GPU component in 54 days on 16,384 GPUs. */
export const LLAMA3_GPU_INTERRUPTIONS: Record<AcceleratorMode, number> = { gpu: 148, hbm: 72, sram: 19, processor: 17, thermal: 6 };
const LLAMA3_GPU_DAYS = 16384 * 54;
/** Mean time between failures of one accelerator: 3,377 GPU-days, 9.25 years (Llama 3). */
export const DEFAULT_ACCELERATOR_MTBF_SEC = (LLAMA3_GPU_DAYS / Object.values(LLAMA3_GPU_INTERRUPTIONS).reduce((a, b) => a + b, 0)) * DAY;

export interface AcceleratorSettings {
  /** Mean time between failures of one accelerator, seconds (Infinity: off). */
  mtbfSec: number;
  repairSec: number;
  /** How hosts differ: a random multiplier, and by height in the rack and row (./disk-process.ts). */
  places: PlaceSettings;
}

const schema = map(
  object({
    mtbf: opt(
      mtbfOrOff,
      DEFAULT_ACCELERATOR_MTBF_SEC,
      "mean time between failures of one accelerator (9.25y: Llama 3's 262 GPU interruptions in 54 days on 16,384 GPUs; `off` to disable)",
    ),
    repair: opt(duration({ positive: true }), DAY, "time until the host is back with the part swapped (1d, illustrative)"),
    places: opt(placeSettings, NO_PLACES, "some hosts' accelerators fail more: a gamma multiplier's variation, and by height and row (off)"),
  }),
  (s): AcceleratorSettings => ({ mtbfSec: s.mtbf, repairSec: s.repair, places: s.places }),
);

/** Accelerators of each datacenter. */
function acceleratorsByDc(fleet: Fleet): number[] {
  const out: number[] = [];
  for (let d = 0; d < fleet.dcCount; d++) out.push((fleet.dcFirstHost[d + 1] - fleet.dcFirstHost[d]) * fleet.hostSpecOfDc(d).accelerators);
  return out;
}

class AcceleratorInjector implements Injector {
  readonly name = "accelerator";
  private env!: FaultEnv;
  private kind = 0;
  private meanGapSec = Infinity;
  private dcTable!: AliasTable;
  private readonly modeTable = new AliasTable(ACCELERATOR_MODES.map((m) => LLAMA3_GPU_INTERRUPTIONS[m]));
  /** Per-host multipliers of the failure rate (empty: every host alike) and their largest. */
  private multiplier: Float32Array = new Float32Array(0);
  private multiplierMax = 1;

  constructor(private readonly s: AcceleratorSettings) {}

  start(env: FaultEnv): void {
    this.env = env;
    this.dcTable = new AliasTable(acceleratorsByDc(env.fleet));
    if (this.dcTable.total === 0 || this.s.mtbfSec === Infinity) return;
    if (placesDiffer(this.s.places)) {
      const { fleet } = env;
      ({ multiplier: this.multiplier, max: this.multiplierMax } = placeMultipliers(fleet, env.rng, this.s.places, (h) => fleet.hostSpec(h).accelerators));
    }
    // Candidates at the largest multiplier's rate, each kept with its host's share (thinning).
    this.meanGapSec = this.multiplier.length ? this.s.mtbfSec / (this.dcTable.total * this.multiplierMax) : this.s.mtbfSec / this.dcTable.total;
    this.kind = env.sim.defineEvent("accelerator.fail", () => this.fail());
    this.next();
  }

  hostLossRatePerSec(fleet: Fleet, hosts: { start: number; end: number }): number {
    let accelerators = 0;
    const m = this.multiplier.length === fleet.hostCount ? this.multiplier : undefined;
    for (let h = hosts.start; h < hosts.end; h++) accelerators += fleet.hostSpec(h).accelerators * (m ? m[h] : 1);
    return accelerators / this.s.mtbfSec;
  }

  expected(fleet: Fleet, horizonSec: number): { "accelerator.fail": number } {
    const n = acceleratorsByDc(fleet).reduce((a, b) => a + b, 0);
    return { "accelerator.fail": (n * horizonSec) / this.s.mtbfSec };
  }

  private fail(): void {
    const { fleet, rng, trace } = this.env;
    const dc = this.dcTable.sample(rng);
    const first = fleet.dcFirstHost[dc];
    const host = first + rng.int(fleet.dcFirstHost[dc + 1] - first);
    if (this.multiplier.length && rng.next() * this.multiplierMax >= this.multiplier[host]) {
      this.next();
      return;
    }
    const accelerator = rng.int(fleet.hostSpecOfDc(dc).accelerators);
    const mode = ACCELERATOR_MODES[this.modeTable.sample(rng)];
    trace.down(ACCELERATOR_FAIL, { kind: "host", index: host }, { repairSec: this.s.repairSec, detail: { mode, accelerator } });
    this.next();
  }

  private next(): void {
    const { sim, rng, horizonSec } = this.env;
    const dt = rng.exp(this.meanGapSec);
    if (sim.now + dt <= horizonSec) sim.schedule(dt, this.kind, 0, 0);
  }
}

/** An accelerator of a host failed: the host is down until the part is swapped. */
export const ACCELERATOR_FAIL = defineKind("accelerator.fail", {
  code: 28,
  summary: "an accelerator (GPU) failed: its host is down until the part is swapped",
  effect: { class: "down", on: "hosts" },
  episode: "repair",
  fields: { mode: "gpu, hbm, sram, processor or thermal (Llama 3's categories)", accelerator: "which accelerator of the host" },
});

export const acceleratorModel: FaultModel<AcceleratorSettings> = {
  kind: "accelerator",
  kinds: [ACCELERATOR_FAIL],
  summary: "accelerator (GPU) failures at Llama 3's rates: the host is down until the part is swapped",
  schema,
  create: (s) => new AcceleratorInjector(s),
  incident: {
    targets: ["host"],
    kindOf: () => ACCELERATOR_FAIL,
    params: {
      repair: opt(duration({ positive: true }), DAY, "how long the host stays down (1d)"),
      mode: opt(oneOf(ACCELERATOR_MODES), "gpu" as AcceleratorMode, "which part failed (gpu)"),
      index: opt(number({ min: 0, integer: true }), 0, "which accelerator of the host (0)"),
    },
    fire(env, ref, params) {
      env.trace.down(ACCELERATOR_FAIL, ref, {
        repairSec: params.repair as number,
        detail: { mode: params.mode as string, accelerator: params.index as number },
      });
    },
    asScheduled: (e, ctx) =>
      e.ref ? { target: ctx.fleet.idOf(e.ref), params: { repair: episodeSec(e, ctx), mode: e.detail.mode, index: e.detail.accelerator ?? 0 } } : undefined,
  },
};
