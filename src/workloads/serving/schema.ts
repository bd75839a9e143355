// The `serving:` workload entry:
//
//   - serving: { name: search, shards: 60, replicas: 20, qps: 2000, deadline: 200ms,
//                serviceTime: { p50: 8ms, p99: 40ms } }
//
// Keys and defaults (the model is described in ./service.ts and ./window.ts):
//   shards, replicas  the service's size: shards x replicas hosts, one replica per host,
//                     from firstHost (0) on; placed by the policy's `placement`.
//   qps               queries per second (Poisson arrivals).
//   fanout            shards each query asks, chosen uniformly without repeats (all).
//   deadline          a query not fully answered by then has failed.
//   serviceTime       { p50, p99 } (lognormal through both), or { dist: exponential,
//                     mean } or { dist: deterministic, mean }.
//   servers           requests a replica serves at once (1).
//   rtt               network round trip added to every leaf answer (0.5ms: Dean & Barroso
//                     2013 put a message at "1ms or less" in a datacenter network; our
//                     choice inside that).
//   shardMemory       fraction of a replica host's memory holding its shard (50%,
//                     illustrative): a silently corrupted word lands in the shard with this
//                     probability (./corruption.ts).
//   readPerAnswer     bytes of the shard one answer reads (1MiB, illustrative): an answer
//                     reads a given corrupted word with probability readPerAnswer / shard.
//   reload            how often a replica reloads its shard from storage, clearing
//                     corrupted words (24h, illustrative; off for never).
//   mercurialReads    fraction of the answers of a host with a defective core (HostFlag.
//                     MERCURIAL) that the core computes wrongly (1%: a request lands on the
//                     bad core of a many-core host only now and then, and only some
//                     instructions fail, Hochschild et al. 2021; our choice).
//   sample            { windows: 8, window: 2s, warmup: 0.5s }: how many time windows are
//                     simulated at full rate, how long each is measured, and the unmeasured
//                     lead-in that fills the queues first (see ./service.ts). The defaults
//                     keep a 60 x 20 service at 1,000 qps near a second of wall time per
//                     policy; a warm-up of 0.5 s is many queue relaxation times at moderate
//                     load, not at 90% load (give 2 s or more there).
import type { PathPart } from "../../base/issues.js";
import { isScalar } from "yaml";
import {
  duration,
  either,
  scalar,
  size,
  fraction,
  map,
  maybe,
  nodeAt,
  number,
  object,
  oneOf,
  opt,
  refine,
  req,
  string,
  type Ctx,
  type Infer,
  type Validator,
} from "../../base/schema.js";
import type { HostRange } from "../../recovery/placement.js";
import type { ShardMemorySpec } from "./corruption.js";
import type { ServiceTime } from "./latency.js";

export interface SampleSpec {
  /** Windows simulated at full rate, one per equal stratum of the horizon. */
  windows: number;
  /** Measured seconds of each window. */
  windowSec: number;
  /** Seconds simulated before the measured part, to fill the queues (not measured). */
  warmupSec: number;
}

export interface ServingSpec {
  name: string;
  shards: number;
  replicas: number;
  qps: number;
  /** Shards each query asks (<= shards). */
  fanout: number;
  deadlineSec: number;
  serviceTime: ServiceTime;
  servers: number;
  firstHost: number;
  rttSec: number;
  /** Where silently corrupted words land and how long they stay (./corruption.ts). */
  memory: ShardMemorySpec;
  mercurialReads: number;
  sample: SampleSpec;
}

export const DEFAULT_RTT_SEC = 0.5e-3;
/** Illustrative defaults of ./corruption.ts (no published figure: see its header). */
export const DEFAULT_SHARD_MEMORY: ShardMemorySpec = { shardMemory: 0.5, readPerAnswerBytes: 2 ** 20, reloadSec: 86400 };
export const DEFAULT_MERCURIAL_READS = 0.01;
export const DEFAULT_SAMPLE: SampleSpec = { windows: 8, windowSec: 2, warmupSec: 0.5 };
/** Most leaf requests the windows of one workload may simulate (a typo guard: ~1 min of wall time). */
export const MAX_LEAF_REQUESTS = 3e8;

/** The hosts a serving workload runs on: shards x replicas from firstHost. */
export function servingHostRange(spec: Pick<ServingSpec, "firstHost" | "shards" | "replicas">): HostRange {
  return { start: spec.firstHost, end: spec.firstHost + spec.shards * spec.replicas };
}

/** Leaf requests the windows simulate, before hedges and retries. */
export function plannedLeafRequests(spec: ServingSpec): number {
  const s = spec.sample;
  return s.windows * (s.warmupSec + s.windowSec) * spec.qps * spec.fanout;
}

const serviceTimeShape = {
  dist: opt(
    oneOf(["lognormal", "exponential", "deterministic"] as const),
    "lognormal" as "lognormal" | "exponential" | "deterministic",
    "lognormal (through p50 and p99), exponential or deterministic (lognormal)",
  ),
  p50: maybe(duration({ positive: true }), "median service time (lognormal)"),
  p99: maybe(duration({ positive: true }), "99th percentile service time (lognormal)"),
  mean: maybe(duration({ positive: true }), "mean service time (exponential, deterministic)"),
};

const serviceTime: Validator<ServiceTime> = (raw, path, ctx) => {
  const o = object(serviceTimeShape, "a service time")(raw, path, ctx);
  if (typeof o === "symbol") return o;
  const node = nodeAt(raw, [], ctx);
  const at = (key: string) => nodeAt(raw, [key], ctx);
  if (o.dist === "lognormal") {
    if (o.mean !== undefined)
      return ctx.report(
        "invalid_value",
        [...path, "mean"],
        at("mean"),
        "a lognormal service time is given by p50 and p99, not mean",
        "remove mean, or set dist: exponential",
      );
    if (o.p50 === undefined || o.p99 === undefined) {
      const missing = o.p50 === undefined ? "p50" : "p99";
      return ctx.report(
        "missing_key",
        [...path, missing],
        node,
        `missing key "${missing}"`,
        "a lognormal service time needs p50 and p99, e.g. { p50: 8ms, p99: 40ms }",
      );
    }
    if (!(o.p99 > o.p50))
      return ctx.report(
        "invalid_value",
        [...path, "p99"],
        at("p99"),
        `expected p99 above p50 (${o.p50 * 1000}ms)`,
        "a service time's tail is longer than its median",
      );
    return { dist: "lognormal", p50Sec: o.p50, p99Sec: o.p99 };
  }
  for (const k of ["p50", "p99"] as const) {
    if (o[k] !== undefined)
      return ctx.report("invalid_value", [...path, k], at(k), `an ${o.dist} service time is given by mean, not ${k}`, `remove ${k}, or use dist: lognormal`);
  }
  if (o.mean === undefined)
    return ctx.report(
      "missing_key",
      [...path, "mean"],
      node,
      'missing key "mean"',
      `an ${o.dist} service time needs mean, e.g. { dist: ${o.dist}, mean: 5ms }`,
    );
  return { dist: o.dist, meanSec: o.mean };
};

const sample = object(
  {
    windows: opt(
      number({ min: 1, max: 100000, integer: true }),
      DEFAULT_SAMPLE.windows,
      "time windows simulated at full rate, one per equal stratum of the run (8)",
    ),
    window: opt(duration({ positive: true, max: 3600 }), DEFAULT_SAMPLE.windowSec, "measured length of each window (2s)"),
    warmup: opt(duration({ min: 0, max: 3600 }), DEFAULT_SAMPLE.warmupSec, "unmeasured lead-in of each window that fills the queues (0.5s)"),
  },
  "window sampling",
);

const shape = {
  name: req(string({ pattern: /^[A-Za-z0-9_-]+$/, what: "a service name" }), "the service's name"),
  shards: req(number({ min: 1, max: 100000, integer: true }), "shards of the service"),
  replicas: req(number({ min: 1, max: 10000, integer: true }), "replicas of each shard"),
  qps: req(number({ min: 0.001 }), "queries per second"),
  fanout: maybe(number({ min: 1, integer: true }), "shards each query asks (all)"),
  deadline: req(duration({ positive: true }), "a query's deadline, e.g. 200ms"),
  serviceTime: req(serviceTime, "a leaf's service time: { p50: 8ms, p99: 40ms }, or { dist: exponential, mean: 5ms }"),
  servers: opt(number({ min: 1, max: 1024, integer: true }), 1, "requests a replica serves at once (1)"),
  firstHost: opt(number({ min: 0, integer: true }), 0, "index of the first host of the service (0)"),
  rtt: opt(duration({ min: 0 }), DEFAULT_RTT_SEC, "network round trip added to each leaf answer (0.5ms)"),
  shardMemory: opt(fraction(), DEFAULT_SHARD_MEMORY.shardMemory, "fraction of a replica host's memory holding its shard (50%, illustrative)"),
  readPerAnswer: opt(size({ positive: true }), DEFAULT_SHARD_MEMORY.readPerAnswerBytes, "bytes of the shard one answer reads (1MiB, illustrative)"),
  reload: opt(
    either(
      (n) => isScalar(n) && n.value === "off",
      scalar("off", () => Infinity),
      duration({ positive: true }),
    ),
    DEFAULT_SHARD_MEMORY.reloadSec,
    "how often a replica reloads its shard from storage, clearing corrupted words (24h, illustrative; off)",
  ),
  mercurialReads: opt(fraction(), DEFAULT_MERCURIAL_READS, "fraction of a defective-core host's answers computed wrongly (1%)"),
  sample: opt(
    sample,
    { windows: DEFAULT_SAMPLE.windows, window: DEFAULT_SAMPLE.windowSec, warmup: DEFAULT_SAMPLE.warmupSec },
    "{ windows: 8, window: 2s, warmup: 0.5s }",
  ),
};

function toSpec(o: Infer<typeof shape>): ServingSpec {
  return {
    name: o.name,
    shards: o.shards,
    replicas: o.replicas,
    qps: o.qps,
    fanout: o.fanout ?? o.shards,
    deadlineSec: o.deadline,
    serviceTime: o.serviceTime,
    servers: o.servers,
    firstHost: o.firstHost,
    rttSec: o.rtt,
    memory: { shardMemory: o.shardMemory, readPerAnswerBytes: o.readPerAnswer, reloadSec: o.reload },
    mercurialReads: o.mercurialReads,
    sample: { windows: o.sample.windows, windowSec: o.sample.window, warmupSec: o.sample.warmup },
  };
}

function check(spec: ServingSpec, path: PathPart[], ctx: Ctx, node: unknown): boolean {
  const at = (...keys: string[]) => nodeAt(node, keys, ctx);
  if (spec.fanout > spec.shards) {
    ctx.report("invalid_value", [...path, "fanout"], at("fanout"), `expected a fanout of at most ${spec.shards} (the shards), found ${spec.fanout}`);
    return false;
  }
  if (spec.shards * spec.replicas > 2_000_000) {
    ctx.report(
      "limit",
      [...path, "replicas"],
      at("replicas"),
      `${spec.shards} shards x ${spec.replicas} replicas is ${spec.shards * spec.replicas} hosts, above 2,000,000`,
    );
    return false;
  }
  const planned = plannedLeafRequests(spec);
  if (planned > MAX_LEAF_REQUESTS) {
    ctx.report(
      "limit",
      [...path, "sample"],
      at("sample"),
      `the windows would simulate ${planned.toExponential(2)} leaf requests (windows x (warmup + window) x qps x fanout), above ${MAX_LEAF_REQUESTS.toExponential(0)}`,
      "use fewer or shorter windows",
    );
    return false;
  }
  return true;
}

/** The `serving:` workload entry. */
export const servingSchema: Validator<ServingSpec> = refine(map(object(shape, "a serving workload"), toSpec), check);
