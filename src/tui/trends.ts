// Trend charts from the snapshots: one series per (policy, name), a point per snapshot.
// Names are whatever the snapshots carry (their `metrics`), plus "hostsDown" and
// "faultsPerHour" (the rise of the fault count since the previous snapshot). The charts
// show goodput, p99.9 and error rate when a metric of that name is there, and fill the
// remaining places with hosts down, fault rate and the SLO metrics.
import { cellValue } from "./format.js";
import { padEnd, fitRight, type Line } from "./line.js";
import { sparkline } from "./sparkline.js";

export const HOSTS_DOWN = "hostsDown";
export const FAULTS_PER_HOUR = "faultsPerHour";

interface PolicySeries {
  times: number[];
  values: Map<string, number[]>;
  lastFaults: number;
  lastAt: number;
}

export class TrendStore {
  private readonly byPolicy = new Map<string, PolicySeries>();

  /** One snapshot record's fields (policy, hostsDown, faults, metrics). */
  add(policy: string, at: number, fields: Record<string, unknown>): void {
    let p = this.byPolicy.get(policy);
    if (!p) this.byPolicy.set(policy, (p = { times: [], values: new Map(), lastFaults: 0, lastAt: 0 }));
    const point: Record<string, number> = {};
    if (typeof fields.hostsDown === "number") point[HOSTS_DOWN] = fields.hostsDown;
    if (fields.faults && typeof fields.faults === "object") {
      const total = Object.values(fields.faults as Record<string, unknown>).reduce<number>((a, b) => a + (typeof b === "number" ? b : 0), 0);
      const dt = at - p.lastAt;
      point[FAULTS_PER_HOUR] = dt > 0 ? ((total - p.lastFaults) / dt) * 3600 : 0;
      p.lastFaults = total;
      p.lastAt = at;
    }
    if (fields.metrics && typeof fields.metrics === "object") {
      for (const [k, v] of Object.entries(fields.metrics as Record<string, unknown>)) point[k] = typeof v === "number" ? v : NaN;
    }
    const n = p.times.length;
    p.times.push(at);
    for (const [k, v] of Object.entries(point)) {
      let arr = p.values.get(k);
      if (!arr) p.values.set(k, (arr = new Array<number>(n).fill(NaN)));
      arr.push(v);
    }
    for (const arr of p.values.values()) if (arr.length === n) arr.push(NaN);
  }

  clear(): void {
    this.byPolicy.clear();
  }

  series(policy: string, name: string): number[] {
    return this.byPolicy.get(policy)?.values.get(name) ?? [];
  }

  names(policy: string): string[] {
    return [...(this.byPolicy.get(policy)?.values.keys() ?? [])];
  }

  /** The latest value of every series of `policy` (what the SLO board shows live). */
  latest(policy: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, arr] of this.byPolicy.get(policy)?.values ?? []) out[k] = arr[arr.length - 1];
    return out;
  }
}

const WANTED: [RegExp, string][] = [
  [/(^|\.)goodput$/, "goodput"],
  [/(^|\.)p999$/, "p99.9"],
  [/(^|\.)errorRate$/, "error rate"],
];

/** Up to `n` charts: [series name, label], goodput / p99.9 / error rate first. */
export function chooseCharts(names: readonly string[], sloMetrics: readonly string[], n = 3): [string, string][] {
  const out: [string, string][] = [];
  const taken = new Set<string>();
  const take = (name: string, label: string) => {
    if (out.length < n && !taken.has(name) && names.includes(name)) {
      out.push([name, label]);
      taken.add(name);
    }
  };
  for (const [re, label] of WANTED) {
    const name = names.find((x) => re.test(x));
    if (name) take(name, label);
  }
  take(HOSTS_DOWN, "hosts down");
  take(FAULTS_PER_HOUR, "faults/h");
  for (const m of sloMetrics) take(m, m.slice(m.lastIndexOf(".") + 1));
  return out;
}

/** One line per chart: label, sparkline, latest value; exactly `width` columns. */
export function trendLines(store: TrendStore, policy: string, charts: readonly [string, string][], width: number): Line[] {
  const labelW = Math.min(10, Math.max(...charts.map(([, l]) => l.length), 0));
  const valueW = 7;
  const sparkW = Math.max(0, width - labelW - valueW - 2);
  return charts.map(([name, label]) => {
    const s = store.series(policy, name);
    const last = s.length ? s[s.length - 1] : NaN;
    return [
      { text: `${padEnd(label, labelW)} ` },
      { text: padEnd(sparkline(s, sparkW), sparkW), tone: "focus" as const },
      { text: ` ${fitRight(cellValue({ metric: name, text: "" }, last), valueW)}` },
    ];
  });
}
