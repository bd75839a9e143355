// A digest of a journal's records that does not depend on the order of keys inside a
// record: each line parsed, its `crc` and `wall` dropped (and a footer's `digest`), keys
// sorted at every depth, serialised again; SHA-256 over those lines in file order.
import { createHash } from "node:crypto";

function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

export function sortedDigest(text) {
  const h = createHash("sha256");
  for (const line of text.split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line);
    delete r.crc;
    delete r.wall;
    if (r.t === "footer") delete r.digest;
    h.update(`${JSON.stringify(sorted(r))}\n`);
  }
  return h.digest("hex");
}
