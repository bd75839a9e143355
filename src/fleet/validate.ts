// Shape checks buildFleet needs before it allocates anything. The scenario loader
// reports friendly, located issues for bad input; these are the last line of defence
// (a FleetSpec built by hand in code), so they throw with a plain message.
import type { FleetSpec } from "./spec.js";
import { LINK } from "./ids.js";

/** Most hosts one fleet may hold: indices are Int32. */
export const MAX_HOSTS = 2 ** 31 - 2;

function positiveInt(x: number): boolean {
  return Number.isInteger(x) && x >= 1;
}

/** Every problem with `spec` as a sentence; empty when buildFleet can take it. */
export function fleetSpecProblems(spec: FleetSpec): string[] {
  const out: string[] = [];
  if (spec.datacenters.length === 0) out.push("a fleet needs at least one datacenter");
  const names = new Set<string>();
  let hosts = 0;
  spec.datacenters.forEach((dc, i) => {
    const at = `datacenters[${i}] (${JSON.stringify(dc.name)})`;
    if (!/^[A-Za-z0-9_.-]+$/.test(dc.name)) out.push(`${at}: name must be letters, digits, '_', '.' or '-'`);
    if (dc.name === LINK) out.push(`${at}: "${LINK}" is reserved for link ids`);
    if (names.has(dc.name)) out.push(`${at}: duplicate datacenter name`);
    names.add(dc.name);
    for (const k of ["rows", "racksPerRow", "hostsPerRack"] as const) {
      if (!positiveInt(dc[k])) out.push(`${at}: ${k} must be a whole number >= 1, got ${dc[k]}`);
    }
    if (!positiveInt(dc.power.busbarsPerRow)) out.push(`${at}: power.busbarsPerRow must be a whole number >= 1, got ${dc.power.busbarsPerRow}`);
    const perPdu = dc.power.busbarsPerPdu;
    if (perPdu !== "auto" && !positiveInt(perPdu)) out.push(`${at}: power.busbarsPerPdu must be auto or a whole number >= 1, got ${perPdu}`);
    if (dc.facing !== "alternate" && !Number.isFinite(dc.facing)) out.push(`${at}: facing must be "alternate" or degrees`);
    if (!Number.isFinite(dc.aisleAzimuthDeg)) out.push(`${at}: aisleAzimuthDeg must be a number`);
    hosts += dc.rows * dc.racksPerRow * dc.hostsPerRack;
  });
  if (hosts > MAX_HOSTS) out.push(`a fleet holds at most ${MAX_HOSTS} hosts, got ${hosts}`);
  const links = new Set<string>();
  spec.links.forEach((l, i) => {
    const at = `links[${i}] (${l.a}-${l.b})`;
    if (!names.has(l.a) || !names.has(l.b)) out.push(`${at}: both ends must be datacenters of the fleet`);
    if (l.a === l.b) out.push(`${at}: a link joins two different datacenters`);
    if (links.has(`${l.a}-${l.b}`)) out.push(`${at}: duplicate link`);
    links.add(`${l.a}-${l.b}`);
    if (!(l.latencySec >= 0) || !(l.bandwidthBitsPerSec > 0)) out.push(`${at}: latency must be >= 0 and bandwidth > 0`);
  });
  return out;
}
