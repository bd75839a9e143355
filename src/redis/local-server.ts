// A throwaway redis-server on the loopback interface, for the Redis tests and the Redis
// benchmark (and for trying distributed runs on one machine). It runs the real server
// binary, never a stand-in: on a free port, with persistence off (`save ""`,
// `appendonly no`) and its working folder in a temporary directory, optionally with a
// password (requirepass) and TLS (tls-port with the plain port off). For fault tests it can
// instead keep an append-only file in a given folder and listen on a given port, so a
// stopped server restarts in place with its data. The configuration
// goes to the server on stdin, so the password is not visible in the process list.
// stop() shuts it down and removes the folder; a process exit kills it as a last resort.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { connectRedis, parseRedisUrl, type TlsSettings } from "./url.js";

export interface LocalRedisOptions {
  /** The redis-server binary; default: findRedisServer(). */
  binary?: string;
  /** Require this password (requirepass). */
  password?: string;
  /** Serve TLS only, with these PEM files (clients are not asked for certificates). */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Milliseconds to wait for the server to answer PING. Default 10,000. */
  startTimeoutMs?: number;
  /** Listen on this port (no retry on another); default: a free one. To restart a stopped server in place. */
  port?: number;
  /**
   * The server's working folder, kept when it stops (the caller removes it); default: a
   * temporary folder removed at stop. With `appendOnly`, a server restarted on the same
   * folder finds its data again.
   */
  dir?: string;
  /** Persist every write to an append-only file (appendonly yes, fsync every second). Default off. */
  appendOnly?: boolean;
}

export interface LocalRedis {
  host: string;
  port: number;
  /** redis:// or rediss:// URL, with the password if one was set. */
  url: string;
  pid: number;
  /** Shuts the server down (SIGTERM, then SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * The redis-server binary: $REDIS_SERVER if set (and nothing else: a wrong path counts as
 * missing), else the first on PATH, else /usr/bin, /usr/sbin or /usr/local/bin.
 */
export function findRedisServer(env: Record<string, string | undefined> = process.env): string | undefined {
  const candidates = env.REDIS_SERVER
    ? [env.REDIS_SERVER]
    : [
        ...(env.PATH ?? "")
          .split(delimiter)
          .filter(Boolean)
          .map((d) => join(d, "redis-server")),
        "/usr/bin/redis-server",
        "/usr/sbin/redis-server",
        "/usr/local/bin/redis-server",
      ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** A TCP port free on 127.0.0.1 right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startLocalRedis(opts: LocalRedisOptions = {}): Promise<LocalRedis> {
  const binary = opts.binary ?? findRedisServer();
  if (!binary) throw new Error("redis-server not found; install it (apt-get install redis-server) or set REDIS_SERVER");
  let lastError: Error | undefined;
  // The port may be taken between freePort() and the server's bind: try a few.
  if (opts.port !== undefined) return startOnce(binary, opts.port, opts);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startOnce(binary, await freePort(), opts);
    } catch (e) {
      lastError = e as Error;
      if (!/Address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error("could not start redis-server");
}

async function startOnce(binary: string, port: number, opts: LocalRedisOptions): Promise<LocalRedis> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "fleet-redis-"));
  const conf = [
    `port ${opts.tls ? 0 : port}`,
    "bind 127.0.0.1",
    'save ""',
    opts.appendOnly ? "appendonly yes" : "appendonly no",
    ...(opts.appendOnly ? ["appendfsync everysec"] : []),
    `dir ${dir}`,
    'logfile ""',
    "daemonize no",
    ...(opts.password !== undefined ? [`requirepass ${quoteConf(opts.password)}`] : []),
    ...(opts.tls
      ? [
          `tls-port ${port}`,
          `tls-cert-file ${quoteConf(opts.tls.certFile)}`,
          `tls-key-file ${quoteConf(opts.tls.keyFile)}`,
          `tls-ca-cert-file ${quoteConf(opts.tls.caFile)}`,
          "tls-auth-clients no",
        ]
      : []),
  ].join("\n");
  const child = spawn(binary, ["-"], { stdio: ["pipe", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const cleanup = () => {
    process.off("exit", killOnExit);
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  let output = "";
  child.stdout.on("data", (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
  child.stderr.on("data", (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
  child.stdin.end(`${conf}\n`);

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const auth = opts.password !== undefined ? `:${encodeURIComponent(opts.password)}@` : "";
  const url = `${opts.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${port}`;
  const tls: TlsSettings = opts.tls ? { ca: readFileSync(opts.tls.caFile, "utf8") } : {};
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`redis-server exited at start: ${output.trim().split("\n").slice(-3).join(" | ")}`);
      if (/Ready to accept connections/.test(output)) {
        const client = await connectRedis(parseRedisUrl(url), tls, { timeoutMs: 2000 });
        client.disconnect();
        break;
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not start in time: ${output.trim().split("\n").slice(-3).join(" | ")}`);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20))]);
    }
  } catch (e) {
    await stopChild(child, exited);
    cleanup();
    throw e;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: "127.0.0.1",
    port,
    url,
    pid: child.pid ?? -1,
    stop: () =>
      (stopped ??= (async () => {
        await stopChild(child, exited);
        cleanup();
      })()),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** A value for redis.conf: double-quoted with backslash escapes. */
function quoteConf(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
