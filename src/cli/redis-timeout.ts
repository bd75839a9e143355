// `--redis-timeout D`, read the same way by every command that talks to Redis (worker;
// gate, sweep and explain with --redis; chaos --journal redis://; replay of a redis://
// journal): how long Redis has to answer before the command gives up with exit 2
// (src/redis/timeout.ts says what it bounds).
import { DEFAULT_REDIS_TIMEOUT_MS } from "../redis/timeout.js";
import { formatDuration } from "../base/units.js";
import { durationMsOption, type OptionSpec, type Parsed } from "./args.js";

export const redisTimeoutOption: OptionSpec = { "redis-timeout": { type: "string" } };

/** The default as the usage texts print it: "10s". */
export const redisTimeoutDefault = formatDuration(DEFAULT_REDIS_TIMEOUT_MS / 1000);

/** --redis-timeout in milliseconds, undefined when not given: 10ms to one day. */
export function readRedisTimeout(p: Parsed): number | undefined {
  return durationMsOption(p, "redis-timeout", 0.01, 86_400);
}
