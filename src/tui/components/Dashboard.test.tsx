// Whole frames of the dashboard at fixed sizes, without colour (as under NO_COLOR): the
// story of testing.ts at 2h15m, a burst from the east having lit rows 1 and 3 (the rows
// facing east), bus bar dc1/row02/busbar-a down (the first half of row 2 blacked out),
// one silent corruption under the baseline policy.
import { describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import { Dashboard } from "./Dashboard.js";
import { initialUi } from "../keys.js";
import { storyModel } from "../testing.js";
import { ViewBuilder, type DashboardView } from "../view.js";

function frame(view: DashboardView): string[] {
  const { lastFrame, unmount } = render(<Dashboard view={view} color={false} />);
  const lines = lastFrame()!.split("\n");
  unmount();
  return lines;
}

describe("dashboard frames", () => {
  it("80x24, live: header, map, SLO board beside the trends, feed, key legend", () => {
    const view = new ViewBuilder(storyModel()).build(initialUi, { state: "running", speedIndex: 2, simPerWall: 3600, eventsPerSec: 31015 }, 80, 23);
    expect(frame(view)).toEqual([
      "fleet chaos  frames  seed 1  2:15:00 / 10:00:00  ▶ running at 1h/s",
      "██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  ETA 0:08  31k ev/s  sim 1h/s",
      "  map baseline · 1 rack/cell   · ok  + err  ~ drain  x some  ! corrupt  █ down",
      "dc1",
      "++++++++++++",
      "██████······",
      "++++++++++++",
      "····!·······",
      "  SLOs live                baseline  hardened    trends baseline",
      "training.goodput >= 0.90     0.84 ✗    0.95 ✓  goodput    █▇▁               0.84",
      "silentCorruptions == 0          1 ✗       0 ✓  hosts down ▁▁█                 24",
      "                                               faults/h   ▁▁█                104",
      "▸ feed 29",
      " 2:06:40 fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2:06:45 fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2:06:50 fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2:06:55 fault   cosmic.upset      dc1/row03/rack11/host01",
      " 2:07:00 fault   cosmic.upset      dc1/row01/rack12/host01",
      " 2:07:05 fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2:10:00 fault   power.busbar      dc1/row02/busbar-a 24 hosts down, back in 6h",
      " 2:12:00 detect  silent            dc1/row04/rack05/host02 [baseline] 4-bit cos…",
      " 2:15:00 recover restart           [baseline] pretrain: from checkpoint at 1:00…",
      "space pause  +/- speed  tab focus  ←→ policy  ↑↓ scroll  f kind  q quit",
    ]);
  });

  it("100x30, replay: the other policy's map, the feed filtered to upsets and scrolled back", () => {
    const view = new ViewBuilder(storyModel("replay")).build(
      { ...initialUi, focus: "map", policy: 1, kind: "cosmic.upset", feedOffset: 2 },
      { state: "paused", speedIndex: 3, simPerWall: NaN, eventsPerSec: NaN, recordsTotal: 60 },
      100,
      29,
    );
    expect(frame(view)).toEqual([
      "fleet replay  frames  seed 1  2:15:00 / 10:00:00  ❚❚ paused (6h/s)",
      "████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  record 35/60  sim --",
      "▸ map hardened · 1 rack/cell   · healthy  + errors  ~ draining  x some down  ! corrupt  █ down",
      "dc1",
      "++++++++++++",
      "██████······",
      "++++++++++++",
      "············",
      "  SLOs live                           baseline  hardened    trends hardened",
      "training.goodput >= 0.90                0.84 ✗    0.95 ✓  goodput    █▅▁                        0.95",
      "silentCorruptions == 0                     1 ✗       0 ✓  hosts down ▁▁█                          24",
      "                                                          faults/h   ▁▁█                         104",
      "  feed 24 of 29 · kind cosmic.upset · 2 back (end: newest)",
      " 2:05:50 fault   cosmic.upset      dc1/row01/rack05/host01",
      " 2:05:55 fault   cosmic.upset      dc1/row03/rack05/host01",
      " 2:06:00 fault   cosmic.upset      dc1/row01/rack06/host01",
      " 2:06:05 fault   cosmic.upset      dc1/row03/rack06/host01",
      " 2:06:10 fault   cosmic.upset      dc1/row01/rack07/host01",
      " 2:06:15 fault   cosmic.upset      dc1/row03/rack07/host01",
      " 2:06:20 fault   cosmic.upset      dc1/row01/rack08/host01",
      " 2:06:25 fault   cosmic.upset      dc1/row03/rack08/host01",
      " 2:06:30 fault   cosmic.upset      dc1/row01/rack09/host01",
      " 2:06:35 fault   cosmic.upset      dc1/row03/rack09/host01",
      " 2:06:40 fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2:06:45 fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2:06:50 fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2:06:55 fault   cosmic.upset      dc1/row03/rack11/host01",
      "space play  +/- speed  . step  n/N fault  g go to  / filter  f kind  tab focus  ←→ policy  ↑↓ scroll",
      "q quit",
    ]);
  });

  it("60 columns, the run over: final verdicts, the fleet back to healthy, the legend on two lines", () => {
    const m = storyModel();
    m.at = 36_000;
    m.final = {
      status: "complete",
      exitCode: 1,
      verdicts: [
        { policy: "baseline", metric: "training.goodput", op: ">=", threshold: 0.9, value: 0.8123, ok: false },
        { policy: "baseline", metric: "silentCorruptions", op: "==", threshold: 0, value: 1, ok: false },
        { policy: "hardened", metric: "training.goodput", op: ">=", threshold: 0.9, value: 0.9311, ok: true },
        { policy: "hardened", metric: "silentCorruptions", op: "==", threshold: 0, value: 0, ok: true },
      ],
    };
    const view = new ViewBuilder(m).build(
      { ...initialUi, focus: "board" },
      { state: "done", speedIndex: 2, simPerWall: 3500, eventsPerSec: 900, status: "complete", exitCode: 1, waiting: true },
      60,
      19,
    );
    expect(frame(view)).toEqual([
      "fleet chaos  frames  seed 1  10:00:00 / 10:00:00  ■ complet…",
      "████████████████████████ 100%  ETA done  900 ev/s  sim 58m/s",
      "  map baseline · 1 rack/cell   · ok  + err  ~ drain  x some…",
      "dc1",
      "············",
      "············",
      "············",
      "············",
      "▸ SLOs final   baseline  hardened    trends baseline",
      "…dput >= 0.90  0.8123 ✗  0.9311 ✓  goodput    █▇▁       0.84",
      "…uptions == 0       1 ✗       0 ✓  hosts down ▁▁█         24",
      "                                   faults/h   ▁▁█        104",
      "  feed 29",
      " 2:07:05 fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2:10:00 fault   power.busbar      dc1/row02/busbar-a 24 ho…",
      " 2:12:00 detect  silent            dc1/row04/rack05/host02 …",
      " 2:15:00 recover restart           [baseline] pretrain: fro…",
      "space pause  +/- speed  tab focus  ←→ policy  ↑↓ scroll",
      "f kind  q quit",
    ]);
  });

  it("a frame is exactly as tall as asked, at every size from 80x24 up, and carries no escape codes without colour", () => {
    const vb = new ViewBuilder(storyModel());
    for (const [w, h] of [
      [80, 23],
      [100, 29],
      [132, 42],
      [200, 59],
    ]) {
      const lines = frame(vb.build(initialUi, { state: "running", speedIndex: 2, simPerWall: 3600, eventsPerSec: 1 }, w, h));
      expect(lines).toHaveLength(h);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(w);
      expect(lines.join("\n")).not.toMatch(/\x1b\[/);
    }
  });
});
