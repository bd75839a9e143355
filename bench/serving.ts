// Leaf requests per second of wall time of the serving window simulator
// (src/workloads/serving/window.ts): DESIGN.md's search service, 60 shards x 20 replicas,
// every query asking all 60 shards, service time p50 8ms / p99 40ms, at 1,000 queries a
// second (replicas ~51% busy), one 10 s window after 2 s of warm-up (~720k leaf requests),
// with hedging off and with a p95 hedge (5% more requests, and the recent-latency
// tracking). Every leaf request is a queue entry, a heap event and its completion.
import { build } from "hdr-histogram-js";
import { defaultPolicy } from "../src/recovery/policy.js";
import type { HedgeSetting } from "../src/recovery/hedging.js";
import { Streams } from "../src/sim/streams.js";
import { serviceSampler } from "../src/workloads/serving/latency.js";
import { healthyReplicas, WindowSim } from "../src/workloads/serving/window.js";
import { median, nowSec, type BenchOptions, type Figure } from "./lib.js";

function leafRate(hedge: HedgeSetting, reps: number, measureSec: number): { rate: number; requests: number; runs: number[] } {
  const sim = new WindowSim({
    shards: 60,
    replicas: 20,
    servers: 1,
    fanout: 60,
    qps: 1000,
    deadlineSec: 0.2,
    rttSec: 0.0005,
    service: serviceSampler({ dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 }),
    policy: { ...defaultPolicy(), hedge, balance: "p2c" },
  });
  const cond = healthyReplicas(1200);
  const rates: number[] = [];
  let requests = 0;
  for (let i = 0; i < reps; i++) {
    const streams = new Streams(1 + i);
    const t0 = nowSec();
    sim.run(cond, { warmupSec: 2, measureSec, arrivals: streams.get("a"), client: streams.get("c"), payloadSeed: i, latencies: build({ numberOfSignificantValueDigits: 3 }) });
    const wall = nowSec() - t0;
    requests = sim.requestsSent;
    rates.push(requests / wall);
  }
  return { rate: median(rates), requests, runs: rates.map(Math.round) };
}

export function benchServing(opts: BenchOptions): Figure[] {
  const reps = opts.quick ? 1 : 5;
  const measureSec = opts.quick ? 3 : 10;
  leafRate({ kind: "off" }, 1, 1); // warm the JIT
  const off = leafRate({ kind: "off" }, reps, measureSec);
  const p95 = leafRate({ kind: "percentile", percentile: 95 }, reps, measureSec);
  return [
    { name: "serving.leafRequestsPerSec", value: off.rate, unit: "leaf requests/s", extra: { config: "60 shards x 20 replicas, 1000 qps, hedge off, p2c", requests: off.requests, reps, runs: off.runs } },
    { name: "serving.leafRequestsPerSec.hedgeP95", value: p95.rate, unit: "leaf requests/s", extra: { config: "as above, hedge p95", requests: p95.requests, reps, runs: p95.runs } },
  ];
}
