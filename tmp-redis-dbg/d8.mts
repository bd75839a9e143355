import { startLocalRedis } from "/work/main/src/distributed/redis-local-server.js";
import { run } from "/work/main/src/cli/main.js";
const d = "/tmp/smoke/tls";
const srv = await startLocalRedis({ tls: { certFile: `${d}/server.crt`, keyFile: `${d}/server.key`, caFile: `${d}/ca.crt` } });
const seen = new Map<string, number>();
for (let i = 0; i < 30; i++) {
  let err = "";
  const io = { out: () => {}, err: (t: string) => void (err += t), isTTY: false, env: {}, cwd: process.cwd() };
  await run(["worker", "--redis", srv.url.replace("rediss", "redis"), "--once"], io);
  seen.set(err, (seen.get(err) ?? 0) + 1);
}
console.log(seen);
await srv.stop();
