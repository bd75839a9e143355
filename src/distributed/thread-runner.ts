// A Runner on node:worker_threads: a pool of workers on this machine, each running one job
// at a time with runJob. The pool has as many workers as the machine has cores
// (os.availableParallelism()), or `workers`, but never more than there are jobs. A job
// goes to whichever worker is free; results are put back in job order, so a batch gives
// the same results (digests included) as serialRunner, whatever the scheduling.
//
// A worker that dies while running a job (an uncaught error, process.exit, out of memory)
// fails that job only: it comes back with status "failed" and the reason, a new worker
// takes its place, and the batch goes on. Aborting (Ctrl-C) terminates every worker and
// returns the jobs that finished.
//
// Where the worker code comes from: the worker entry is ./thread-worker.js next to this
// module. From dist/ (the CLI, benches) that is compiled JavaScript and runs as is. From
// the TypeScript sources (vitest, tsx), the entry is ./thread-worker.ts and each worker
// first registers tsx's loader (tsx is a devDependency, present wherever the sources
// run), so tests always exercise the current sources, never a stale dist/. (Node 20 does
// not apply `--import tsx` from a worker's execArgv to the worker's own entry, hence the
// small bootstrap.)
//
// The worker side of the protocol, serveJobs, sits here too: one message in ({ job }),
// one message out ({ result } or { id, error }).
import { readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type MessagePort } from "node:worker_threads";
import type { BatchProgress, JobResult, JobSpec, Runner } from "./job.js";

export interface ThreadRunnerOptions {
  /** Workers in the pool (default: os.availableParallelism()); capped by the number of jobs. */
  workers?: number;
  /** The worker entry (default: ./thread-worker.js or .ts next to this module). For tests. */
  workerUrl?: URL;
}

type ToWorker = { job: JobSpec };
type FromWorker = { result: JobResult } | { id: string; error: string };

/** The worker entry next to this module: .js from dist/, .ts from the sources. */
export function defaultWorkerUrl(): URL {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return new URL(`./thread-worker.${ext}`, import.meta.url);
}

/** Starts a worker on `url`; a .ts entry gets tsx's loader registered first. */
function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url);
  const tsxApi = tsxEsmApiUrl();
  const boot =
    `import(${JSON.stringify(tsxApi)}).then(async (api) => {` + ` (api.register ?? api.default.register)();` + ` await import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** A job that could not be carried out: status "failed" with the reason. */
/**
 * tsx's ESM API module (the "import" entry of its "./esm/api" export): require.resolve
 * would give the CommonJS entry, which cannot register the ESM loader from a worker.
 */
function tsxEsmApiUrl(): string {
  const pkgPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports["./esm/api"].import.default)).href;
}

export function failedResult(job: JobSpec, error: string): JobResult {
  return { id: job.id, status: "failed", seed: job.seed, metrics: {}, verdicts: [], traceDigest: "", digest: "", simEvents: 0, error };
}

export function threadRunner(opts: ThreadRunnerOptions = {}): Runner {
  const url = opts.workerUrl ?? defaultWorkerUrl();
  return {
    run(jobs, runOpts = {}) {
      return runPool(jobs, Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), jobs.length)), url, runOpts);
    },
  };
}

function runPool(
  jobs: readonly JobSpec[],
  size: number,
  url: URL,
  opts: { onResult?: (r: JobResult, p: BatchProgress) => void; signal?: AbortSignal },
): Promise<JobResult[]> {
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  if (jobs.length === 0 || opts.signal?.aborted) return Promise.resolve([]);
  let next = 0;
  let done = 0;
  const live = new Set<Worker>();

  return new Promise<JobResult[]>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener("abort", onAbort);
      const stopping = [...live].map((w) => w.terminate());
      live.clear();
      void Promise.allSettled(stopping).then(() => resolve(results.filter((r): r is JobResult => r !== undefined)));
    };
    const onAbort = (): void => finish();
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    const settle = (index: number, r: JobResult): void => {
      if (finished || results[index] !== undefined) return;
      results[index] = r;
      done++;
      opts.onResult?.(r, { done, total: jobs.length });
      if (done === jobs.length) finish();
    };

    const spawn = (): void => {
      const worker = startWorker(url);
      live.add(worker);
      let current = -1;
      const give = (): void => {
        if (finished) return;
        if (next >= jobs.length) {
          current = -1;
          live.delete(worker);
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ job: jobs[current] } satisfies ToWorker);
      };
      worker.on("message", (msg: FromWorker) => {
        if (current < 0) return;
        const job = jobs[current];
        settle(current, "result" in msg ? msg.result : failedResult(job, `internal error in the worker: ${msg.error}`));
        give();
      });
      // A worker that dies fails the job it held; a fresh worker carries on with the rest.
      let died = false;
      const die = (why: string): void => {
        if (died || finished) return;
        died = true;
        live.delete(worker);
        void worker.terminate();
        if (current >= 0) settle(current, failedResult(jobs[current], `worker thread died while running job ${jobs[current].id}: ${why}`));
        current = -1;
        if (!finished && next < jobs.length) spawn();
      };
      worker.on("error", (e: Error) => die(e.message.split("\n")[0]));
      worker.on("exit", (code) => {
        if (current >= 0) die(`it exited with code ${code}`);
      });
      give();
    };

    for (let i = 0; i < size; i++) spawn();
  });
}

/** The worker side: runs each job it is sent with `runOne` and posts the result back. */
export function serveJobs(port: MessagePort, runOne: (job: JobSpec) => Promise<JobResult>): void {
  port.on("message", (msg: ToWorker) => {
    runOne(msg.job).then(
      (result) => port.postMessage({ result } satisfies FromWorker),
      (e: unknown) => port.postMessage({ id: msg.job.id, error: e instanceof Error ? e.message : String(e) } satisfies FromWorker),
    );
  });
}
