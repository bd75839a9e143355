// Test helper: a small scenario with two policies and two SLOs, and the records of a short
// story on it (a burst from the east, a bus bar lost, a silent corruption, a restart), so
// frame tests and replay tests state only what they are about.
import { EventEmitter } from "node:events";
import { buildFleet } from "../fleet/build.js";
import { loadScenarioText } from "../scenario/load.js";
import { DashboardModel } from "./model.js";

export const FRAMES_SCENARIO = `name: frames
seed: 1
duration: 10h
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 12, hostsPerRack: 4, facing: alternate, power: { busbarsPerRow: 2 } }
workloads:
  - training: { name: pretrain, hosts: 64, stepTime: 4s, checkpointWrite: 90s, restart: 5m }
policies:
  baseline: { checkpoint: 1h }
  hardened: { checkpoint: 30m }
slo:
  training.goodput: ">= 0.90"
  silentCorruptions: "== 0"
`;

/** FRAMES_SCENARIO with a service and a store beside the job, and six SLOs of four units: more than a short board shows. */
export const UNITS_SCENARIO = FRAMES_SCENARIO.replace("name: frames", "name: units")
  .replace(
    "\npolicies:",
    `
  - serving: { name: search, shards: 4, replicas: 4, qps: 100, deadline: 200ms, serviceTime: { p50: 8ms, p99: 40ms }, firstHost: 64 }
  - storage: { name: hdfs, blocks: 1000, firstHost: 80, hosts: 100 }
policies:`,
  )
  .replace("hardened: { checkpoint: 30m }", "hardened: { checkpoint: 30m, hedge: p95 }")
  .replace(
    'slo:\n  training.goodput: ">= 0.90"\n',
    `slo:
  training.goodput: ">= 0.90"
  serving.p999: "<= 150ms"
  serving.availability: ">= 99.95%"
  training.lostWorkHours: "<= 2h"
  storage.lostBytes: "== 0"
`,
  );

/** The story on UNITS_SCENARIO: its snapshots carry every SLO's metric, in its unit (seconds, fractions, hours, counts). */
export function unitsModel(): DashboardModel {
  const metrics = {
    baseline: {
      "training.goodput": 0.84,
      "serving.p999": 0.2001,
      "serving.availability": 0.999,
      "training.lostWorkHours": 2.5,
      "storage.lostBytes": 0,
      silentCorruptions: 1,
    },
    hardened: {
      "training.goodput": 0.95,
      "serving.p999": 0.0839,
      "serving.availability": 0.99994,
      "training.lostWorkHours": 0.75,
      "storage.lostBytes": 0,
      silentCorruptions: 0,
    },
  };
  return modelOf(UNITS_SCENARIO, "units.yaml", "chaos", (t, f) => (t === "snapshot" ? { ...f, metrics: metrics[f.policy as "baseline" | "hardened"] } : f));
}

const H = 3600;

/** [t, at, fields] in time order: what a run of FRAMES_SCENARIO might journal by 2h15m. */
export function storyRecords(): [string, number, Record<string, unknown>][] {
  const snap = (at: number, policy: string, goodput: number, hostsDown: number, faults: Record<string, number>) =>
    [
      "snapshot",
      at,
      { policy, hostsDown, faults, metrics: { "training.goodput": goodput, silentCorruptions: policy === "baseline" && at > 2 * H ? 1 : 0 } },
    ] as [string, number, Record<string, unknown>];
  const upsets: [string, number, Record<string, unknown>][] = [];
  for (let k = 1; k <= 12; k++) {
    for (const row of ["01", "03"])
      upsets.push([
        "fault",
        2 * H + 300 + k * 10 + (row === "03" ? 5 : 0),
        { kind: "cosmic.upset", target: `dc1/row${row}/rack${String(k).padStart(2, "0")}/host01`, bits: [3] },
      ]);
  }
  return [
    snap(H, "baseline", 0.95, 0, {}),
    snap(H, "hardened", 0.97, 0, {}),
    ["fault", 1.5 * H, { kind: "host.crash", target: "dc1/row04/rack12/host04", until: 1.5 * H + 600, repair: 600, hosts: 1, cause: "reboot" }],
    snap(2 * H, "baseline", 0.93, 0, { "host.crash": 1 }),
    snap(2 * H, "hardened", 0.96, 0, { "host.crash": 1 }),
    ["fault", 2 * H, { kind: "cosmic.burst", until: 2 * H + 1200, direction: 90, width: 90, racks: 24, gain: 2000, duration: 1200 }],
    ...upsets,
    ["fault", 2 * H + 600, { kind: "power.busbar", target: "dc1/row02/busbar-a", until: 8 * H + 600, repair: 6 * H, hosts: 24, cause: "incident" }],
    [
      "detection",
      2 * H + 720,
      { policy: "baseline", host: "dc1/row04/rack05/host02", bits: [1, 2, 3, 4], outcome: "silent", code: "secded(72,64)", source: "cosmic.upset" },
    ],
    ["recovery", 2 * H + 900, { policy: "baseline", job: "pretrain", action: "restart", cause: "power.busbar", restoredFrom: H, lostSec: 4500 }],
    snap(2.25 * H, "baseline", 0.84, 24, { "host.crash": 1, "cosmic.burst": 1, "cosmic.upset": 24, "power.busbar": 1 }),
    snap(2.25 * H, "hardened", 0.95, 24, { "host.crash": 1, "cosmic.burst": 1, "cosmic.upset": 24, "power.busbar": 1 }),
  ];
}

export function storyModel(mode: "chaos" | "replay" = "chaos"): DashboardModel {
  return modelOf(FRAMES_SCENARIO, "frames.yaml", mode, (_t, f) => f);
}

/** A model of `text` fed the story's records, each record's fields passed through `edit`. */
function modelOf(
  text: string,
  file: string,
  mode: "chaos" | "replay",
  edit: (t: string, f: Record<string, unknown>) => Record<string, unknown>,
): DashboardModel {
  const r = loadScenarioText(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const scenario = r.value;
  const m = new DashboardModel({
    mode,
    scenario: scenario.name,
    file,
    seed: 1,
    durationSec: scenario.durationSec,
    fleet: buildFleet(scenario.fleet),
    slos: scenario.slo,
    policies: ["baseline", "hardened"],
  });
  for (const [t, at, f] of storyRecords()) m.onRecord(t, at, edit(t, f));
  return m;
}

/**
 * A stand-in terminal for tests: `stdout` takes Ink's frames (columns x rows, resizable),
 * `stdin` delivers keys with `type("q")` as a terminal in raw mode would.
 */
export function fakeTerminal(columns = 100, rows = 30, opts: { keys?: boolean } = {}) {
  const written: string[] = [];
  const stdout = Object.assign(new EventEmitter(), {
    columns,
    rows,
    isTTY: true,
    write(s: string) {
      written.push(s);
      return true;
    },
    resize(c: number, r: number) {
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit("resize");
    },
  });
  let pending: string[] = [];
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: opts.keys ?? true,
    setEncoding() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read(): string | null {
      return pending.shift() ?? null;
    },
    type(s: string) {
      pending.push(s);
      stdin.emit("readable");
    },
  });
  if (opts.keys ?? true) Object.assign(stdin, { setRawMode() {} });
  return {
    stdout: stdout as unknown as NodeJS.WriteStream & typeof stdout,
    stdin: stdin as unknown as NodeJS.ReadStream & typeof stdin,
    written,
    clear: () => void (pending = []),
  };
}

/**
 * Resolves once Ink reads keys from the stand-in terminal: it adds its stdin listener in an
 * effect just after mounting. From then on a key typed is handled at once (stdin's
 * "readable" event runs Ink's reader, which calls the key handler).
 */
export function readingKeys(term: { stdin: NodeJS.ReadStream }): Promise<void> {
  if (term.stdin.listenerCount("readable") > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const added = (event: string | symbol) => {
      if (event !== "readable") return;
      term.stdin.off("newListener", added);
      resolve(); // the awaiting code runs after the listener is in (a later microtask)
    };
    term.stdin.on("newListener", added);
  });
}
