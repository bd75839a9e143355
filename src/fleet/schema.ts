// The `fleet:` section of a scenario: datacenters, their rows of racks of hosts, the
// power tree and rack facing, the host model, and the links between datacenters.
//
// Defaults (documented here; each key also carries its default in its schema doc string):
//   host: 16 DIMMs x 32 GiB, ecc secded, 4 disks x 8 TB, 8 accelerators
//   datacenter: altitudeM 0, facing alternate (odd rows face `aisle`, even rows the
//   opposite way), aisle east (90deg), power { busbarsPerRow: 2, busbarsPerPdu: auto,
//   assign: contiguous }: the power tree is utility -> PDUs -> bus bars -> racks, a PDU
//   feeding at most 1,000 hosts under auto (Dean 2009's 500-1,000 machines per PDU; the
//   tree, its sources and what is our choice: ./power.ts)
//   links between datacenters: full mesh, latency 2ms, bandwidth 400Gbps (a metro pair,
//   as in multi-datacenter training; override per link)
import type { DatacenterSpec, EccMode, FleetSpec, HostSpec, LinkSpec } from "./spec.js";
import {
  azimuth,
  bandwidth,
  duration,
  either,
  list,
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
  type Validator,
} from "../base/schema.js";
import { isScalar } from "yaml";
import { didYouMean } from "../base/issues.js";

export const ECC_MODES: readonly EccMode[] = ["none", "parity", "secded", "chipkill"];

const GiB = 2 ** 30;

export const DEFAULT_HOST: HostSpec = {
  dimms: 16,
  dimmBytes: 32 * GiB,
  ecc: "secded",
  disks: 4,
  diskBytes: 8e12,
  accelerators: 8,
};

const count = (max: number, limit?: string) => number({ integer: true, min: 0, max, limit });
const positiveCount = (max: number, limit?: string) => number({ integer: true, min: 1, max, limit });

// Every key optional: the fleet-wide host fills what a datacenter's host leaves out.
const hostFields = {
  dimms: maybe(count(64), "DIMMs per host (16)"),
  dimmGiB: maybe(number({ min: 0.125, max: 4096 }), "capacity of one DIMM in GiB (32)"),
  ecc: maybe(oneOf(ECC_MODES), "memory protection: none, parity, secded or chipkill (secded)"),
  disks: maybe(count(256), "data disks per host (4)"),
  diskTB: maybe(number({ min: 0, max: 1000 }), "capacity of one disk in TB (8)"),
  accelerators: maybe(count(64), "accelerators per host (8)"),
};

type HostOverrides = {
  dimms?: number;
  dimmGiB?: number;
  ecc?: EccMode;
  disks?: number;
  diskTB?: number;
  accelerators?: number;
};

const hostOverrides: Validator<HostOverrides> = object(hostFields, "a host model");

function applyHost(base: HostSpec, o: HostOverrides | undefined): HostSpec {
  if (!o) return { ...base };
  return {
    dimms: o.dimms ?? base.dimms,
    dimmBytes: o.dimmGiB !== undefined ? o.dimmGiB * GiB : base.dimmBytes,
    ecc: o.ecc ?? base.ecc,
    disks: o.disks ?? base.disks,
    diskBytes: o.diskTB !== undefined ? o.diskTB * 1e12 : base.diskBytes,
    accelerators: o.accelerators ?? base.accelerators,
  };
}

const facing: Validator<"alternate" | number> = either(
  (n) => isScalar(n) && n.value === "alternate",
  () => "alternate" as const,
  azimuth(),
);

const NAME = /^[a-z][a-z0-9-]*$/;

const busbarsPerPdu: Validator<number | "auto"> = either(
  (n) => isScalar(n) && n.value === "auto",
  () => "auto" as const,
  positiveCount(1_000_000),
);

/** The key of the old tree (PDUs under bus bars): an error that says what replaced it. */
const removedPdusPerBusbar: Validator<undefined> = (raw, path, ctx) =>
  ctx.report(
    "invalid_value",
    path,
    ctx.resolve(raw, path, ctx.doc) ?? raw,
    "pdusPerBusbar is gone: PDUs now sit above the bus bars, each feeding several (utility -> PDU -> bus bar -> rack)",
    "remove it, or set busbarsPerPdu: N (auto by default: a PDU of at most 1,000 hosts)",
  );

const datacenter = object({
  name: req(string({ pattern: NAME, what: "a lowercase name like dc1 (letters, digits, -)" }), "the datacenter's name, e.g. dc1"),
  altitudeM: opt(number({ min: -500, max: 6000 }), 0, "altitude in metres; drives the neutron flux (0)"),
  rows: req(positiveCount(10_000, "limits.maxHosts"), "number of rows"),
  racksPerRow: req(positiveCount(10_000, "limits.maxHosts"), "racks in each row"),
  hostsPerRack: req(positiveCount(1_000, "limits.maxHosts"), "hosts in each rack"),
  facing: opt(facing, "alternate" as const, "alternate, or a direction every rack faces (alternate)"),
  aisle: opt(azimuth(), 90, "the direction odd rows face when facing is alternate (east)"),
  power: opt(
    object({
      busbarsPerRow: opt(positiveCount(26), 2, "bus bars per row (2, our choice)"),
      busbarsPerPdu: opt(
        busbarsPerPdu,
        "auto" as const,
        "most bus bars one PDU feeds, or auto: as many as keep a PDU at or under 1,000 hosts (Dean 2009: a PDU failure drops ~500-1,000 machines; the 1,000 cap is our choice) (auto)",
      ),
      pdusPerBusbar: maybe(removedPdusPerBusbar, "removed: PDUs now feed bus bars (use busbarsPerPdu)"),
      assign: opt(oneOf(["contiguous", "interleaved"] as const), "contiguous" as const, "how racks map to bus bars (contiguous)"),
    }),
    { busbarsPerRow: 2, busbarsPerPdu: "auto" as const, assign: "contiguous" as const, pdusPerBusbar: undefined },
  ),
  host: maybe(hostOverrides, "this datacenter's host model, over the fleet-wide one"),
});

const link = object({
  between: req(list(string(), { min: 2, max: 2, what: "two datacenter names" }), "the two datacenters, e.g. [dc1, dc2]"),
  latency: opt(duration({ max: 10 }), 0.002, "one-way latency (2ms)"),
  bandwidth: opt(bandwidth({ positive: true }), 400e9, "link bandwidth, more than zero (400Gbps)"),
});

export interface FleetLimits {
  maxHosts: number;
}

export function fleetSchema(limits: FleetLimits): Validator<FleetSpec> {
  const raw = object({
    host: maybe(hostOverrides, "the fleet-wide host model"),
    datacenters: req(list(datacenter, { min: 1, max: 1000, what: "datacenters" }), "a list of datacenters"),
    links: maybe(list(link, { what: "links between datacenters" })),
  });
  return refine(
    map(raw, (f): FleetSpec => {
      const base = applyHost(DEFAULT_HOST, f.host);
      const dcs: DatacenterSpec[] = f.datacenters.map((d) => ({
        name: d.name,
        altitudeM: d.altitudeM,
        rows: d.rows,
        racksPerRow: d.racksPerRow,
        hostsPerRack: d.hostsPerRack,
        facing: d.facing,
        aisleAzimuthDeg: d.aisle,
        power: { busbarsPerRow: d.power.busbarsPerRow, busbarsPerPdu: d.power.busbarsPerPdu, assign: d.power.assign },
        host: applyHost(base, d.host),
      }));
      const links: LinkSpec[] = [];
      if (f.links) {
        for (const l of f.links) links.push({ a: l.between[0], b: l.between[1], latencySec: l.latency, bandwidthBitsPerSec: l.bandwidth });
      } else {
        for (let i = 0; i < dcs.length; i++)
          for (let j = i + 1; j < dcs.length; j++) links.push({ a: dcs[i].name, b: dcs[j].name, latencySec: 0.002, bandwidthBitsPerSec: 400e9 });
      }
      return { datacenters: dcs, links };
    }),
    (fleet, path, ctx, node) => {
      let ok = true;
      const names = fleet.datacenters.map((d) => d.name);
      const seen = new Set<string>();
      fleet.datacenters.forEach((d, i) => {
        if (seen.has(d.name)) {
          ctx.report(
            "invalid_value",
            [...path, "datacenters", i, "name"],
            nodeAt(node, ["datacenters", i, "name"], ctx),
            `datacenter name "${d.name}" is used twice`,
          );
          ok = false;
        }
        seen.add(d.name);
      });
      let hosts = 0;
      fleet.datacenters.forEach((d, i) => {
        hosts += d.rows * d.racksPerRow * d.hostsPerRack;
        if (hosts > limits.maxHosts && ok) {
          ctx.report(
            "limit",
            [...path, "datacenters", i],
            nodeAt(node, ["datacenters", i], ctx),
            `the fleet has more than ${limits.maxHosts.toLocaleString("en-US")} hosts (rows x racksPerRow x hostsPerRack reaches ${hosts.toLocaleString("en-US")})`,
            "raise the limit with `limits: { maxHosts: N }` in the scenario or --max-hosts N",
          );
          ok = false;
        }
      });
      const linkOf = new Map<string, number>();
      fleet.links.forEach((l, i) => {
        // One link per pair of datacenters, whichever way round it is written.
        const pair = [l.a, l.b].sort().join(" and ");
        const first = linkOf.get(pair);
        if (l.a === l.b) {
          ctx.report(
            "invalid_value",
            [...path, "links", i, "between"],
            nodeAt(node, ["links", i, "between"], ctx),
            `a link joins two different datacenters, found ${l.a} twice`,
          );
          ok = false;
        } else if (first !== undefined) {
          ctx.report(
            "invalid_value",
            [...path, "links", i],
            nodeAt(node, ["links", i], ctx),
            `a second link between ${pair} (links[${first}] is the first)`,
            "give each pair of datacenters one link",
          );
          ok = false;
        } else linkOf.set(pair, i);
        for (const [k, dc] of [l.a, l.b].entries()) {
          if (!names.includes(dc)) {
            const guess = didYouMean(dc, names);
            ctx.report(
              "unknown_name",
              [...path, "links", i, "between", k],
              nodeAt(node, ["links", i, "between", k], ctx),
              `unknown datacenter ${JSON.stringify(dc)}`,
              guess ? `did you mean "${guess}"?` : `the datacenters are ${names.join(", ")}`,
            );
            ok = false;
          }
        }
      });
      return ok;
    },
  );
}
