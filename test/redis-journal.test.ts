// Journals in a Redis stream, on a real redis-server: `fleet chaos --journal
// redis://host:port/key` leaves a stream that reads back as the same journal a file run
// writes (every line equal but the wall-clock fields, the same digest); an existing
// journal is not overwritten without --force; lines sent in many pipelined batches keep
// their order.
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MemoryJournal, parseJournal, readJournal } from "../src/journal/index.js";
import { copyRedisJournal, openRedisJournal, readRedisJournal } from "../src/journal/redis.js";
import { describeRedis, useRedis } from "./redis-server.js";
import { fleet, tempDir, withoutWall, withoutProgress } from "./helpers.js";

const SMALL = "test/fixtures/small.yaml";

describeRedis("journals in a Redis stream", () => {
  const server = useRedis();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server.url);
  });
  afterAll(() => redis?.disconnect());

  it("fleet chaos --journal redis://host:port/key writes the journal a file run writes: same lines but wall-clock, same digest", async () => {
    const file = join(tempDir(), "small-7.jsonl");
    const url = `${server.url}/runs/small-7`;
    const toFile = await fleet(["chaos", SMALL, "--seed", "7", "--duration", "20d", "--journal", file]);
    const toRedis = await fleet(["chaos", SMALL, "--seed", "7", "--duration", "20d", "--journal", url]);
    expect(withoutProgress(toRedis.err)).toBe("");
    expect(toRedis.code).toBe(toFile.code);
    expect(toRedis.out).toContain(`journal: ${url} (complete)`);

    const fromRedis = await readRedisJournal(url);
    const fromFile = readFileSync(file, "utf8");
    expect(withoutWall(fromRedis)).toEqual(withoutWall(fromFile));
    expect(fromRedis.split("\n").length).toBeGreaterThan(5);
    const parsed = parseJournal(fromRedis);
    expect(parsed.ok).toBe(true);
    expect(parsed.footer?.digest).toBe(readJournal(file).footer?.digest);
    expect(toRedis.out).toContain(`digest: ${parsed.footer?.digest}`);

    // and fleet replay reads it from the stream: the recorded run reproduces
    const verified = await fleet(["replay", url, "--verify"]);
    expect(verified.err).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.out).toContain(`digest ${parsed.footer?.digest} matches`);
    const missing = await fleet(["replay", `${server.url}/no/such/journal`, "--verify"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("the key does not exist");
  });

  it("refuses to overwrite a journal stream without --force, and --force replaces it", async () => {
    const url = `${server.url}/runs/twice`;
    expect((await fleet(["chaos", SMALL, "--seed", "3", "--duration", "5d", "--journal", url])).code).toBe(0);
    const lines = await redis.xlen("runs/twice");

    const again = await fleet(["chaos", SMALL, "--seed", "4", "--duration", "5d", "--journal", url]);
    expect(again.code).toBe(2);
    expect(again.err).toBe(`fleet chaos: journal ${url} already exists; pass --force to overwrite or --journal to choose another path\n`);
    expect(await redis.xlen("runs/twice")).toBe(lines);

    const forced = await fleet(["chaos", SMALL, "--seed", "4", "--duration", "5d", "--journal", url, "--force"]);
    expect(forced.code).toBe(0);
    const j = parseJournal(await readRedisJournal(url));
    expect(j.ok).toBe(true);
    expect(j.header?.seed).toBe(4);
  });

  it("refuses a key that holds something else than a stream, even with --force, and says when no journal is there", async () => {
    await redis.set("not-a-stream", "x");
    const r = await fleet(["chaos", SMALL, "--duration", "5d", "--journal", `${server.url}/not-a-stream`, "--force"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("the key holds a Redis string, not a journal stream; choose another key");
    expect(await redis.get("not-a-stream")).toBe("x");
    await expect(readRedisJournal(`${server.url}/no/such/key`)).rejects.toThrow(`no journal at ${server.url}/no/such/key: the key does not exist`);
    await expect(readRedisJournal(`${server.url}/not-a-stream`)).rejects.toThrow("the key holds a Redis string, not a stream");
  });

  it("keeps the order of lines sent in many pipelined batches, read back in many chunks", async () => {
    const clock = () => new Date(Date.UTC(2026, 0, 1));
    const mem = new MemoryJournal({ clock });
    const red = await openRedisJournal(`${server.url}/runs/batches`, { clock, batchLines: 7 });
    for (const j of [mem, red]) {
      j.writeHeader({ fleetVersion: "test", scenario: "s", scenarioText: "name: s\n", seed: 1 });
      for (let i = 0; i < 250; i++) j.record("fault", i, { n: i });
      j.close({ at: 250, metrics: {}, verdicts: [] });
    }
    await red.settled();
    expect(await readRedisJournal(`${server.url}/runs/batches`, { chunk: 16 })).toBe(mem.text());
    // copied a chunk at a time: a reader holds one chunk, whatever the journal's length
    const chunks: string[] = [];
    await copyRedisJournal(`${server.url}/runs/batches`, (t) => void chunks.push(t), { chunk: 16 });
    expect(chunks.length).toBe(Math.ceil(252 / 16));
    expect(chunks.every((c) => c.split("\n").length - 1 <= 16)).toBe(true);
    expect(chunks.join("")).toBe(mem.text());
  });

  it("fleet replay reads a journal stream through a temporary file it removes", async () => {
    const url = `${server.url}/runs/small-8`;
    expect((await fleet(["chaos", SMALL, "--seed", "8", "--duration", "5d", "--journal", url])).code).toBe(0);
    const ours = () => readdirSync(tmpdir()).filter((f) => f.startsWith("fleet-redis-journal-"));
    const before = ours();
    const verified = await fleet(["replay", url, "--verify"]);
    expect(verified.code).toBe(0);
    expect(ours()).toEqual(before);
  });
});
