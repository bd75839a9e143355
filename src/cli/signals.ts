// Ctrl-C (and SIGTERM) for the commands that run a scenario with a journal (`chaos`,
// `replay --import`): the first signal asks the run to stop at its next step (the
// journal gets an `interrupted` footer, the partial summary is printed, exit 130); a
// second quits at once, the journal readable up to its last complete record.
import type { Journal } from "../journal/index.js";
import type { RunOutcome } from "../run/session.js";
import { exitCodeOf } from "../slo/slo.js";
import { EXIT, type Io } from "../base/io.js";

export interface SignalStop {
  /** Signals received so far. */
  readonly count: number;
  /** Stops listening (call in a finally). */
  dispose(): void;
}

export function stopOnSignals(io: Io, journal: Journal, journalPath: string | undefined): SignalStop {
  const state = {
    count: 0,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
  const onSignal = (sig: NodeJS.Signals) => {
    state.count++;
    if (state.count === 1) {
      io.err(`\n${sig}: stopping at the next step; the journal keeps every record so far (again to quit at once)\n`);
    } else {
      journal.abort("interrupted", { error: `${sig} twice` });
      io.err(`${sig}: quit; journal ${journalPath ?? "(none)"} is readable up to its last complete record\n`);
      process.exit(EXIT.interrupted);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return state;
}

/** The exit code of a run: 130 interrupted, 3 a bug in fleet, 2 a limit or bad input, else the verdicts'. */
export function exitCodeOfRun(outcome: RunOutcome): number {
  if (outcome.status === "interrupted") return EXIT.interrupted;
  if (outcome.status === "failed") return outcome.error?.startsWith("internal") ? EXIT.harness : EXIT.usage;
  return exitCodeOf(outcome.verdicts);
}
