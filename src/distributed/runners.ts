// Which Runner carries out a batch of `fleet gate` / `fleet sweep`: the one place that
// decides, from the command line. Default: worker threads on this machine, one per core
// (capped by the number of jobs); `--jobs N`: N worker threads; `--serial`: one job after
// another in this thread (the reference every other runner must match). New runners
// (e.g. `--redis URL`) add an option to runnerOptions, a field to RunnerChoice and a branch
// to chooseRunner; the commands need no change.
import os from "node:os";
import { flag, int, type OptionSpec, type Parsed, UsageError } from "../cli/args.js";
import { serialRunner, type Runner } from "./job.js";
import { threadRunner } from "./thread-runner.js";

/** The command-line options that choose a runner; commands spread them into their own. */
export const runnerOptions: OptionSpec = {
  jobs: { type: "string", short: "j" },
  serial: { type: "boolean" },
};

/** Usage lines for runnerOptions, in the style of the commands' usage texts. */
export const runnerUsage = `  -j, --jobs N          run on N worker threads (default: one per core, ${os.availableParallelism()} here)
  --serial              run one job after another in this thread (same results, slower)`;

export interface RunnerChoice {
  /** Worker threads; undefined: one per core. */
  jobs?: number;
  serial?: boolean;
}

/** Reads runnerOptions from parsed arguments; UsageError (exit 2) on a bad combination. */
export function readRunnerChoice(p: Parsed): RunnerChoice {
  const jobs = int(p, "jobs", { min: 1, max: 1024 });
  const serial = flag(p, "serial");
  if (serial && jobs !== undefined) throw new UsageError("--serial and --jobs contradict each other; give one");
  return { jobs, serial };
}

export interface ChosenRunner {
  runner: Runner;
  /** For messages: "2 worker threads", "serial". */
  label: string;
}

export function chooseRunner(choice: RunnerChoice, jobCount: number): ChosenRunner {
  if (choice.serial) return { runner: serialRunner, label: "serial, in this thread" };
  const workers = Math.max(1, Math.min(choice.jobs ?? os.availableParallelism(), jobCount));
  return { runner: threadRunner({ workers }), label: `${workers} worker thread${workers === 1 ? "" : "s"}` };
}
