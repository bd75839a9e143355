// `fleet replay JOURNAL`: what the journal holds, from its records alone (text or JSON;
// on a terminal the viewer opens instead, from ./index.ts).
import { EXIT, type Io } from "../../base/io.js";
import type { JournalReadResult } from "../../journal/index.js";
import { formatOverview, overview } from "../../replay/summary.js";
import type { Assessment } from "../../replay/trust.js";
import { EDITED, type ReporterName, jsonNumbers, printDamage } from "./trust.js";

export function summaryMode(read: JournalReadResult, a: Assessment, name: string, io: Io, reporter: ReporterName): number {
  if (a.trust === "damaged") printDamage(io, name, read, a);
  if (a.trust === "edited") io.err(`${EDITED(name, read)}; fleet replay ${name} --verify names the changed line\n`);
  if (a.trust === "truncated") io.err(`note: ${name}: ${a.truncation}\n`);
  const o = overview(read, a.trust);
  if (reporter === "json") io.out(`${JSON.stringify({ journal: name, ...o }, jsonNumbers, 2)}\n`);
  else io.out(formatOverview(o, name));
  return a.trust === "damaged" || a.trust === "edited" ? EXIT.usage : EXIT.ok;
}
