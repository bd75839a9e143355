// One line of the dashboard: its segments as one string, coloured by tone (plain under
// NO_COLOR).
import { Text } from "ink";
import type { Line } from "../line.js";
import { ansiLine } from "../palette.js";

export function LineView({ line, color }: { line: Line; color: boolean }) {
  return <Text wrap="truncate-end">{ansiLine(line, color)}</Text>;
}
