// Silent corruption of a training job's model state, as the job tracks it: the first
// corruption not yet caught (when, and on which host), whether a detection the policy
// runs is due to catch it, and what escaped. A corruption reaches the job from a defective
// core on a participant (`mercurial.corrupt`), or from the memory detector: told at once
// when the lane notifies (WorkloadEnv.notifiesSilentCorruption), else seen at the next
// checkpoint in the participants' CORRUPT flags.
import type { Fleet } from "../../fleet/fleet.js";
import { HostFlag } from "../../fleet/state.js";
import type { JobPool } from "./pool.js";

export class CorruptionWatch {
  /** When the model state was first corrupted and not yet caught (NaN: clean). */
  corruptAt = NaN;
  /** The host that corrupted it. */
  culprit = -1;
  /** Generation of the detection in flight: a stale detect event is ignored. */
  gen = 0;
  corruptions = 0;
  silentEscapes = 0;
  /** Escapes from a defective core rather than memory (memory's are counted by the detector). */
  coreEscapes = 0;
  rollbacks = 0;
  private lastScanAt: number;

  constructor(
    /** Steps between a corruption and its detection (Infinity: the policy runs none). */
    readonly delaySteps: number,
    /** Whether the lane tells the job of memory escapes as they happen. */
    public notified: boolean,
    startSec: number,
  ) {
    this.lastScanAt = startSec;
  }

  get clean(): boolean {
    return Number.isNaN(this.corruptAt);
  }

  /**
   * A corruption at `atSec` on `host`, while the job computes. Returns the time its
   * detection is due, or undefined (it escaped, or the state was already corrupt: the first
   * one is what detection finds).
   */
  corrupted(host: number, atSec: number, source: "memory" | "core", nowSec: number, stepSec: number): number | undefined {
    this.corruptions++;
    if (this.delaySteps === Infinity) {
      this.silentEscapes++;
      if (source === "core") this.coreEscapes++;
      return undefined;
    }
    if (!this.clean) return undefined;
    this.corruptAt = atSec;
    this.culprit = host;
    return Math.max(nowSec, atSec + this.delaySteps * stepSec);
  }

  /** The state is clean again (restored from a clean checkpoint): a pending detection is void. */
  cleared(): void {
    this.corruptAt = NaN;
    this.gen++;
  }

  /**
   * Participants flagged CORRUPT by the memory detector since the last scan, not seen yet:
   * each is marked seen and handed to `report` with the time of the previous scan.
   * O(pool), at checkpoints only, and only when the lane does not notify.
   */
  scan(pool: JobPool, fleet: Fleet, nowSec: number, report: (host: number, sinceSec: number) => void): void {
    const since = this.lastScanAt;
    this.lastScanAt = nowSec;
    for (let i = 0; i < pool.size; i++) {
      const h = pool.hosts[i];
      if (pool.active[i] && !pool.seenCorrupt[i] && fleet.flags[h] & HostFlag.CORRUPT) {
        pool.seenCorrupt[i] = 1;
        report(h, since);
      }
    }
  }
}
