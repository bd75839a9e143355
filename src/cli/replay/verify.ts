// `fleet replay JOURNAL --verify`: re-run the recorded scenario and seed and prove the
// run reproduces, or name the first line where it does not (src/replay/verify.ts).
import { EXIT, type Io } from "../../base/io.js";
import { formatDuration } from "../../base/units.js";
import type { JournalReadResult } from "../../journal/index.js";
import { clip, fieldName } from "../../replay/compare.js";
import type { Assessment } from "../../replay/trust.js";
import { type VerifyResult, verifyJournal } from "../../replay/verify.js";
import type { Limits } from "../../scenario/load.js";
import { EDITED, type ReporterName, printDamage } from "./trust.js";

export async function verifyMode(
  read: JournalReadResult,
  a: Assessment,
  name: string,
  io: Io,
  reporter: ReporterName,
  limits: Partial<Limits>,
): Promise<number> {
  if (a.trust === "damaged") {
    printDamage(io, name, read, a);
    if (reporter === "json") io.out(`${JSON.stringify({ journal: name, result: "damaged", issues: a.damage, exitCode: EXIT.usage }, null, 2)}\n`);
    return EXIT.usage;
  }
  const text = reporter === "text";
  const h = read.header!;
  const say = (s: string) => (text ? io.out(`${s}\n`) : io.err(`${s}\n`));
  const d = h.options?.durationSec;
  say(
    `re-running scenario=${h.scenario} seed=${h.seed} duration=${typeof d === "number" ? formatDuration(d) : "?"} (recorded by fleet ${h.fleetVersion}) against ${read.lines.toLocaleString("en-US")} lines of ${name}`,
  );
  if (a.trust === "truncated") say(`note: ${a.truncation}; verifying the records it has`);
  else if (read.footer?.status === "interrupted")
    say(
      `note: the run was interrupted at ${formatDuration(read.footer.at)}; verifying its records (an interrupted footer is not compared: it stands where Ctrl-C fell)`,
    );
  if (a.trust === "edited") say(`note: ${EDITED(name, read)}; the re-run finds the line`);

  const r = await verifyJournal(read, { journalName: name, cwd: io.cwd, limits });
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  const code = r.kind === "verified" ? EXIT.ok : r.kind === "diverged" ? EXIT.breach : EXIT.usage;
  if (!text) {
    io.out(`${JSON.stringify({ journal: name, trust: a.trust, ...r, exitCode: code }, null, 2)}\n`);
    if (r.kind === "unrunnable") io.err(`fleet replay: ${r.message}\n`);
    return code;
  }
  printVerify(io, name, r);
  return code;
}

export function printVerify(io: Io, name: string, r: VerifyResult): void {
  const n = (x: number) => x.toLocaleString("en-US");
  if (r.kind === "unrunnable") {
    io.err(`fleet replay: ${r.message}\n`);
    return;
  }
  if (r.kind === "verified") {
    if (r.scope === "whole") io.out(`verified: ${n(r.lines)} records, digest ${r.digest} matches\n`);
    else
      io.out(
        `verified prefix: ${n(r.lines)} records, up to ${formatDuration(r.upToSec)} of ${formatDuration(r.durationSec)} simulated, match the re-run; the journal holds nothing after that\n`,
      );
    return;
  }
  const { divergence: dv } = r;
  const diff = dv.difference;
  const what = diff.orderOnly
    ? `the keys of ${fieldName(diff)} come in another order (recorded ${clip(diff.recorded)}, re-run ${clip(diff.rerun)})`
    : `field ${fieldName(diff)}: recorded ${clip(diff.recorded)}, re-run ${clip(diff.rerun)}`;
  io.out(`${name}:${dv.line}: the re-run differs here: ${what}\n`);
  io.out(`  recorded: ${dv.recordedLine}\n`);
  io.out(`  re-run:   ${dv.rerunLine}\n`);
  if (r.rerunError) io.out(`  the re-run failed: ${r.rerunError}\n`);
  io.out(`does not reproduce: lines 1-${r.verifiedLines} match, line ${dv.line} differs\n`);
}
