// Test helper (not a test): a real redis-server for the Redis tests, started on a free
// loopback port with persistence off (src/distributed/redis-local-server.ts) and stopped in
// afterAll, which vitest runs even when a test failed (and a process exit kills it too).
//
// Where redis-server is missing: with CI=true the suites fail at once (CI must run them);
// otherwise they are skipped with one message saying how to enable them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { findRedisServer, startLocalRedis, type LocalRedis, type LocalRedisOptions } from "../src/redis/local-server.js";

export const REDIS_SERVER = findRedisServer();
export const REDIS_SKIP_MESSAGE = "Redis tests skipped: redis-server not found; install it (apt-get install redis-server) or run .ci/run";

/** describe() for suites that need redis-server: skipped with a message without it, failed in CI. */
export function describeRedis(name: string, fn: () => void): void {
  if (!REDIS_SERVER) {
    if (process.env.CI === "true") {
      describe(name, () => {
        throw new Error(
          `redis-server not found and CI=true: the Redis tests must run in CI; install redis-server (apt-get install redis-server) or set REDIS_SERVER`,
        );
      });
      return;
    }
    tellSkippedOnce();
  }
  describe.skipIf(!REDIS_SERVER)(name, fn);
}

/** Prints the skip message once per vitest run (test files run in separate workers). */
function tellSkippedOnce(): void {
  const marker = join(tmpdir(), `fleet-redis-skip-notice-${process.ppid}`);
  try {
    writeFileSync(marker, "", { flag: "wx" });
  } catch {
    return;
  }
  process.stderr.write(`\n${REDIS_SKIP_MESSAGE}\n\n`);
}

export interface TestRedis {
  /** redis:// (or rediss:// with tls) URL with the password if one was set. */
  readonly url: string;
  readonly port: number;
  /** The CA file of a TLS server. */
  readonly caFile: string;
}

/**
 * A redis-server for the enclosing describe block: started in its beforeAll (with a
 * throwaway CA and certificate if `tls`), stopped in its afterAll, which vitest runs even
 * when a test failed. Call it in the describe body, not inside a hook.
 */
export function useRedis(opts: { password?: string; tls?: boolean } = {}): TestRedis {
  let server: LocalRedis | undefined;
  let tls: TlsFiles | undefined;
  beforeAll(async () => {
    if (opts.tls) tls = makeTlsFiles();
    const o: LocalRedisOptions = { binary: REDIS_SERVER, password: opts.password, ...(tls ? { tls } : {}) };
    server = await startLocalRedis(o);
  });
  afterAll(async () => {
    await server?.stop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });
  const need = () => {
    if (!server) throw new Error("the test Redis is not running (useRedis must be called in a describe body)");
    return server;
  };
  return {
    get url() {
      return need().url;
    },
    get port() {
      return need().port;
    },
    get caFile() {
      if (!tls) throw new Error("this test Redis has no TLS");
      return tls.caFile;
    },
  };
}

export interface TlsFiles {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export function makeTlsFiles(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), "fleet-tls-"));
  const f = (n: string) => join(dir, n);
  const ossl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ossl("req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=fleet-test-ca");
  ossl("req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost");
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  ossl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.crt"),
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
  );
  if (!existsSync(f("server.crt"))) throw new Error("openssl did not write the server certificate");
  return { dir, caFile: f("ca.crt"), certFile: f("server.crt"), keyFile: f("server.key") };
}
