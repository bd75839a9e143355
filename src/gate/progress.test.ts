import { describe, expect, it } from "vitest";
import { clock, Progress, progressText } from "./progress.js";

describe("progress of a batch", () => {
  it("says done/total, runs per second and the time left", () => {
    expect(progressText(12, 50, 4)).toBe("12/50 runs  3.0 runs/s  ETA 13s");
    expect(progressText(25, 50, 10, 10)).toBe("[█████░░░░░] 25/50 runs  2.5 runs/s  ETA 10s");
    expect(progressText(0, 50, 1)).toBe("0/50 runs  0.0 runs/s  ETA ?");
    expect(progressText(50, 50, 2)).toBe("50/50 runs  25 runs/s  done");
    expect([clock(75), clock(3700)]).toEqual(["1m15s", "1h01m"]);
  });

  it("writes a plain line at every tenth when stderr is not a terminal", () => {
    const lines: string[] = [];
    let t = 0;
    const p = new Progress({ total: 20, write: (s) => lines.push(s), tty: false, label: "gate", now: () => t });
    for (let done = 1; done <= 20; done++) {
      t += 0.5;
      p.update(done);
    }
    p.end();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("gate: 2/20 runs  2.0 runs/s  ETA 9s\n");
    expect(lines.at(-1)).toBe("gate: 20/20 runs  2.0 runs/s  done\n");
  });

  it("redraws one line in place on a terminal, at most ten times a second", () => {
    const out: string[] = [];
    let t = 0;
    const p = new Progress({ total: 100, write: (s) => out.push(s), tty: true, label: "sweep", now: () => t });
    for (let done = 1; done <= 100; done++) {
      t += 0.01;
      p.update(done);
    }
    p.end();
    expect(out.length).toBeLessThanOrEqual(13);
    expect(out.every((s, i) => i === out.length - 1 || s.startsWith("\rsweep: ["))).toBe(true);
    expect(out.at(-2)).toMatch(/^\rsweep: \[█{24}\] 100\/100 runs .* done\x1b\[K$/);
    expect(out.at(-1)).toBe("\n");
  });
});
