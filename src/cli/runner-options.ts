// The command-line options that choose where `fleet gate` and `fleet sweep` run their
// jobs (src/distributed/runners.ts carries the choice out).
import os from "node:os";
import { UsageError } from "../base/errors.js";
import type { RunnerChoice } from "../distributed/runners.js";
import { flag, int, type OptionSpec, type Parsed, str } from "./args.js";
import { readRedisTimeout, redisTimeoutDefault, redisTimeoutOption } from "./redis-timeout.js";

/** The command-line options that choose a runner; commands spread them into their own. */
export const runnerOptions: OptionSpec = {
  jobs: { type: "string", short: "j" },
  serial: { type: "boolean" },
  redis: { type: "string" },
  queue: { type: "string" },
  "redis-ca": { type: "string" },
  ...redisTimeoutOption,
};

/** Usage lines for runnerOptions, in the style of the commands' usage texts. */
export const runnerUsage = `  -j, --jobs N        run on N worker threads (default: one per core, ${os.availableParallelism()} here)
  --serial            run one job after another in this thread
                      (same results, slower)
  --redis URL         put the jobs on a BullMQ queue in Redis for
                      \`fleet worker --redis URL\` processes on any machine
                      (redis://[:password@]host:port[/db], rediss:// for TLS);
                      finished results stay in Redis, so a restarted command
                      resumes
  --queue NAME        the queue's name, shared with the workers (default fleet)
  --redis-ca FILE     CA certificate for rediss:// (or FLEET_REDIS_CA)
  --redis-timeout D   how long Redis has to answer (connecting, each command, a
                      lost Redis coming back) before the command stops with
                      exit 2 (default ${redisTimeoutDefault}); the results in so far stay in
                      Redis for a rerun to resume`;

/** Reads runnerOptions from parsed arguments; UsageError (exit 2) on a bad combination. */
export function readRunnerChoice(p: Parsed): RunnerChoice {
  const jobs = int(p, "jobs", { min: 1, max: 1024 });
  const serial = flag(p, "serial");
  if (serial && jobs !== undefined) throw new UsageError("--serial and --jobs contradict each other; give one");
  const redis = str(p, "redis");
  if (redis !== undefined && (serial || jobs !== undefined))
    throw new UsageError("--redis runs the jobs on fleet workers; it does not go with --serial or --jobs");
  const queue = str(p, "queue");
  const redisCa = str(p, "redis-ca");
  const redisTimeoutMs = readRedisTimeout(p);
  const given = (["queue", "redis-ca", "redis-timeout"] as const).find((name) => p.values[name] !== undefined);
  if (redis === undefined && given !== undefined) throw new UsageError(`--${given} needs --redis URL`);
  return { jobs, serial, redis, queue, redisCa, redisTimeoutMs };
}
