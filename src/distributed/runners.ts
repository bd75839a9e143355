// Which Runner carries out a batch of `fleet gate` / `fleet sweep`: the one place that
// decides, from the choice read off the command line (src/cli/runner-options.ts). Default: worker threads on this machine, one per core
// (capped by the number of jobs); `--jobs N`: N worker threads; `--serial`: one job after
// another in this thread (the reference every other runner must match); `--redis URL`:
// the jobs go on a BullMQ queue that `fleet worker --redis URL` processes work, on any
// machine (loaded only when asked for: bullmq and ioredis take ~0.5 s to import).
import os from "node:os";
import { serialRunner, type Runner } from "./job.js";
import { threadRunner } from "./thread-runner.js";

export interface RunnerChoice {
  /** Worker threads; undefined: one per core. */
  jobs?: number;
  serial?: boolean;
  /** A Redis URL: BullMQ workers carry the jobs out. */
  redis?: string;
  queue?: string;
  redisCa?: string;
  /** Milliseconds to wait for Redis to answer (--redis-timeout). */
  redisTimeoutMs?: number;
}

export interface ChosenRunner {
  runner: Runner;
  /** For messages: "2 worker threads", "serial". */
  label: string;
}

export async function chooseRunner(
  choice: RunnerChoice,
  jobCount: number,
  io?: { env: Record<string, string | undefined>; err(s: string): void },
): Promise<ChosenRunner> {
  if (choice.redis !== undefined) {
    const { createRedisRunner } = await import("./redis-runner.js");
    const { redactUrl } = await import("../redis/url.js");
    const runner = await createRedisRunner(choice.redis, {
      queue: choice.queue,
      caFile: choice.redisCa,
      timeoutMs: choice.redisTimeoutMs,
      env: io?.env,
      onNotice: (line) => io?.err(`${line}\n`),
    });
    return { runner, label: `fleet workers on ${redactUrl(choice.redis)} (queue ${choice.queue ?? "fleet"})` };
  }
  if (choice.serial) return { runner: serialRunner, label: "serial, in this thread" };
  const workers = Math.max(1, Math.min(choice.jobs ?? os.availableParallelism(), jobCount));
  return { runner: threadRunner({ workers }), label: `${workers} worker thread${workers === 1 ? "" : "s"}` };
}
