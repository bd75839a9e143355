// `fleet replay JOURNAL --verify`: re-run the recorded scenario and seed and prove the
// run reproduces, or name the first line where it does not (src/replay/verify.ts).
import { EXIT, type Io } from "../../base/io.js";
import { formatDuration, formatTime } from "../../base/units.js";
import type { JournalRecord, JournalSummary } from "../../journal/index.js";
import { clip, fieldName } from "../../replay/compare.js";
import type { Assessment } from "../../replay/trust.js";
import { type VerifyResult, verifyJournal } from "../../replay/verify.js";
import type { Limits } from "../../scenario/load.js";
import { EDITED, type ReporterName, printDamage } from "./trust.js";

/** Lines of the journal `--prefix` left unread (after its first bad line), first and last. */
export interface Unread {
  from: number;
  to: number;
}

/** `records` reads the journal's records again from its start (src/replay/source.ts). */
export async function verifyMode(
  read: JournalSummary,
  a: Assessment,
  name: string,
  io: Io,
  reporter: ReporterName,
  limits: Partial<Limits>,
  records: () => Iterable<JournalRecord>,
  unread?: Unread,
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
    say(`note: the run was interrupted at ${formatTime(read.footer.at)}; the re-run stops where it stopped, and its footer is compared too`);
  else if (read.footer?.status === "failed")
    say(
      `note: the run failed at ${formatTime(read.footer.at)} (${clip(String(read.footer.error ?? "no error given").split("\n")[0], 200)}); the re-run must fail the same way, footer included`,
    );
  if (a.trust === "edited") say(`note: ${EDITED(name, read)}; the re-run finds the line`);

  const r = await verifyJournal(read, records, { journalName: name, cwd: io.cwd, limits });
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  const code = r.kind === "verified" ? EXIT.ok : r.kind === "diverged" ? EXIT.breach : EXIT.usage;
  if (!text) {
    io.out(`${JSON.stringify({ journal: name, trust: a.trust, ...r, ...(unread ? { unread } : {}), exitCode: code }, null, 2)}\n`);
    if (r.kind === "unrunnable") io.err(`fleet replay: ${r.message}\n`);
    return code;
  }
  printVerify(io, name, r, unread);
  return code;
}

function printVerify(io: Io, name: string, r: VerifyResult, unread: Unread | undefined): void {
  const n = (x: number) => x.toLocaleString("en-US");
  if (r.kind === "unrunnable") {
    io.err(`fleet replay: ${r.message}\n`);
    return;
  }
  if (r.kind === "verified") {
    if (r.scope === "whole") io.out(`verified: ${n(r.lines)} records, digest ${r.digest} matches\n`);
    else {
      const after = unread ? `lines ${n(unread.from)}-${n(unread.to)} were not read (--prefix) and are not verified` : "the journal holds nothing after that";
      io.out(
        `verified prefix: ${n(r.lines)} records, up to ${formatDuration(r.upToSec)} of ${formatDuration(r.durationSec)} simulated, match the re-run; ${after}\n`,
      );
    }
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
  if (dv.order)
    io.out(
      `  the update order of job ${dv.order.job} (policy ${dv.order.policy}) diverges at checkpoint interval ${dv.order.interval}; the intervals before it reproduce\n`,
    );
  if (r.rerunError) io.out(`  the re-run failed: ${r.rerunError}\n`);
  if (r.note) io.out(`  ${r.note}\n`);
  io.out(`does not reproduce: lines 1-${r.verifiedLines} match, line ${dv.line} differs\n`);
}
