// The `serving:` entry and the serving policy keys, through the real loader: every error
// names file:line:column, the path, and what to write instead.
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../scenario/load.js";
import { formatIssues } from "../../base/issues.js";
import { defaultPolicy } from "../../recovery/policy.js";
import { describeHedge } from "../../recovery/hedging.js";
import { servingHostRange } from "./schema.js";

const head = `name: s
duration: 1h
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 10, hostsPerRack: 16 }
`;

function load(body: string) {
  const r = loadScenarioText(head + body, "x.yaml");
  return r.ok ? { ok: true as const, value: r.value } : { ok: false as const, text: formatIssues("x.yaml", r.issues) };
}

describe("the serving workload entry", () => {
  it("fills documented defaults", () => {
    const r = load(`workloads:
  - serving: { name: search, shards: 6, replicas: 4, qps: 100, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms } }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const w = r.value.workloads[0];
    expect(w.kind).toBe("serving");
    expect(w.spec).toEqual({
      name: "search",
      shards: 6,
      replicas: 4,
      qps: 100,
      fanout: 6,
      deadlineSec: 0.2,
      serviceTime: { dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 },
      servers: 1,
      firstHost: 0,
      rttSec: 0.0005,
      memory: { shardMemory: 0.5, readPerAnswerBytes: 2 ** 20, reloadSec: 86400 },
      mercurialReads: 0.01,
      sample: { windows: 8, windowSec: 2, warmupSec: 0.5 },
    });
    expect(servingHostRange(w.spec as never)).toEqual({ start: 0, end: 24 });
  });

  it("reads where corrupted words land and how long they stay", () => {
    const r = load(`workloads:
  - serving: { name: a, shards: 2, replicas: 2, qps: 10, deadline: 1s, serviceTime: { p50: 8ms, p99: 40ms }, shardMemory: 80%, readPerAnswer: 4MiB, reload: off }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.workloads[0].spec).toMatchObject({ memory: { shardMemory: 0.8, readPerAnswerBytes: 4 * 2 ** 20, reloadSec: Infinity } });
  });

  it("reads the other service-time forms and the sampling", () => {
    const r = load(`workloads:
  - serving: { name: a, shards: 2, replicas: 2, qps: 10, deadline: 1s, fanout: 1, servers: 4, rtt: 0s, serviceTime: { dist: exponential, mean: 5ms }, sample: { windows: 3, window: 500ms, warmup: 0s } }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.workloads[0].spec).toMatchObject({
      fanout: 1,
      servers: 4,
      rttSec: 0,
      serviceTime: { dist: "exponential", meanSec: 0.005 },
      sample: { windows: 3, windowSec: 0.5, warmupSec: 0 },
    });
  });

  const bad: [string, string, RegExp][] = [
    ["a tail below its median", "serviceTime: { p50: 40ms, p99: 8ms }", /x\.yaml:7:\d+ workloads\[0\]\.serving\.serviceTime\.p99: expected p99 above p50/],
    ["a lognormal without p99", "serviceTime: { p50: 8ms }", /x\.yaml:7:\d+ workloads\[0\]\.serving\.serviceTime\.p99: missing key "p99"/],
    ["a mean on a lognormal", "serviceTime: { p50: 8ms, p99: 40ms, mean: 9ms }", /serviceTime\.mean: a lognormal service time is given by p50 and p99/],
    ["an exponential with p50", "serviceTime: { dist: exponential, p50: 8ms }", /serviceTime\.p50: an exponential service time is given by mean/],
    ["a typo in a key", "serviceTime: { p50: 8ms, p99: 40ms }, fanuot: 3", /serving\.fanuot: unknown key "fanuot" \(did you mean "fanout"\?\)/],
    [
      "a fanout above the shards",
      "serviceTime: { p50: 8ms, p99: 40ms }, fanout: 9",
      /x\.yaml:7:\d+ workloads\[0\]\.serving\.fanout: expected a fanout of at most 6/,
    ],
    ["a zero deadline", "serviceTime: { p50: 8ms, p99: 40ms }, deadline: 0s", /serving\.deadline: expected more than zero/],
    [
      "too much to simulate",
      "serviceTime: { p50: 8ms, p99: 40ms }, sample: { windows: 100000, window: 1h }",
      /serving\.sample: the windows would simulate .* leaf requests/,
    ],
  ];
  for (const [what, keys, expected] of bad) {
    it(`refuses ${what} with file:line:column`, () => {
      const body = keys.includes("deadline:") ? keys : `deadline: 200ms, ${keys}`;
      const r = load(`workloads:\n  - serving: { name: search, shards: 6, replicas: 4, qps: 100, ${body} }\n`);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.text).toMatch(expected);
    });
  }

  it("refuses a service beyond the fleet, or on a training job's hosts", () => {
    const beyond = load(`workloads:
  - serving: { name: search, shards: 60, replicas: 20, qps: 100, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms } }
`);
    expect(beyond.ok).toBe(false);
    if (!beyond.ok)
      expect(beyond.text).toMatch(/x\.yaml:7:\d+ workloads\[0\]\.serving\.firstHost: service search needs hosts 0\.\.1199 .* but the fleet has 320 hosts/);
    const clash = load(`workloads:
  - training: { name: t, hosts: 100, stepTime: 4s }
  - serving: { name: search, shards: 6, replicas: 4, qps: 100, deadline: 200ms, firstHost: 90, serviceTime: { p50: 8ms, p99: 40ms } }
`);
    expect(clash.ok).toBe(false);
    if (!clash.ok) expect(clash.text).toMatch(/workloads\[1\]\.serving\.firstHost: service search \(hosts 90\.\.113\) shares hosts with training job t/);
    const twice = load(`workloads:
  - serving: { name: search, shards: 2, replicas: 2, qps: 100, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms } }
  - serving: { name: search, shards: 2, replicas: 2, qps: 100, deadline: 200ms, firstHost: 10, serviceTime: { p50: 8ms, p99: 40ms } }
`);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.text).toMatch(/workloads\[1\]\.serving\.name: a second serving workload named search/);
  });
});

describe("the serving keys of a policy", () => {
  it("have documented defaults", () => {
    const p = defaultPolicy();
    expect(p.hedge).toEqual({ kind: "off" });
    expect(p).toMatchObject({ tied: false, retries: 1, retryBudget: 0.2, leafTimeout: "off", endToEndCrc: false, healthCheck: 10, balance: "random" });
  });

  it("read hedge as off, a delay or a percentile", () => {
    const r = load(`policies:
  a: { hedge: off }
  b: { hedge: 10ms, tied: true, retries: 2, retryBudget: 10%, leafTimeout: 50ms, endToEndCrc: true, healthCheck: 3s, balance: p2c }
  c: { hedge: p95 }
  d: { hedge: p99.9 }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value.policies;
    expect(p.a.hedge).toEqual({ kind: "off" });
    expect(p.b).toMatchObject({
      hedge: { kind: "after", seconds: 0.01 },
      tied: true,
      retries: 2,
      retryBudget: 0.1,
      leafTimeout: 0.05,
      endToEndCrc: true,
      healthCheck: 3,
      balance: "p2c",
    });
    expect(p.c.hedge).toEqual({ kind: "percentile", percentile: 95 });
    expect(p.d.hedge).toEqual({ kind: "percentile", percentile: 99.9 });
    expect([p.a, p.b, p.c].map((x) => describeHedge(x.hedge))).toEqual(["off", "10ms", "p95"]);
  });

  const bad: [string, RegExp][] = [
    ["hedge: sometimes", /x\.yaml:7:\d+ policies\.a\.hedge: expected off, a delay like 10ms, or a percentile of recent latency like p95, found "sometimes"/],
    ["hedge: p150", /policies\.a\.hedge: expected a percentile between p0 and p100/],
    ["hedge: 0ms", /policies\.a\.hedge: expected a hedge delay of more than zero/],
    ["retries: -1", /policies\.a\.retries: expected at least 0/],
    ["balance: p2", /policies\.a\.balance: .*did you mean "p2c"/],
    ["heldge: p95", /policies\.a\.heldge: unknown key "heldge" \(did you mean "hedge"\?\)/],
    ["leafTimeout: never", /policies\.a\.leafTimeout: expected a duration/],
  ];
  for (const [setting, expected] of bad) {
    it(`refuses ${setting}`, () => {
      const r = load(`policies:\n  a: { ${setting} }\n`);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.text).toMatch(expected);
    });
  }
});
