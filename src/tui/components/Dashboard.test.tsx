// Whole frames of the dashboard at fixed sizes, without colour (as under NO_COLOR): the
// story of testing.ts at 2h15m, a burst from the east having lit rows 1 and 3 (the rows
// facing east), bus bar dc1/row02/busbar-a down (the first half of row 2 blacked out),
// one silent corruption under the baseline policy.
import { describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import { Dashboard } from "./Dashboard.js";
import { initialUi } from "../keys.js";
import { storyModel, unitsModel } from "../testing.js";
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
      "fleet chaos  frames  seed 1  2h15m / 10h  ▶ running at 1h/s",
      "██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  ETA 0:08  31k ev/s  sim 1h/s",
      "  map baseline · 1 rack/cell  · ok ░ hit + err ~ drain x some ! corrupt █ down",
      "dc1",
      "01→++++++++++++",
      "02←██████······",
      "03→++++++++++++",
      "04←····!·······",
      "  SLOs live                baseline  hardened    trends baseline",
      "training.goodput >= 0.90     0.84 ✗    0.95 ✓  goodput    █▇▁               0.84",
      "silentCorruptions == 0          1 ✗       0 ✓  hosts down ▁▁█                 24",
      "                                               faults/h   ▁▁█                104",
      "▸ feed 29",
      " 2h6m40s fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2h6m45s fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2h6m50s fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2h6m55s fault   cosmic.upset      dc1/row03/rack11/host01",
      "  2h7m0s fault   cosmic.upset      dc1/row01/rack12/host01",
      "  2h7m5s fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2h10m0s fault   power.busbar      dc1/row02/busbar-a 24 hosts down, back in 6h",
      " 2h12m0s detect  silent            dc1/row04/rack05/host02 [baseline] 4-bit cos…",
      " 2h15m0s recover restart           [baseline] pretrain: from checkpoint at 1h, …",
      "space pause  +/- speed  n jump  tab focus  ←→ policy  ↑↓ scroll  f kind  q quit",
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
      "fleet replay  frames  seed 1  2h15m / 10h  ❚❚ paused (6h/s)",
      "████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  record 35/60  sim --",
      "▸ map hardened · 1 rack/cell   · ok  ░ hit  + err  ~ drain  x some  ! corrupt  █ down",
      "dc1",
      "01→++++++++++++",
      "02←██████······",
      "03→++++++++++++",
      "04←············",
      "  SLOs live                           baseline  hardened    trends hardened",
      "training.goodput >= 0.90                0.84 ✗    0.95 ✓  goodput    █▅▁                        0.95",
      "silentCorruptions == 0                     1 ✗       0 ✓  hosts down ▁▁█                          24",
      "                                                          faults/h   ▁▁█                         104",
      "  feed 24 of 29 · kind cosmic.upset · 2 back (end: newest)",
      " 2h5m50s fault   cosmic.upset      dc1/row01/rack05/host01",
      " 2h5m55s fault   cosmic.upset      dc1/row03/rack05/host01",
      "  2h6m0s fault   cosmic.upset      dc1/row01/rack06/host01",
      "  2h6m5s fault   cosmic.upset      dc1/row03/rack06/host01",
      " 2h6m10s fault   cosmic.upset      dc1/row01/rack07/host01",
      " 2h6m15s fault   cosmic.upset      dc1/row03/rack07/host01",
      " 2h6m20s fault   cosmic.upset      dc1/row01/rack08/host01",
      " 2h6m25s fault   cosmic.upset      dc1/row03/rack08/host01",
      " 2h6m30s fault   cosmic.upset      dc1/row01/rack09/host01",
      " 2h6m35s fault   cosmic.upset      dc1/row03/rack09/host01",
      " 2h6m40s fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2h6m45s fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2h6m50s fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2h6m55s fault   cosmic.upset      dc1/row03/rack11/host01",
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
      "fleet chaos  frames  seed 1  10h / 10h  ■ complete · exit 1…",
      "████████████████████████ 100%  ETA done  900 ev/s  sim 58m/s",
      "  map baseline · 1 rack/cell  · ok ░ hit + err ~ drain x so…",
      "dc1",
      "01→············",
      "02←············",
      "03→············",
      "04←············",
      "▸ SLOs final   baseline  hardened    trends baseline",
      "…dput >= 0.90  0.8123 ✗  0.9311 ✓  goodput    █▇▁       0.84",
      "…uptions == 0       1 ✗       0 ✓  hosts down ▁▁█         24",
      "                                   faults/h   ▁▁█        104",
      "  feed 29",
      "  2h7m5s fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2h10m0s fault   power.busbar      dc1/row02/busbar-a 24 ho…",
      " 2h12m0s detect  silent            dc1/row04/rack05/host02 …",
      " 2h15m0s recover restart           [baseline] pretrain: fro…",
      "space pause  +/- speed  n jump  tab focus  ←→ policy",
      "↑↓ scroll  f kind  q quit",
    ]);
  });

  it("80x24, after the burst: its footprint still on the map, the bus bar pinned atop a flood of upsets, dimmed once over", () => {
    const m = storyModel();
    // 2h21m to 2h40m: an upset a minute on row04 (west-facing, outside the burst)
    for (let i = 0; i < 20; i++)
      m.onRecord("fault", 2 * 3600 + 21 * 60 + i * 60, { kind: "cosmic.upset", target: `dc1/row04/rack${String((i % 12) + 1).padStart(2, "0")}/host02` });
    const vb = new ViewBuilder(m);
    const hs = { state: "running", speedIndex: 2, simPerWall: 3600, eventsPerSec: 31015 } as const;
    const lines = frame(vb.build(initialUi, hs, 80, 23));
    expect(lines.slice(2, 8)).toEqual([
      "  map baseline · 1 rack/cell  · ok ░ hit + err ~ drain x some ! corrupt █ down",
      "dc1",
      "01→░░░░░░░░░░░░",
      "02←██████······",
      "03→░░░░░░░░░░░░",
      "04←++++++++·+++", // rack09's upset was at 2h29m, out of the 10-minute window
    ]);
    expect(lines.slice(12, 15)).toEqual([
      "▸ feed 49",
      "▲ 2h10m0s fault   power.busbar      dc1/row02/busbar-a 24 hosts down, back in 6h",
      " 2h33m0s fault   cosmic.upset      dc1/row04/rack01/host02",
    ]);
    // Over (the bus bar was back at 8h10m): the pinned line is dimmed, every segment.
    m.at = 8.5 * 3600;
    const over = vb.build(initialUi, hs, 80, 23).feed[0];
    expect(over.every((seg) => seg.tone === "dim")).toBe(true);
  });

  it("80x24 and 120x40 with six SLOs of four units: every value in its threshold's unit, and at 80x24 the SLOs out of view counted with their breaches", () => {
    const hs = { state: "running" as const, speedIndex: 2, simPerWall: 3600, eventsPerSec: 31015 };
    expect(frame(new ViewBuilder(unitsModel()).build(initialUi, hs, 80, 23))).toEqual([
      "fleet chaos  units  seed 1  2h15m / 10h  ▶ running at 1h/s",
      "██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  ETA 0:08  31k ev/s  sim 1h/s",
      "  map baseline · 1 rack/cell  · ok ░ hit + err ~ drain x some ! corrupt █ down",
      "dc1",
      "01→++++++++++++",
      "02←██████······",
      "03→++++++++++++",
      "04←····!·······",
      "  SLOs live                baseline  hardened    trends baseline",
      "training.goodput >= 0.90     0.84 ✗    0.95 ✓  goodput    ▁▁▁               0.84",
      "serving.p999 <= 150ms       200ms ✗  83.9ms ✓  p99.9      ▁▁▁              200ms",
      "+4 more, 3 ✗                                   hosts down ▁▁█                 24",
      "▸ feed 29",
      " 2h6m40s fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2h6m45s fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2h6m50s fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2h6m55s fault   cosmic.upset      dc1/row03/rack11/host01",
      "  2h7m0s fault   cosmic.upset      dc1/row01/rack12/host01",
      "  2h7m5s fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2h10m0s fault   power.busbar      dc1/row02/busbar-a 24 hosts down, back in 6h",
      " 2h12m0s detect  silent            dc1/row04/rack05/host02 [baseline] 4-bit cos…",
      " 2h15m0s recover restart           [baseline] pretrain: from checkpoint at 1h, …",
      "space pause  +/- speed  n jump  tab focus  ←→ policy  ↑↓ scroll  f kind  q quit",
    ]);
    expect(frame(new ViewBuilder(unitsModel()).build(initialUi, hs, 120, 39))).toEqual([
      "fleet chaos  units  seed 1  2h15m / 10h  ▶ running at 1h/s",
      "███████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  22%  ETA 0:08  31k ev/s  sim 1h/s",
      "  map baseline · 1 rack/cell   · healthy  ░ hit lately  + errors  ~ draining  x some down  ! corrupt  █ down",
      "dc1",
      "01→++++++++++++",
      "02←██████······",
      "03→++++++++++++",
      "04←····!·······",
      "  SLOs live                                       baseline  hardened    trends baseline",
      "training.goodput >= 0.90                            0.84 ✗    0.95 ✓  goodput    ▁▁▁                                0.84",
      "serving.p999 <= 150ms                              200ms ✗  83.9ms ✓  p99.9      ▁▁▁                               200ms",
      "serving.availability >= 99.95%                     99.9% ✗  99.99% ✓  hosts down ▁▁█                                  24",
      "training.lostWorkHours <= 2h                       2h30m ✗     45m ✓",
      "storage.lostBytes == 0                                 0 ✓       0 ✓",
      "silentCorruptions == 0                                 1 ✗       0 ✓",
      "▸ feed 29",
      " 2h5m35s fault   cosmic.upset      dc1/row03/rack03/host01",
      " 2h5m40s fault   cosmic.upset      dc1/row01/rack04/host01",
      " 2h5m45s fault   cosmic.upset      dc1/row03/rack04/host01",
      " 2h5m50s fault   cosmic.upset      dc1/row01/rack05/host01",
      " 2h5m55s fault   cosmic.upset      dc1/row03/rack05/host01",
      "  2h6m0s fault   cosmic.upset      dc1/row01/rack06/host01",
      "  2h6m5s fault   cosmic.upset      dc1/row03/rack06/host01",
      " 2h6m10s fault   cosmic.upset      dc1/row01/rack07/host01",
      " 2h6m15s fault   cosmic.upset      dc1/row03/rack07/host01",
      " 2h6m20s fault   cosmic.upset      dc1/row01/rack08/host01",
      " 2h6m25s fault   cosmic.upset      dc1/row03/rack08/host01",
      " 2h6m30s fault   cosmic.upset      dc1/row01/rack09/host01",
      " 2h6m35s fault   cosmic.upset      dc1/row03/rack09/host01",
      " 2h6m40s fault   cosmic.upset      dc1/row01/rack10/host01",
      " 2h6m45s fault   cosmic.upset      dc1/row03/rack10/host01",
      " 2h6m50s fault   cosmic.upset      dc1/row01/rack11/host01",
      " 2h6m55s fault   cosmic.upset      dc1/row03/rack11/host01",
      "  2h7m0s fault   cosmic.upset      dc1/row01/rack12/host01",
      "  2h7m5s fault   cosmic.upset      dc1/row03/rack12/host01",
      " 2h10m0s fault   power.busbar      dc1/row02/busbar-a 24 hosts down, back in 6h",
      " 2h12m0s detect  silent            dc1/row04/rack05/host02 [baseline] 4-bit cosmic.upset missed by secded(72,64)",
      " 2h15m0s recover restart           [baseline] pretrain: from checkpoint at 1h, lost 1h15m (power.busbar)",
      "space pause  +/- speed  n jump  tab focus  ←→ policy  ↑↓ scroll  f kind  q quit",
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
