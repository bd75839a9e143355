// The entry of a thread-runner worker (see ./thread-runner.ts): runs each job it is sent
// with runJob, in this worker thread, and posts the JobResult back. A worker lives for one
// batch, and so does its ScenarioCache: the batch's scenarios are loaded once per worker.
import { parentPort } from "node:worker_threads";
import { runJob } from "./job.js";
import { ScenarioCache } from "./scenario-cache.js";
import { serveJobs } from "./thread-runner.js";

if (!parentPort) throw new Error("thread-worker.js is a worker_threads entry; the thread runner starts it");
const scenarios = new ScenarioCache();
serveJobs(parentPort, (job) => runJob(job, { scenarios }));
