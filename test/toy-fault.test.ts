// The worked example of docs/ARCHITECTURE.md, "adding a fault kind", kept honest: a toy
// model (examples/toy-fault/fan.ts) declares one kind, `fan.fail`, with the effect
// `down:hosts`. Registered with one line (here: at run time, in a try/finally, as the
// registry's list would hold it), a scenario names it, and a training job, a store, the
// journal, the dashboard map and the replay summary all react to it with no change of
// theirs. The docs show this very file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KindTable } from "../src/faults/kind.js";
import { FAULT_KINDS, FAULT_MODELS } from "../src/faults/registry.js";
import { MemoryJournal } from "../src/journal/memory.js";
import { isCorrelated } from "../src/replay/summary.js";
import { runScenario } from "../src/run/session.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { effectsOf } from "../src/tui/effects.js";
import { FAN_FAIL, fanModel } from "../examples/toy-fault/fan.js";

const SCENARIO = `
name: fans
seed: 5
duration: 2d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 4, hostsPerRack: 8, host: { disks: 4 } }
workloads:
  - training: { name: job, hosts: 16, stepTime: 2s, checkpointWrite: 30s, restart: 5m }
  - storage: { name: store, blocks: 2000, blockSize: 64MiB, firstHost: 16, hosts: 48 }
faults:
  - fan: { mtbf: 5y, repair: 3h }
  - at: 6h
    fan: dc1/row01/rack01/host03
    repair: 2h
  - at: 9h
    fan: dc1/row02/rack01/host01
    repair: 2h
policies:
  spares: { spares: 25% }
`;

describe("adding a fault kind: the toy fan model of docs/ARCHITECTURE.md", () => {
  it("its kind takes a code of its own in the table of kinds; a shared code is refused", () => {
    expect(FAULT_KINDS.ofCode(FAN_FAIL.code)).toBeUndefined();
    const table = new KindTable([...FAULT_KINDS.all, FAN_FAIL]);
    expect(table.get("fan.fail")).toBe(FAN_FAIL);
    expect(table.namesWhere((k) => k.effect.class === "down" && k.effect.on === "hosts")).toContain("fan.fail");
    expect(() => new KindTable([...FAULT_KINDS.all, { ...FAN_FAIL, name: "fan.other" }, { ...FAN_FAIL }])).toThrow(/share code 62/);
  });

  it("registered with one line, a scenario runs it and every layer reacts through its effect", async () => {
    FAULT_MODELS.fan = fanModel as never; // the one registration line (src/faults/registry.ts)
    try {
      const r = loadScenarioText(SCENARIO, "fans.yaml");
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const journal = new MemoryJournal();
      const outcome = await runScenario(r.value, { seed: 5, durationSec: r.value.durationSec, journal, fleetVersion: "test" });
      expect(outcome.status).toBe("complete");
      const m = outcome.metrics.spares;
      // The scheduled failure and the model's own: counted, and taking hosts down.
      expect(m["faults.fan.fail"]).toBeGreaterThanOrEqual(1);
      expect(m["fleet.hostHoursDown"]).toBeGreaterThanOrEqual(2);
      // The training job lost host03 of row01/rack01 (host 2, a participant) at 6h.
      expect(m["training.interruptions.fan.fail"]).toBeGreaterThanOrEqual(1);
      const records = journal.lines.map((l) => JSON.parse(l) as Record<string, unknown> & { t: string; at: number });
      const restart = records.find((x) => x.t === "recovery" && x.job === "job" && x.cause === "fan.fail");
      expect(restart?.at).toBe(6 * 3600);
      // The store lost host 32 (row02/rack01/host01) at 9h for longer than HDFS's dead-node
      // wait: its copies were made again elsewhere.
      expect(m["storage.reReplicatedBytes"]).toBeGreaterThan(0);
      expect(m["storage.underReplicatedBlockHours"]).toBeGreaterThan(0);
      // Its journal record: kind, target, until, repair, hosts, cause; the map draws it down.
      const rec = records.find((x) => x.t === "fault" && x.kind === "fan.fail" && x.at === 6 * 3600)!;
      expect(rec).toMatchObject({ target: "dc1/row01/rack01/host03", until: 8 * 3600, repair: 7200, hosts: 1, cause: "incident" });
      const fleetIds = (id: string) => (id === "dc1/row01/rack01/host03" ? { kind: "host" as const, index: 2 } : undefined);
      expect(effectsOf("fault", rec.at, rec as never, fleetIds)).toEqual([{ kind: "down", ref: { kind: "host", index: 2 }, untilSec: 8 * 3600 }]);
      expect(isCorrelated(rec as never)).toBe(false);
    } finally {
      delete FAULT_MODELS.fan;
    }
  });

  it("docs/ARCHITECTURE.md shows this very model file", () => {
    const doc = readFileSync("docs/ARCHITECTURE.md", "utf8");
    const block = /<!-- begin examples\/toy-fault\/fan\.ts -->\n```ts\n([\s\S]*?)```\n<!-- end -->/.exec(doc);
    expect(block, "docs/ARCHITECTURE.md holds the model between its begin/end markers").not.toBeNull();
    expect(block![1]).toBe(readFileSync("examples/toy-fault/fan.ts", "utf8"));
  });
});
