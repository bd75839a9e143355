// How far a journal can be trusted, from what the reader (src/journal/reader.ts) found.
//
// - intact: every line's CRC holds, every record is in its place, the footer's digest
//   matches the records.
// - truncated: intact as far as it goes, but it stops early: no footer (a crash, a kill,
//   a run still going) and possibly a partial last line cut mid-write. What it has can be
//   verified: it is a prefix of the run.
// - edited: every line's CRC holds, but the records no longer match the footer's digest:
//   someone changed a record and recomputed its CRC (or changed the digest). Only a
//   re-run can say which line: this is not damage the file itself shows.
// - damaged: a line fails its CRC, is not JSON, is out of place, or the header does not
//   hold together. The file says where; the journal cannot be trusted from that line.
import type { JournalIssue, JournalSummary } from "../journal/index.js";

export type Trust = "intact" | "truncated" | "edited" | "damaged";

export interface Assessment {
  trust: Trust;
  /** The issues that make a journal damaged (empty unless damaged), in line order. */
  damage: JournalIssue[];
  /** What ends a truncated journal early, for the note printed before verifying it. */
  truncation?: string;
}

const NO_FOOTER = /^no footer: /;
const PARTIAL = /^partial last line /;
const DIGEST = /^digest mismatch /;

export function assess(read: JournalSummary): Assessment {
  const damage: JournalIssue[] = [];
  let noFooter = false;
  let partial: JournalIssue | undefined;
  let digest = false;
  for (const issue of read.issues) {
    if (NO_FOOTER.test(issue.reason)) noFooter = true;
    else if (PARTIAL.test(issue.reason) && issue.line === read.lines) partial = issue;
    else if (DIGEST.test(issue.reason)) digest = true;
    else damage.push(issue);
  }
  if (!read.header && damage.length === 0) damage.push({ line: 1, reason: "no header" });
  if (damage.length) return { trust: "damaged", damage };
  if (partial || noFooter) {
    const why = partial ? `its last line (${partial.line}) was cut mid-write and it has no footer` : "it has no footer";
    return { trust: "truncated", damage, truncation: `${why}: the run was interrupted, killed or is still running` };
  }
  if (digest) return { trust: "edited", damage };
  return { trust: "intact", damage };
}
