// A one-line summary of a scenario, for `fleet validate` and the first line of a run:
// sizes are computed from the spec alone, without building the fleet.
import type { Scenario } from "./load.js";
import { formatDuration } from "../base/units.js";
import { pduCountOf } from "../fleet/power.js";

export interface ScenarioCounts {
  datacenters: number;
  rows: number;
  racks: number;
  hosts: number;
  busbars: number;
  pdus: number;
  workloads: number;
  faults: number;
  policies: number;
  slos: number;
}

export function countScenario(s: Scenario): ScenarioCounts {
  let rows = 0;
  let racks = 0;
  let hosts = 0;
  let busbars = 0;
  let pdus = 0;
  for (const dc of s.fleet.datacenters) {
    rows += dc.rows;
    racks += dc.rows * dc.racksPerRow;
    hosts += dc.rows * dc.racksPerRow * dc.hostsPerRack;
    busbars += dc.rows * dc.power.busbarsPerRow;
    pdus += pduCountOf(dc);
  }
  const sections = s as unknown as Record<string, unknown>;
  const len = (k: string) => {
    const v = sections[k];
    return Array.isArray(v) ? v.length : v && typeof v === "object" ? Object.keys(v).length : 0;
  };
  return {
    datacenters: s.fleet.datacenters.length,
    rows,
    racks,
    hosts,
    busbars,
    pdus,
    workloads: len("workloads"),
    faults: len("faults"),
    policies: len("policies"),
    slos: len("slo"),
  };
}

const n = (x: number) => x.toLocaleString("en-US");
const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? "" : "s"}`;

export function summarizeScenario(s: Scenario): string {
  const c = countScenario(s);
  return [
    plural(c.hosts, "host"),
    plural(c.racks, "rack"),
    plural(c.busbars, "bus bar"),
    plural(c.datacenters, "datacenter"),
    plural(c.workloads, "workload"),
    plural(c.faults, "fault"),
    plural(c.policies, "policy").replace("policys", "policies"),
    `${formatDuration(s.durationSec)} simulated`,
  ].join(", ");
}
