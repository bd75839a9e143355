// A Redis endpoint that accepts the connection and never answers (a plain TCP server on the
// loopback interface, no Redis at all): every command that talks to Redis gives up after
// --redis-timeout with exit 2 and one line naming the URL (password masked) and the timeout,
// instead of hanging. No redis-server is needed. vitest's timeout bounds each wait.
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleet, tempDir } from "./helpers.js";

let server: Server;
const sockets = new Set<Socket>();
let url: string;

beforeAll(async () => {
  server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("the silent server has no port");
  url = `redis://:s3cret-pw@127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The command ended with exit 2 and one clear line about the silent URL and the 1s timeout. */
function expectGaveUp(r: { code: number; err: string }): void {
  expect(r.code).toBe(2);
  expect(r.err).toContain(`no answer within 1s (--redis-timeout)`);
  expect(r.err).toContain(url.replace("s3cret-pw", "***"));
  expect(r.err).not.toContain("s3cret-pw");
  expect(r.err).not.toMatch(/\n\s+at /);
}

describe("a Redis endpoint that never answers", () => {
  it("fleet worker exits 2 after --redis-timeout", async () => {
    expectGaveUp(await fleet(["worker", "--redis", url, "--redis-timeout", "1s"]));
  });

  it("fleet gate --redis exits 2 after --redis-timeout", async () => {
    expectGaveUp(await fleet(["gate", "test/fixtures/gate-small.yaml", "--seeds", "2", "--redis", url, "--redis-timeout", "1s"]));
  });

  it("fleet sweep --redis exits 2 after --redis-timeout", async () => {
    expectGaveUp(
      await fleet(["sweep", "test/fixtures/gate-small.yaml", "--set", "policies.naive.checkpoint=10m..1h:2", "--redis", url, "--redis-timeout", "1s"]),
    );
  });

  it("fleet explain --redis exits 2 after --redis-timeout", async () => {
    expectGaveUp(await fleet(["explain", "test/fixtures/gate-small.yaml", "--redis", url, "--redis-timeout", "1s"]));
  });

  it("fleet chaos --journal redis:// exits 2 after --redis-timeout, before the run starts", async () => {
    const r = await fleet(["chaos", "test/fixtures/gate-small.yaml", "--journal", `${url}/runs/x`, "--redis-timeout", "1s"]);
    expectGaveUp(r);
    expect(r.out).toBe("");
  });

  it("fleet replay of a redis:// journal exits 2 after --redis-timeout", async () => {
    expectGaveUp(await fleet(["replay", `${url}/runs/x`, "--redis-timeout", "1s"]));
  });
});

describe("--redis-timeout", () => {
  it("is refused where no Redis is used, and when it is not a duration", async () => {
    const dir = tempDir("fleet-redis-timeout-");
    const noRedis = await fleet(["gate", "test/fixtures/gate-small.yaml", "--seeds", "1", "--serial", "--redis-timeout", "1s"]);
    expect(noRedis.code).toBe(2);
    expect(noRedis.err).toContain("--redis-timeout needs --redis URL");
    const fileJournal = await fleet(["chaos", "test/fixtures/gate-small.yaml", "--journal", join(dir, "j.jsonl"), "--redis-timeout", "1s"]);
    expect(fileJournal.code).toBe(2);
    expect(fileJournal.err).toContain("--redis-timeout goes with a redis:// journal");
    const bad = await fleet(["worker", "--redis", url, "--redis-timeout", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--redis-timeout: expected a duration like 250ms, 90s");
  });
});
