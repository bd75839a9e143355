// What to try next, from an explanation: the parts that cost the most, read against the
// policy's own settings. These are rules of thumb keyed to the cause (a slow host sets a
// synchronous job's pace: swap slow hosts out; hosts lost mid-run cost redo and restarts:
// checkpoint more often, keep spares), not a search: each says which setting to change
// and the next step is to measure it, with `fleet sweep` over that setting (a rule can
// be wrong for a scenario: Daly's interval, say, costs more than it saves when one long
// outage dominates, so no rule here proposes it). A cause with
// no rule gets none; an SLO that fails even without faults gets the one answer that holds.
import { parseDocument } from "yaml";
import { TRY } from "../report/answer.js";
import { breachesWithoutFaults, type Explanation } from "./explain.js";

interface Rule {
  /** Fault models (faults: keys) whose cost the rule answers. */
  models: readonly string[];
  /** Metrics it applies to. */
  metric: RegExp;
  /** What to try, given the policy's settings (raw YAML values, undefined when unset). */
  say(policy: Record<string, unknown>): string | undefined;
}

const off = (v: unknown) => v === undefined || v === "off" || v === false;

const RULES: Rule[] = [
  {
    models: ["straggler", "colocated"],
    metric: /^training\./,
    say: (p) =>
      off(p.drainSlowerThan)
        ? "swap slow hosts out of the job (drainSlowerThan: 1.2x)"
        : off(p.backupWorkers) || p.backupWorkers === 0 || p.backupWorkers === "0%"
          ? "slow hosts still set the pace though drained: short slow episodes end before a drain helps; run backup workers, so each step waits for the first N of N+b (backupWorkers: 2%)"
          : "slow hosts still set the pace though drained and with backup workers: more of them are slow at once than there are backups (a larger backupWorkers)",
  },
  {
    models: ["straggler", "colocated"],
    metric: /^serving\./,
    say: (p) =>
      off(p.hedge)
        ? TRY.hedge
        : p.balance !== "p2c"
          ? "pick replicas by load (balance: p2c), or hedge sooner (a lower hedge percentile)"
          : "hedge sooner (a lower hedge percentile; too low adds load that slows every leaf)",
  },
  {
    // A whole domain down: the pool may not refill the job until the repair.
    models: ["rack", "busbar", "pdu", "utility", "overheat"],
    metric: /^training\./,
    say: (p) => (p.onLoss === "shrink" ? undefined : "keep running on the hosts left while the domain is down (onLoss: shrink)"),
  },
  {
    // One host at a time: each loss costs the redo since the checkpoint and a restart.
    models: ["host", "accelerator", "cosmic", "dram", "disk"],
    metric: /^training\./,
    say: (p) => {
      const tries: string[] = [];
      if (off(p.spares) || p.spares === "0%" || p.spares === 0) tries.push(TRY.spares);
      if (off(p.inMemoryCheckpoint)) tries.push("keep a checkpoint copy in peers' memory (inMemoryCheckpoint: true)");
      if (off(p.checkpointWrite) || p.checkpointWrite === "sync") tries.push(TRY.asyncWrite);
      return tries.length ? tries.join("; ") : undefined;
    },
  },
  {
    models: ["cosmic", "dram"],
    metric: /^(training\.silentEscapes|silentCorruptions|memory\.)/,
    say: (p) => (p.ecc === "chipkill" ? undefined : TRY.chipkill),
  },
  {
    models: ["mercurialCore"],
    metric: /^(training\.silentEscapes|silentCorruptions)/,
    say: (p) => {
      const has = Array.isArray(p.detect) ? (p.detect as unknown[]) : [];
      const missing = ["gradientChecksum", "lossSpike"].filter((d) => !has.includes(d));
      if (missing.length === 0) return undefined;
      return `detect defective cores' corruptions and roll back (detect: [${[...has, ...missing].join(", ")}])`;
    },
  },
  {
    models: ["mercurialCore"],
    metric: /^serving\./,
    say: () => "a defective core computes a wrong answer and its CRC: only comparing replicas' answers catches it (not modelled yet)",
  },
  {
    models: ["host", "rack", "busbar", "pdu", "overheat", "utility"],
    metric: /^serving\./,
    say: (p) => (off(p.hedge) ? "hedge or retry on another replica (hedge: p95, retries: 2)" : p.placement !== "power-aware" ? TRY.powerAware : undefined),
  },
  {
    models: ["busbar", "pdu", "overheat", "utility", "rack", "disk", "host"],
    metric: /^storage\./,
    say: (p) =>
      p.placement !== "power-aware"
        ? "place copies under distinct power domains (placement: power-aware)"
        : off(p.onPowerWarning)
          ? "copy blocks off warned hosts before a trip (onPowerWarning: migrate)"
          : "keep more copies (replication: 3) or re-replicate faster (reReplication)",
  },
];

/** What to change when an SLO fails with no fault at all: the workload or the policy's answer to load, not to faults. */
function faultFree(metric: string, p: Record<string, unknown>): string {
  if (metric.startsWith("serving."))
    return off(p.hedge) && off(p.tied)
      ? "the service's own tail misses it: hedge or tie requests (hedge: p95), add replicas or lower the load"
      : "the service's own tail misses it: add replicas, lower the load or fan-out, or relax the SLO";
  if (metric.startsWith("training."))
    return "the job's fixed costs miss it: checkpoint writes (checkpointWrite: async, a longer interval), restart time, or the SLO";
  return "no answer to faults meets it: change the workload or the SLO";
}

/** The policy's settings as written (raw YAML values), for the rules to read. */
export function policySettings(text: string, policy: string): Record<string, unknown> {
  const doc = parseDocument(text);
  const p = doc.getIn(["policies", policy]) as { toJSON?: () => unknown } | undefined;
  const v = p?.toJSON?.();
  return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

/** The model a level-1 part stands for: "straggler (faults[10])" -> straggler; a scheduled one -> its kind. */
function modelOf(label: string): string {
  return label.split(" ")[0];
}

export interface Suggestion {
  /** The cause it answers (a fault model), and what that cost; absent for the fault-free case. */
  cause?: string;
  cost?: number;
  say: string;
}

/** Up to two things to try, for the two costliest parts that a rule answers. */
export function suggestions(e: Explanation, policy: Record<string, unknown>): Suggestion[] {
  if (breachesWithoutFaults(e)) return [{ say: `the SLO fails without any fault: ${faultFree(e.metric, policy)}` }];
  const parts = e.rows.filter((r) => r.level === 1 && r.id !== "interactions" && Number.isFinite(r.cost) && r.cost > 0).sort((a, b) => b.cost - a.cost);
  const out: Suggestion[] = [];
  for (const part of parts) {
    const model = modelOf(part.label);
    const rule = RULES.find((r) => r.models.includes(model) && r.metric.test(e.metric));
    const say = rule?.say(policy);
    if (say && !out.some((s) => s.say === say)) out.push({ cause: model, cost: part.cost, say });
    if (out.length === 2) break;
  }
  return out;
}
