// Runs a batch of jobs for a command (gate, sweep) on the chosen Runner, with a progress
// bar on stderr and Ctrl-C handling: the first Ctrl-C (or SIGTERM) aborts the batch, and
// the command writes what finished, marked partial; a second one quits at once.
import type { Io } from "../base/io.js";
import type { JobResult, JobSpec, Runner } from "../distributed/job.js";
import { Progress } from "./progress.js";

export interface BatchOutcome {
  results: JobResult[];
  interrupted: boolean;
}

/** Whether the command's stderr is a terminal (for the progress bar). */
export function stderrIsTTY(io: Io): boolean {
  return io.errIsTTY ?? io.isTTY;
}

export async function runBatch(opts: { runner: Runner; jobs: readonly JobSpec[]; io: Io; label: string }): Promise<BatchOutcome> {
  const { runner, jobs, io, label } = opts;
  const ctl = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      io.err(`\n${sig}: stopping; the runs that finished are written, marked partial (again to quit at once, writing nothing)\n`);
      ctl.abort();
    } else {
      io.err(`${sig}: quit\n`);
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const progress = new Progress({ total: jobs.length, write: io.err, tty: stderrIsTTY(io), label });
  try {
    const results = await runner.run(jobs, { signal: ctl.signal, onResult: (_r, p) => progress.update(p.done) });
    const interrupted = ctl.signal.aborted || results.some((r) => r.status === "interrupted");
    return { results, interrupted };
  } finally {
    progress.end();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await runner.close?.();
  }
}
