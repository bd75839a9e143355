import { Queue } from "bullmq";
import { startLocalRedis } from "/work/main/src/distributed/redis-local-server.js";
const srv = await startLocalRedis();
const t = setTimeout(async () => { console.log("TIMEOUT"); process.exit(1); }, 6000);
const port = Number(new URL(srv.url).port);
for (const conn of [{ host: "127.0.0.1", port, maxRetriesPerRequest: null }, { host: "127.0.0.1", port, maxRetriesPerRequest: null, db: 0, connectionName: "fleet" }]) {
  const q = new Queue("q", { connection: conn, prefix: "fleet" });
  q.on("error", (e) => console.log("err", e.message));
  console.log("state", await q.getJobState("abc-1"));
  await q.addBulk([{ name: "x", data: {}, opts: { jobId: "abc-1" } }]);
  console.log("added", await q.getJobState("abc-1"));
  await q.obliterate({ force: true });
  await q.close();
}
clearTimeout(t);
await srv.stop();
