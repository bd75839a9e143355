// Worker threads for `fleet worker --concurrency N` (N > 1): N persistent threads, each
// running one job at a time with runJob, so N jobs use N cores. (With N = 1 the worker runs
// jobs in its own thread and needs none of this.) A thread that dies fails only the job it
// held, and is replaced for the next one. The same file is the threads' entry point, so it
// runs only from the compiled dist/ (a thread cannot load TypeScript).
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { runJob, type JobResult, type JobSpec } from "./job.js";

const ROLE = "fleet.redis-job-thread";

interface Task {
  spec: JobSpec;
  resolve(r: JobResult): void;
  reject(e: Error): void;
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  const port = parentPort!;
  port.on("message", (spec: JobSpec) => {
    runJob(spec).then(
      (result) => port.postMessage({ result }),
      (e: Error) => port.postMessage({ error: e.stack ?? String(e) }),
    );
  });
}

export class JobThreads {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly waiting: Task[] = [];
  private threads = 0;
  private closed = false;

  constructor(readonly size: number) {}

  run(spec: JobSpec): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error("job threads are closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ spec, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    for (const t of this.waiting.splice(0)) t.reject(new Error("job threads closed"));
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let w = this.idle.pop();
      if (!w && this.threads < this.size) w = this.spawn();
      if (!w) return;
      const task = this.waiting.shift()!;
      this.busy.set(w, task);
      w.postMessage(task.spec);
    }
  }

  private spawn(): Worker {
    const w = new Worker(new URL(import.meta.url), { workerData: { role: ROLE } });
    this.threads++;
    w.on("message", (m: { result?: JobResult; error?: string }) => {
      const task = this.busy.get(w);
      this.busy.delete(w);
      if (!this.closed) this.idle.push(w);
      if (task) {
        if (m.result) task.resolve(m.result);
        else task.reject(new Error(m.error ?? "job thread sent no result"));
      }
      this.dispatch();
    });
    const lost = (why: string) => {
      this.threads--;
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      const task = this.busy.get(w);
      this.busy.delete(w);
      task?.reject(new Error(`job thread ${why}`));
      if (!this.closed) this.dispatch();
    };
    w.on("error", (e) => lost(`failed: ${e.message}`));
    w.on("exit", (code) => {
      if (this.busy.has(w) || this.idle.includes(w)) lost(`exited with code ${code}`);
    });
    return w;
  }
}
