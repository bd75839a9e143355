// Every fault kind is declared once (src/faults/kind.ts) and these checks keep the
// declarations true: codes are fixed forever, every kind whose effect is not `none` has a
// layer that reacts to it, every `none` says why, and the journal records of a real run
// carry only the fields their kind declares.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryDetector } from "../src/checksums/detect.js";
import { COMMON_FIELDS, effectKey } from "../src/faults/kind.js";
import { FAULT_KINDS, FAULT_MODELS } from "../src/faults/registry.js";
import { WORKLOADS } from "../src/workloads/registry.js";
import { fleet } from "./helpers.js";

/** The digest codes, as they were when each kind was added: a code never changes. */
const CODES: Record<string, number> = {
  "cosmic.upset": 0,
  "cosmic.upsets": 1,
  "cosmic.burst": 2,
  "dram.fault": 3,
  "dram.error": 4,
  "disk.fail": 5,
  "disk.lse": 6,
  "disk.slow": 7,
  "power.busbar": 8,
  "power.pdu": 9,
  "power.utility": 10,
  "power.warning": 11,
  "host.crash": 12,
  "rack.fail": 13,
  "rack.wonky": 14,
  "link.cut": 15,
  "link.latency": 16,
  straggler: 17,
  "mercurial.core": 18,
  "mercurial.corrupt": 19,
  "machine.check": 20,
  "accelerator.fail": 28,
  "colocated.load": 29,
  "cooling.overheat": 30,
  "disk.corrupt": 33,
};

/** Who reacts to which effect: the detection layer and every workload, from their declarations. */
const CONSUMERS: { who: string; consumes: readonly string[] }[] = [
  { who: "detection (src/checksums/detect.ts)", consumes: MemoryDetector.consumes },
  ...WORKLOADS.map((w) => ({ who: `workload ${w.kind}`, consumes: w.consumes })),
];

describe("fault kinds", () => {
  it("keep the digest codes they were given", () => {
    expect(Object.fromEntries(FAULT_KINDS.inOrder().map((k) => [k.name, k.code]))).toEqual(CODES);
  });

  it.each(FAULT_KINDS.inOrder().map((k) => [k.name, k] as const))("%s has a consumer, or says why it has none", (_name, kind) => {
    const key = effectKey(kind.effect);
    if (key === undefined) {
      expect(kind.effect.class).toBe("none");
      expect((kind.effect as { because: string }).because.length).toBeGreaterThan(20);
      return;
    }
    const who = CONSUMERS.filter((c) => c.consumes.includes(key)).map((c) => c.who);
    expect(who, `nothing reacts to ${key}: give ${kind.name} a consumer or declare { class: "none", because }`).not.toEqual([]);
  });

  it("every effect a layer says it reacts to is produced by some kind", () => {
    const produced = new Set(FAULT_KINDS.inOrder().map((k) => effectKey(k.effect)));
    for (const c of CONSUMERS)
      for (const key of c.consumes) expect({ who: c.who, key, produced: produced.has(key as never) }).toEqual({ who: c.who, key, produced: true });
  });

  it("a model's scheduled entries produce its own kinds", () => {
    for (const m of Object.values(FAULT_MODELS)) {
      if (!m.incident) continue;
      const params = Object.fromEntries(Object.entries(m.incident.params).map(([k, f]) => [k, f.default?.()]));
      expect(m.kinds).toContain(m.incident.kindOf(params));
      const episode = m.incident.kindOf(params).episode;
      if (episode !== undefined) expect(Object.keys(m.incident.params)).toContain(episode);
    }
  });

  it("the journal records of the showcase carry only the fields their kind declares", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-kinds-"));
    try {
      const journal = join(dir, "cosmic.jsonl");
      const r = await fleet(["chaos", "scenarios/cosmic.yaml", "--duration", "1d", "--reporter", "json", "--journal", journal]);
      expect([0, 1]).toContain(r.code);
      const seen = new Set<string>();
      for (const line of readFileSync(journal, "utf8").split("\n")) {
        if (!line) continue;
        const rec = JSON.parse(line) as Record<string, unknown>;
        if (rec.t !== "fault") continue;
        const kind = FAULT_KINDS.get(String(rec.kind));
        expect(kind, `record of unknown kind ${rec.kind}`).toBeDefined();
        seen.add(kind!.name);
        const extra = Object.keys(rec).filter((k) => !["t", "at", "crc", "wall"].includes(k) && !(k in COMMON_FIELDS) && !(k in kind!.fields));
        expect({ kind: kind!.name, extra }).toEqual({ kind: kind!.name, extra: [] });
      }
      expect(seen.size).toBeGreaterThanOrEqual(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
