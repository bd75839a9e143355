// Redis with a password and over TLS, on real redis-servers: the coordinator, a worker and
// a journal work with `redis://:password@` and with `rediss://` plus a private CA; a wrong
// or missing password and a missing CA fail at once with one line that says what to fix,
// and the password appears in nothing fleet prints.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { serialRunner, type JobSpec } from "../src/distributed/job.js";
import { createRedisRunner } from "../src/distributed/redis-runner.js";
import { startRedisWorker } from "../src/distributed/redis-worker.js";
import { openRedisJournal, readRedisJournal } from "../src/journal/redis.js";
import { RedisConnectError } from "../src/redis/url.js";
import { parseJournal } from "../src/journal/index.js";
import { describeRedis, useRedis } from "./redis-server.js";
import { fleet } from "./helpers.js";

const SMALL = "test/fixtures/small.yaml";
const text = readFileSync(SMALL, "utf8");
const JOBS: JobSpec[] = [21, 22].map((seed) => ({ id: `s${seed}`, file: SMALL, text, seed, durationSec: 30 * 86400 }));

/** A coordinator and an in-process worker on `url` work JOBS; the results equal the serial runner's. */
async function roundTrip(url: string, queue: string, caFile?: string): Promise<void> {
  const worker = await startRedisWorker(url, { queue, caFile });
  const runner = await createRedisRunner(url, { queue, caFile });
  try {
    expect(await runner.run(JOBS)).toEqual(await serialRunner.run(JOBS));
  } finally {
    await runner.close();
    await worker.close();
  }
}

describeRedis("Redis with a password", () => {
  const PASSWORD = "pw/Zq8#x@7";
  const server = useRedis({ password: PASSWORD });
  const encoded = encodeURIComponent(PASSWORD);
  const WRONG = "not-the-pw-4096";

  it("works with the password in the URL (percent-encoded) for the coordinator, a worker and a journal", async () => {
    expect(server.url).toContain(`:${encoded}@`);
    await roundTrip(server.url, "pw");
    const r = await fleet(["chaos", SMALL, "--duration", "5d", "--journal", `${server.url}/runs/pw`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`journal: redis://:***@127.0.0.1:${server.port}/runs/pw (complete)`);
    expect(r.out + r.err).not.toContain(encoded);
    expect(parseJournal(await readRedisJournal(`${server.url}/runs/pw`)).ok).toBe(true);
  });

  it("a wrong password: exit 2, one line saying so, and neither password anywhere in the output", async () => {
    const bad = server.url.replace(encoded, WRONG);
    const w = await fleet(["worker", "--redis", bad, "--once"]);
    expect(w.code).toBe(2);
    expect(w.out).toBe("");
    expect(w.err).toMatch(
      new RegExp(
        `^fleet worker: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${server.port} refused the user name or password in the URL \\(WRONGPASS [^\\n]*\\)\\n$`,
      ),
    );
    const c = await fleet(["chaos", SMALL, "--duration", "5d", "--journal", `${bad}/runs/x`]);
    expect(c.code).toBe(2);
    expect(c.err).toContain("refused the user name or password in the URL");
    for (const output of [w.out, w.err, c.out, c.err]) {
      expect(output).not.toContain(WRONG);
      expect(output).not.toContain(encoded);
    }
    const e = await createRedisRunner(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RedisConnectError);
    expect((e as Error).message).not.toContain(WRONG);
  });

  it("no password: says the server needs one and where it goes", async () => {
    const w = await fleet(["worker", "--redis", `redis://127.0.0.1:${server.port}`, "--once"]);
    expect(w.code).toBe(2);
    expect(w.err).toContain("needs a password: put it in the URL, redis://:PASSWORD@host:port");
  });
});

describeRedis("Redis over TLS (rediss://) with a private CA", () => {
  const server = useRedis({ tls: true });

  it("works with the CA given as --redis-ca / caFile, and FLEET_REDIS_CA for journals", async () => {
    expect(server.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    await roundTrip(server.url, "tls", server.caFile);
    const journal = await openRedisJournal(`${server.url}/runs/tls`, { env: { FLEET_REDIS_CA: server.caFile } });
    journal.writeHeader({ fleetVersion: "test", scenario: "s", scenarioText: "name: s\n", seed: 1 });
    journal.record("fault", 1, { n: 1 });
    journal.close({ at: 2, metrics: {}, verdicts: [] });
    await journal.settled();
    const back = parseJournal(await readRedisJournal(`${server.url}/runs/tls`, { env: { FLEET_REDIS_CA: server.caFile } }));
    expect(back.ok).toBe(true);
    expect(back.records).toHaveLength(1);
  });

  it("without the CA the certificate is refused, with a hint; plain redis:// to the TLS port fails too", async () => {
    const w = await fleet(["worker", "--redis", server.url, "--once"]);
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/TLS problem: .*certificate.*; for a private CA pass --redis-ca FILE or set FLEET_REDIS_CA\n$/);
    const plain = await fleet(["worker", "--redis", server.url.replace("rediss://", "redis://"), "--once"]);
    expect(plain.code).toBe(2);
    expect(plain.err).toBe(
      `fleet worker: cannot connect to Redis at redis://127.0.0.1:${server.port}: the server reset the connection (if it speaks TLS, use rediss://)\n`,
    );
    const missing = await fleet(["worker", "--redis", server.url, "--redis-ca", "/no/such/ca.pem", "--once"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe("fleet worker: --redis-ca /no/such/ca.pem: no such file\n");
  });
});
