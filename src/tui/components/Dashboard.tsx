// The whole dashboard, drawn from a DashboardView (view.ts): header, map, SLO board beside
// the trend charts, feed, key legend. Takes props and renders; nothing else.
import { Box } from "ink";
import type { Line } from "../line.js";
import type { DashboardView } from "../view.js";
import { LineView } from "./LineView.js";

function Lines({ lines, color, width }: { lines: Line[]; color: boolean; width?: number }) {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((l, i) => (
        <LineView key={i} line={l} color={color} />
      ))}
    </Box>
  );
}

export function Dashboard({ view, color }: { view: DashboardView; color: boolean }) {
  return (
    <Box flexDirection="column" width={view.width}>
      <Lines lines={view.header} color={color} />
      <Lines lines={[view.mapTitle, ...view.map]} color={color} />
      <Box flexDirection="row">
        <Lines lines={view.board} color={color} width={view.boardWidth} />
        <Box width={view.width - view.boardWidth - view.trendsWidth} flexShrink={0} />
        <Lines lines={[view.trendsTitle, ...view.trends]} color={color} width={view.trendsWidth} />
      </Box>
      <Lines lines={[view.feedTitle, ...view.feed]} color={color} />
      <Lines lines={view.legend} color={color} />
    </Box>
  );
}
