// Engine benchmark: simulated events per second of wall time on the reference model,
// built on the real Sim / EventQueue / Streams (no special loop):
//   10,000 hosts alternate up (exponential, mean 100 h) and down (mean 5 h); requests
//   arrive as a Poisson process at 200 per hour, each to a random host, and are served
//   for an exponential 1 h if that host is up (an arrival event and a completion event).
//   Horizon 3,450 h: about 2M events.
// Also reports the queue alone (hold model: pop one, push one, at the same size) and
// the random stream's buffered draws against calling seedrandom directly. In that
// isolated loop V8 inlines the generator and the buffer gains little; inside the engine
// (many call sites, handlers in between) serving from the buffer measured ~8% more
// events/s than calling the generator per uniform.
import seedrandom from "seedrandom";
import { EventQueue } from "../src/sim/queue.js";
import { Sim } from "../src/sim/sim.js";
import { Streams } from "../src/sim/streams.js";
import { type BenchOptions, type Figure, machine, median, timeRuns } from "./lib.js";

const HOUR = 3600;

export interface EngineModelResult {
  events: number;
  requests: number;
  served: number;
  downEvents: number;
}

/** Builds and runs the reference model; returns counts so the work cannot be optimized away. */
export function runReferenceModel(seed: number, hosts = 10_000, horizonHours = 3450): EngineModelResult {
  const sim = new Sim({ seed, queueCapacity: hosts * 2 });
  const failures = sim.streams.get("hosts.failures");
  const requests = sim.streams.get("requests");
  const up = new Uint8Array(hosts).fill(1);
  const upMean = 100 * HOUR;
  const downMean = 5 * HOUR;
  const interArrivalMean = HOUR / 200;
  const serviceMean = 1 * HOUR;
  let nRequests = 0;
  let served = 0;
  let downEvents = 0;

  const HOST_DOWN = sim.defineEvent("host.down", (host) => {
    up[host] = 0;
    downEvents++;
    sim.schedule(failures.exp(downMean), HOST_UP, host, 0);
  });
  const HOST_UP = sim.defineEvent("host.up", (host) => {
    up[host] = 1;
    sim.schedule(failures.exp(upMean), HOST_DOWN, host, 0);
  });
  const REQUEST_DONE = sim.defineEvent("request.done", () => {
    served++;
  });
  const REQUEST_ARRIVAL = sim.defineEvent("request.arrival", () => {
    nRequests++;
    // The next arrival (soon) is scheduled before the completion (an hour away): the
    // first push after a pop fills the heap's root hole, where a soon event settles at
    // once; the far one then sifts up only a level or two from a leaf. The other order
    // walks both the whole height of the heap (measured: ~15% fewer events/s overall).
    sim.schedule(requests.exp(interArrivalMean), REQUEST_ARRIVAL, 0, 0);
    const host = requests.int(hosts);
    if (up[host] === 1) sim.schedule(requests.exp(serviceMean), REQUEST_DONE, host, 0);
  });

  for (let h = 0; h < hosts; h++) sim.schedule(failures.exp(upMean), HOST_DOWN, h, 0);
  sim.schedule(requests.exp(interArrivalMean), REQUEST_ARRIVAL, 0, 0);
  const result = sim.run({ until: horizonHours * HOUR });
  return { events: result.events, requests: nRequests, served, downEvents };
}

/** Hold model on the queue alone: `size` pending events, then `ops` pop+push pairs. */
function holdOps(size: number, ops: number): number {
  const q = new EventQueue(size);
  const rng = new Streams(1).get("bench.hold");
  for (let i = 0; i < size; i++) q.push(rng.exp(100), 1, i, 0);
  const dt = timeRuns(1, () => {
    for (let i = 0; i < ops; i++) {
      q.pop();
      q.push(q.time + rng.exp(100), q.kind, q.target, q.arg);
    }
  })[0];
  return ops / dt;
}

function rngDraws(n: number): { buffered: number; direct: number } {
  const rng = new Streams(1).get("bench.rng");
  const direct = seedrandom.alea("1/bench.rng");
  let sink = 0;
  const tb = timeRuns(1, () => {
    for (let i = 0; i < n; i++) sink += rng.exp(1);
  })[0];
  const td = timeRuns(1, () => {
    // What Rng does per uniform (53 bits from two draws), without the buffer.
    for (let i = 0; i < n; i++) sink += -Math.log(1 - (direct() + ((direct() * 0x200000) | 0) * 1.1102230246251565e-16));
  })[0];
  if (sink === 42) console.log(sink); // keep the loops alive
  return { buffered: n / tb, direct: n / td };
}

export async function benchEngine(opts: BenchOptions): Promise<Figure[]> {
  const reps = opts.quick ? 2 : 5;
  const horizonHours = 3450;
  runReferenceModel(0, 10_000, 200); // warm up the JIT
  let last: EngineModelResult | undefined;
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    let res: EngineModelResult | undefined;
    const [sec] = timeRuns(1, () => {
      res = runReferenceModel(1 + r, 10_000, horizonHours);
    });
    last = res!;
    rates.push(last.events / sec);
  }

  const holdSize = 10_200; // pending events in the reference model
  const holdN = opts.quick ? 1_000_000 : 5_000_000;
  holdOps(holdSize, 200_000);
  const holdRates: number[] = [];
  for (let r = 0; r < reps; r++) holdRates.push(holdOps(holdSize, holdN));
  const bigHold = holdOps(1_000_000, opts.quick ? 500_000 : 2_000_000);

  const drawsN = opts.quick ? 2_000_000 : 10_000_000;
  rngDraws(200_000);
  const draws = rngDraws(drawsN);

  return [
    {
      name: "engine.eventsPerSec",
      value: median(rates),
      unit: "events/s",
      target: { op: ">=", value: 4.5e6 },
      extra: {
        events: last!.events,
        horizonHours,
        hosts: 10_000,
        runs: reps,
        perRun: rates.map((x) => Math.round(x)),
        requests: last!.requests,
        served: last!.served,
        machine: machine(),
      },
    },
    {
      name: "engine.heapHoldOpsPerSec",
      value: median(holdRates),
      unit: "pop+push/s",
      extra: { pending: holdSize, ops: holdN, runs: reps, pending1M: Math.round(bigHold), includes: "one Rng.exp draw per pop+push" },
    },
    {
      name: "engine.rngExpPerSec",
      value: draws.buffered,
      unit: "draws/s",
      extra: { unbufferedSameBits: Math.round(draws.direct), draws: drawsN },
    },
  ];
}
