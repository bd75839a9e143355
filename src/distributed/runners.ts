// Which Runner carries out a batch of `fleet gate` / `fleet sweep`: the one place that
// decides, from the command line. Default: worker threads on this machine, one per core
// (capped by the number of jobs); `--jobs N`: N worker threads; `--serial`: one job after
// another in this thread (the reference every other runner must match); `--redis URL`:
// the jobs go on a BullMQ queue that `fleet worker --redis URL` processes work, on any
// machine (loaded only when asked for: bullmq and ioredis take ~0.5 s to import).
import os from "node:os";
import { flag, int, str, type OptionSpec, type Parsed } from "../cli/args.js";
import { UsageError } from "../base/errors.js";
import { serialRunner, type Runner } from "./job.js";
import { threadRunner } from "./thread-runner.js";

/** The command-line options that choose a runner; commands spread them into their own. */
export const runnerOptions: OptionSpec = {
  jobs: { type: "string", short: "j" },
  serial: { type: "boolean" },
  redis: { type: "string" },
  queue: { type: "string" },
  "redis-ca": { type: "string" },
};

/** Usage lines for runnerOptions, in the style of the commands' usage texts. */
export const runnerUsage = `  -j, --jobs N          run on N worker threads (default: one per core, ${os.availableParallelism()} here)
  --serial              run one job after another in this thread (same results, slower)
  --redis URL           put the jobs on a BullMQ queue in Redis for \`fleet worker --redis URL\`
                        processes on any machine (redis://[:password@]host:port[/db], rediss:// for
                        TLS); finished results stay in Redis, so a restarted command resumes
  --queue NAME          the queue's name, shared with the workers (default fleet)
  --redis-ca FILE       CA certificate for rediss:// (or FLEET_REDIS_CA)`;

export interface RunnerChoice {
  /** Worker threads; undefined: one per core. */
  jobs?: number;
  serial?: boolean;
  /** A Redis URL: BullMQ workers carry the jobs out. */
  redis?: string;
  queue?: string;
  redisCa?: string;
}

/** Reads runnerOptions from parsed arguments; UsageError (exit 2) on a bad combination. */
export function readRunnerChoice(p: Parsed): RunnerChoice {
  const jobs = int(p, "jobs", { min: 1, max: 1024 });
  const serial = flag(p, "serial");
  if (serial && jobs !== undefined) throw new UsageError("--serial and --jobs contradict each other; give one");
  const redis = str(p, "redis");
  if (redis !== undefined && (serial || jobs !== undefined)) throw new UsageError("--redis runs the jobs on fleet workers; it does not go with --serial or --jobs");
  const queue = str(p, "queue");
  const redisCa = str(p, "redis-ca");
  if (redis === undefined && (queue !== undefined || redisCa !== undefined)) throw new UsageError(`--${queue !== undefined ? "queue" : "redis-ca"} needs --redis URL`);
  return { jobs, serial, redis, queue, redisCa };
}

export interface ChosenRunner {
  runner: Runner;
  /** For messages: "2 worker threads", "serial". */
  label: string;
}

export async function chooseRunner(choice: RunnerChoice, jobCount: number, io?: { env: Record<string, string | undefined>; err(s: string): void }): Promise<ChosenRunner> {
  if (choice.redis !== undefined) {
    const { createRedisRunner } = await import("./redis-runner.js");
    const { redactUrl } = await import("./redis-url.js");
    const runner = await createRedisRunner(choice.redis, {
      queue: choice.queue,
      caFile: choice.redisCa,
      env: io?.env,
      onNotice: (line) => io?.err(`${line}\n`),
    });
    return { runner, label: `fleet workers on ${redactUrl(choice.redis)} (queue ${choice.queue ?? "fleet"})` };
  }
  if (choice.serial) return { runner: serialRunner, label: "serial, in this thread" };
  const workers = Math.max(1, Math.min(choice.jobs ?? os.availableParallelism(), jobCount));
  return { runner: threadRunner({ workers }), label: `${workers} worker thread${workers === 1 ? "" : "s"}` };
}
