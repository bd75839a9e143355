// Progress of a run as the text and JSON reporters print it: a line on stderr at every
// tenth of the run (by simulated time, on the first policy's snapshots), with the wall
// time left at the pace so far, so stdout holds only the results (a pipe to a file or to
// jq gets no progress lines). `-q` prints none.
import { performance } from "node:perf_hooks";
import { formatDuration, formatTime } from "../base/units.js";
import type { Snapshot } from "../run/session.js";

export class Progress {
  private next: number;
  private readonly started = performance.now();

  constructor(private readonly o: { err: (s: string) => void; durationSec: number; firstLane: string | undefined; every?: number }) {
    this.next = o.every ?? 0.1;
  }

  /** Prints a line when `s` passes the next tenth of the run. */
  onSnapshot(s: Snapshot): void {
    const step = this.o.every ?? 0.1;
    const frac = s.at / this.o.durationSec;
    if (s.policy !== this.o.firstLane || frac + 1e-9 < this.next) return;
    while (this.next <= frac + 1e-9) this.next += step;
    const faults = Object.values((s.fields.faults as Record<string, number>) ?? {}).reduce((a, b) => a + b, 0);
    const wall = (performance.now() - this.started) / 1000;
    const left = frac > 0 && frac < 1 ? `  ETA ${formatDuration((wall * (1 - frac)) / frac)}` : "";
    this.o.err(`  ${formatTime(s.at).padStart(8)} ${String(Math.round(frac * 100)).padStart(3)}%  faults=${faults} hostsDown=${s.fields.hostsDown}${left}\n`);
  }
}
