// Redis URLs: what fleet accepts, the one-line errors for what it does not, and that a
// password never appears in anything printed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainRedisError, parseRedisUrl, readRedisCa, redactUrl, RedisUrlError } from "./url.js";
import { UsageError } from "../base/errors.js";

describe("redactUrl", () => {
  it("hides the password and keeps the rest", () => {
    expect(redactUrl("redis://:hunter2@10.0.0.5:6379/2")).toBe("redis://:***@10.0.0.5:6379/2");
    expect(redactUrl("rediss://ci:hunter2@redis.example:6380")).toBe("rediss://ci:***@redis.example:6380");
    expect(redactUrl("redis://127.0.0.1:6379/runs/x")).toBe("redis://127.0.0.1:6379/runs/x");
  });

  it("hides a user-info without ':' (it may be a password written alone) and passwords holding / or @", () => {
    expect(redactUrl("redis://hunter2@host:6379")).toBe("redis://***@host:6379");
    expect(redactUrl("redis://:pa/ss@w@host:6379")).toBe("redis://:***@host:6379");
    expect(redactUrl("not a url :x@y")).toBe("not a url :x@y");
  });
});

describe("parseRedisUrl", () => {
  it("reads host, port, database, user and password (percent-decoded), TLS from rediss://", () => {
    expect(parseRedisUrl("redis://127.0.0.1")).toMatchObject({ tls: false, host: "127.0.0.1", port: 6379, db: 0, key: "" });
    const t = parseRedisUrl("rediss://ci:p%40ss%2Fword@redis.example:6380/3");
    expect(t).toMatchObject({
      tls: true,
      host: "redis.example",
      port: 6380,
      db: 3,
      username: "ci",
      password: "p@ss/word",
      display: "rediss://ci:***@redis.example:6380/3",
    });
    expect(parseRedisUrl("redis://[::1]:7000?db=2")).toMatchObject({ host: "::1", port: 7000, db: 2 });
  });

  it("reads a journal URL's path as the stream key, and the database from ?db=", () => {
    expect(parseRedisUrl("redis://h:1/runs/cosmic-42", "journal")).toMatchObject({ key: "runs/cosmic-42", db: 0 });
    expect(parseRedisUrl("redis://h:1/runs%20today?db=4", "journal")).toMatchObject({ key: "runs today", db: 4 });
  });

  it.each([
    ["http://h:6379", "must start with redis:// or rediss://"],
    ["redis://h:0", "port 0 is not between 1 and 65535"],
    ["redis://h:6379/x", 'the path must be a database number like /2, found "/x"'],
    ["redis://h:6379/1?db=2", "database /1 and ?db=2 disagree"],
    ["redis://h:6379?timeout=3", "unknown parameter ?timeout= (only ?db=N is known)"],
    ["redis://h:6379#frag", "a # fragment has no meaning here"],
    ["redis://:6379", "not a valid URL"],
  ])("refuses %s: %s", (url, why) => {
    expect(() => parseRedisUrl(url)).toThrow(why);
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
  });

  it("needs a key in a journal URL", () => {
    expect(() => parseRedisUrl("redis://h:6379", "journal")).toThrow("the stream key is missing (e.g. redis://127.0.0.1:6379/runs/today)");
  });

  it("is a usage error (exit 2) whose message never holds the password", () => {
    let caught: unknown;
    try {
      parseRedisUrl("redis://:hunter2@h:99999");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe(
      "--redis redis://:***@h:99999: not a valid URL (a password holding @ / : # ? must be percent-encoded); expected redis://[user:password@]host[:port][/db] (rediss:// for TLS)",
    );
  });
});

describe("explainRedisError", () => {
  const t = parseRedisUrl("redis://:hunter2@10.0.0.5:6379");
  it("says what a failure means and what to do, without the password", () => {
    expect(explainRedisError("WRONGPASS invalid username-password pair or user is disabled.", t)).toBe(
      "Redis at redis://:***@10.0.0.5:6379 refused the user name or password in the URL (WRONGPASS invalid username-password pair or user is disabled.)",
    );
    expect(explainRedisError("connect ECONNREFUSED 10.0.0.5:6379", t)).toContain("connection refused (is redis-server running there");
    expect(explainRedisError("NOAUTH Authentication required.", parseRedisUrl("redis://h"))).toContain("needs a password: put it in the URL");
    expect(explainRedisError("echo hunter2 back", t)).not.toContain("hunter2");
    expect(explainRedisError("connect ETIMEDOUT", t, 1500)).toBe(
      "cannot connect to Redis at redis://:***@10.0.0.5:6379: no answer within 1.5s (--redis-timeout); is a Redis server listening there, and answering?",
    );
  });
});

describe("readRedisCa", () => {
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const message = (path: string) => {
    try {
      readRedisCa(path);
      return "read";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it("reads only a regular file of at most 1 MiB: never a device, a FIFO or a huge file", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-ca-"));
    writeFileSync(join(dir, "ca.pem"), PEM);
    expect(readRedisCa(join(dir, "ca.pem"))).toEqual({ ca: PEM });
    writeFileSync(join(dir, "huge.pem"), PEM.repeat(30_000));
    expect(message(join(dir, "huge.pem"))).toBe(
      `--redis-ca ${join(dir, "huge.pem")}: the file is ${PEM.length * 30_000} bytes; a CA file may be at most 1048576 bytes`,
    );
    expect(message("/dev/zero")).toBe("--redis-ca /dev/zero: is not a regular file (a device); a CA file must be a regular file");
    execFileSync("mkfifo", [join(dir, "fifo.pem")]);
    expect(() => readRedisCa(undefined, { FLEET_REDIS_CA: join(dir, "fifo.pem") })).toThrow(
      new RedisUrlError(`FLEET_REDIS_CA ${join(dir, "fifo.pem")}: is not a regular file (a FIFO); a CA file must be a regular file`),
    );
  });
});
