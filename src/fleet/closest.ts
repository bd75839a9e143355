// "Did you mean" for unknown targets: resolve an id level by level as far as it goes,
// then at the failing level pick the nearest existing child: a number out of range is
// clamped (`rack99` in a 25-rack row -> `rack25`), a mangled prefix is matched by edit
// distance (`rak7` -> `rack07`), anything else goes to the child name with the smallest
// edit distance. Deeper segments keep being matched under the chosen child. Runs only on
// error paths, so clarity beats speed here.
import { editDistance } from "../base/issues.js";
import type { FleetIdIndex as Fleet } from "./ref.js";
import { BUSBAR, busbarLetters, HOST, LINK, padNumber, parseBusbarLetters, PDU, RACK, ROW, UTILITY } from "./ids.js";

/** One kind of child at a level: `row01..rowNN`, `busbar-a..`, or a single `utility`. */
interface Family {
  prefix: string;
  style: "numbered" | "lettered" | "single";
  count: number;
  width: number;
}

function childName(f: Family, i: number): string {
  if (f.style === "single") return f.prefix;
  if (f.style === "lettered") return f.prefix + busbarLetters(i);
  return f.prefix + padNumber(i + 1, f.width);
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

/** Index of the nearest string to `word` (lower-cased edit distance; first wins ties). */
function nearest(word: string, candidates: readonly string[]): number {
  let best = 0;
  let bestD = Infinity;
  const w = word.toLowerCase();
  candidates.forEach((c, i) => {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) [best, bestD] = [i, d];
  });
  return best;
}

/** The nearest child of a level to `seg`: which family and which member. */
function pickChild(seg: string, families: readonly Family[]): { family: number; index: number } {
  const s = seg.toLowerCase().trim();
  const bare = (f: Family) => f.prefix.replace(/-$/, "");
  const counted = families.map((f, i) => [f, i] as const).filter(([f]) => f.style !== "single" && f.count > 0);
  const closeFamily = (p: string, styles: Family["style"][]) => {
    let best: number | undefined;
    let bestD = Infinity;
    for (const [f, i] of counted) {
      if (!styles.includes(f.style)) continue;
      const d = editDistance(p, bare(f));
      if (d < bestD) [best, bestD] = [i, d];
    }
    return best !== undefined && bestD <= Math.max(1, Math.floor(p.length / 3)) ? best : undefined;
  };

  const num = /^([a-z_.-]*?)[-_ ]?0*(\d+)$/.exec(s);
  if (num) {
    const f = closeFamily(num[1], ["numbered", "lettered"]);
    if (f !== undefined) return { family: f, index: clamp(Number(num[2]), 1, families[f].count) - 1 };
  }
  const letters = /^([a-z_.]+)-([a-z]{1,3})$/.exec(s);
  if (letters) {
    const f = closeFamily(letters[1], ["lettered"]);
    if (f !== undefined) return { family: f, index: clamp(parseBusbarLetters(letters[2]), 0, families[f].count - 1) };
  }
  const names: string[] = [];
  const owners: { family: number; index: number }[] = [];
  families.forEach((f, fi) => {
    const n = f.style === "single" ? 1 : f.count;
    for (let i = 0; i < n; i++) {
      names.push(childName(f, i));
      owners.push({ family: fi, index: i });
    }
  });
  return owners[nearest(s, names)];
}

export function closestId(fleet: Fleet, id: string): string {
  if (fleet.resolve(id)) return id;
  const segs = id
    .split("/")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (segs.length === 0) return fleet.dcId(0);

  if (fleet.linkCount > 0 && (segs[0].toLowerCase() === LINK || (fleet.dcIndex(segs[0]) < 0 && editDistance(segs[0].toLowerCase(), LINK) <= 1))) {
    const want = [LINK, ...segs.slice(1)].join("/");
    return fleet.links[
      nearest(
        want,
        fleet.links.map((l) => l.id),
      )
    ].id;
  }

  // Resolve the datacenter; an id that starts below it ("row07/rack03") gets the first one.
  let dc = fleet.dcIndex(segs[0]);
  if (dc < 0) {
    if (/^(row\d*|pdu\d*|utility)$/i.test(segs[0])) {
      segs.unshift(fleet.dcId(0));
      dc = 0;
    } else {
      dc = nearest(
        segs[0],
        fleet.spec.datacenters.map((d) => d.name),
      );
    }
  }
  const spec = fleet.dcSpec(dc);
  const fmt = fleet.idFormat(dc);
  if (segs.length === 1) return fleet.dcId(dc);

  const atDc = pickChild(segs[1], [
    { prefix: ROW, style: "numbered", count: spec.rows, width: fmt.row },
    { prefix: UTILITY, style: "single", count: 1, width: 0 },
    { prefix: PDU, style: "numbered", count: fleet.dcFirstPdu[dc + 1] - fleet.dcFirstPdu[dc], width: fmt.pdu },
  ]);
  if (atDc.family === 1) return fleet.utilityId(dc);
  if (atDc.family === 2) return fleet.pduId(fleet.dcFirstPdu[dc] + atDc.index);
  const row = fleet.dcFirstRow[dc] + atDc.index;
  if (segs.length === 2) return fleet.rowId(row);

  const atRow = pickChild(segs[2], [
    { prefix: RACK, style: "numbered", count: spec.racksPerRow, width: fmt.rack },
    { prefix: BUSBAR, style: "lettered", count: spec.power.busbarsPerRow, width: 0 },
  ]);
  if (atRow.family === 0) {
    const rack = fleet.rowFirstRack[row] + atRow.index;
    if (segs.length === 3) return fleet.rackId(rack);
    const h = pickChild(segs[3], [{ prefix: HOST, style: "numbered", count: spec.hostsPerRack, width: fmt.host }]);
    return fleet.hostId(fleet.rackFirstHost[rack] + h.index);
  }
  return fleet.busbarId(fleet.rowFirstBusbar[row] + atRow.index);
}
