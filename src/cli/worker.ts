// `fleet worker --redis URL`: works the jobs of distributed gates and sweeps from a BullMQ
// queue on a shared Redis (src/distributed/redis-worker.ts). Prints a line when it starts
// and one per job; stops on --once / --idle-exit, or Ctrl-C (finish the running jobs; a
// second Ctrl-C hands them back to the queue and quits at once).
import { durationMsOption, flag, int, parse, str, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatDuration } from "../base/units.js";
import { readRedisTimeout, redisTimeoutDefault, redisTimeoutOption } from "./redis-timeout.js";

export const workerUsage = `fleet worker --redis URL [options]

Joins distributed gates and sweeps: takes jobs from a BullMQ queue on a shared
Redis, runs each (every policy of one scenario under one seed; the job carries
the scenario, so no files are shared) and stores its result in Redis. Start
workers on any number of machines, then the coordinator, e.g.
  fleet gate scenarios/*.yaml --seeds 200 --redis URL
Prints one line when it starts (queue, URL without password, concurrency) and
one per job (batch/job id, seed, status, wall time).

Options:
  --redis URL           redis://[user:password@]host[:port][/db], or rediss://
                        for TLS; default: the FLEET_REDIS_URL environment
                        variable (keeps the password out of the process list and
                        the shell history)
  --redis-ca FILE       a private CA (PEM) to trust for rediss://
                        (or FLEET_REDIS_CA)
  --redis-timeout D     how long Redis has to answer at the start
                        (default ${redisTimeoutDefault}); then the worker exits 2. Once started,
                        it waits out an outage of any length, saying so, and
                        stores its results when Redis is back
  --queue NAME          the queue to work
                        (default fleet; the coordinator's --queue)
  --concurrency N       jobs at once, each on its own thread (default 1)
  --once                exit when the queue has no job waiting or running
  --idle-exit SECONDS   exit after SECONDS without a job
  --lock-duration D     a running job's lock lasts D unless renewed; a worker
                        that dies loses its job to another worker after D
                        (default 30s)
  --stalled-interval D  how often to look for jobs of dead workers (default 30s)
  --max-stalled N       times a job may be taken back from a dead worker before
                        it is failed (default 2)

A password is never printed: URLs are shown as redis://:***@host:port.
Ctrl-C finishes the running jobs and exits; a second Ctrl-C puts them back in
the queue for other workers and exits at once. A worker killed outright
(kill -9, a lost machine) has its job run again by another worker once the lock
expires; the result counts once.

Exit codes: 0 stopped by --once or --idle-exit, 2 bad option, or Redis
unreachable, not answering within --redis-timeout, or refusing the password,
3 fleet failed, 130 stopped by Ctrl-C.

Examples:
  fleet worker --redis redis://10.0.0.5:6379
  FLEET_REDIS_URL=rediss://:PASSWORD@redis.example:6380 \\
    fleet worker --concurrency 8
  fleet worker --redis rediss://redis.internal:6380 --redis-ca ca.pem --once`;

const options: OptionSpec = {
  redis: { type: "string" },
  "redis-ca": { type: "string" },
  queue: { type: "string" },
  concurrency: { type: "string" },
  once: { type: "boolean" },
  "idle-exit": { type: "string" },
  "lock-duration": { type: "string" },
  "stalled-interval": { type: "string" },
  "max-stalled": { type: "string" },
  ...redisTimeoutOption,
};

export async function workerCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("worker", argv, options);
  if (p.positionals.length > 0) throw new UsageError(`worker takes no arguments, found ${JSON.stringify(p.positionals[0])}`);
  const url = str(p, "redis") ?? io.env.FLEET_REDIS_URL;
  if (!url) throw new UsageError("worker needs --redis URL (or the FLEET_REDIS_URL environment variable), e.g. --redis redis://127.0.0.1:6379");
  const concurrency = int(p, "concurrency", { min: 1, max: 1024 }) ?? 1;
  const once = flag(p, "once");
  const idleExitMs = durationMsOption(p, "idle-exit", 0);
  if (once && idleExitMs !== undefined) throw new UsageError("--once and --idle-exit contradict each other; choose one");
  const lockDurationMs = durationMsOption(p, "lock-duration", 0.5);
  const stalledIntervalMs = durationMsOption(p, "stalled-interval", 0.1);
  const maxStalledCount = int(p, "max-stalled", { min: 0, max: 1000 });
  const timeoutMs = readRedisTimeout(p);

  // Loaded here, not at the top: BullMQ and the Redis client take ~0.4 s to import.
  const { startRedisWorker } = await import("../distributed/redis-worker.js");
  const { checkQueueName } = await import("../distributed/redis-batch.js");
  const queue = str(p, "queue");
  if (queue !== undefined && checkQueueName(queue)) throw new UsageError(`--queue: ${checkQueueName(queue)}`);

  let handle: Awaited<ReturnType<typeof startRedisWorker>>;
  try {
    handle = await startRedisWorker(url, {
      queue,
      concurrency,
      lockDurationMs,
      stalledIntervalMs,
      maxStalledCount,
      caFile: str(p, "redis-ca"),
      timeoutMs,
      env: io.env,
      onJob: (j) => {
        const tail = j.status === "skipped" ? " (the batch had its result already)" : j.stored ? "" : " (another run had stored it first; counted once)";
        io.out(`job ${j.batch.slice(0, 8)}/${j.id} seed=${j.seed} ${j.status} ${j.wallSec.toFixed(2)}s${tail}\n`);
      },
      onNotice: (line) => io.err(`fleet worker: ${line}\n`),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`fleet worker: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const s = handle.settings;
  io.out(
    `fleet worker ${handle.name}: queue "${handle.queue}" on ${handle.display}, concurrency ${handle.concurrency}` +
      ` (lock ${formatDuration(s.lockDurationMs / 1000)}, stalled check every ${formatDuration(s.stalledIntervalMs / 1000)}, max stalled ${s.maxStalledCount})` +
      `${once ? ", until the queue is empty" : idleExitMs !== undefined ? `, until idle for ${formatDuration(idleExitMs / 1000)}` : ""}\n`,
  );

  return await new Promise<number>((resolve) => {
    let stopping = false;
    let signals = 0;
    const stop = (code: number, why: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      io.err(`fleet worker: ${why}\n`);
      void handle.close().then(
        () => finish(code),
        (e: Error) => {
          io.err(`fleet worker: closing failed: ${e.message}\n`);
          finish(EXIT.harness);
        },
      );
    };
    const finish = (code: number) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      io.out(`fleet worker ${handle.name}: stopped after ${handle.finished()} job${handle.finished() === 1 ? "" : "s"}\n`);
      resolve(code);
    };
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        const n = handle.active();
        stop(
          EXIT.interrupted,
          `${sig}: ${n > 0 ? `finishing ${n} running job${n === 1 ? "" : "s"}, then stopping` : "stopping"} (again to hand them back and quit at once)`,
        );
      } else {
        io.err(`fleet worker: ${sig} again: handing the running jobs back to the queue and quitting\n`);
        void handle.release().finally(() => process.exit(EXIT.interrupted));
      }
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let checking = false;
    const timer = setInterval(() => {
      if (stopping || checking || handle.active() > 0) return;
      const idleMs = performance.now() - handle.lastActivityMs();
      if (idleExitMs !== undefined && idleMs >= idleExitMs) {
        stop(EXIT.ok, `idle for ${formatDuration(idleMs / 1000)}, stopping`);
      } else if (once) {
        checking = true;
        handle
          .queueBacklog()
          .then((n) => {
            if (n === 0 && handle.active() === 0) stop(EXIT.ok, "the queue is empty, stopping");
          })
          .catch(() => undefined)
          .finally(() => (checking = false));
      }
    }, 200);
  });
}
