// The update-order log of asynchronous training jobs (src/workloads/training/async.ts): one
// `order` milestone per checkpoint interval, carrying a hash chain value over the order
// of the interval and all before it. Two logs part at the first interval whose chain
// values differ: every interval before it applied the same updates in the same order.
// --verify names an order record that does not reproduce by its interval; a
// counterfactual says where its policy's order parts from each recorded policy's.

/** An order record: which lane and job, which interval, its chain value. */
export interface OrderEntry {
  /** The lane's policy; "default" when the scenario names none. */
  policy: string;
  job: string;
  interval: number;
  chain: string;
  at: number;
}

/** The order entry a journal record is, if it is one. */
export function orderEntryOf(r: unknown): OrderEntry | undefined {
  if (typeof r !== "object" || r === null) return undefined;
  const o = r as Record<string, unknown>;
  if (o.t !== "milestone" || o.event !== "order") return undefined;
  if (typeof o.job !== "string" || typeof o.interval !== "number" || typeof o.chain !== "string" || typeof o.at !== "number") return undefined;
  return { policy: typeof o.policy === "string" ? o.policy : "default", job: o.job, interval: o.interval, chain: o.chain, at: o.at };
}

/** Each lane's and job's order log, in interval order: key "policy/job". */
export function orderLogs(records: Iterable<unknown>): Map<string, OrderEntry[]> {
  const logs = new Map<string, OrderEntry[]>();
  for (const r of records) {
    const e = orderEntryOf(r);
    if (!e) continue;
    const key = `${e.policy}/${e.job}`;
    const log = logs.get(key) ?? [];
    log.push(e);
    logs.set(key, log);
  }
  return logs;
}

export interface OrderComparison {
  job: string;
  before: string;
  after: string;
  /** Intervals whose chain values match, from the first. */
  same: number;
  /** The first interval that differs (or that only one log has); absent when the logs are equal. */
  parts?: { interval: number; at: number };
}

/**
 * For every job with an order log under an `after` lane, where it parts from the log of the
 * same job under each `before` lane that has one. Before lanes without a log (synchronous
 * training) are not compared.
 */
export function compareOrders(before: Map<string, OrderEntry[]>, after: Map<string, OrderEntry[]>, beforeLanes: readonly string[]): OrderComparison[] {
  const out: OrderComparison[] = [];
  for (const a of after.values()) {
    const { job, policy } = a[0];
    for (const lane of beforeLanes) {
      const b = before.get(`${lane}/${job}`);
      if (!b) continue;
      let same = 0;
      while (same < a.length && same < b.length && a[same].chain === b[same].chain) same++;
      const first = a[same] ?? b[same];
      out.push({ job, before: lane, after: policy, same, ...(first ? { parts: { interval: first.interval, at: first.at } } : {}) });
    }
  }
  return out;
}
