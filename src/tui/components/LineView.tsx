// One line of segments: each segment a Text in its tone's style (none under NO_COLOR).
import { Text } from "ink";
import type { Line } from "../line.js";
import { styleOf } from "../palette.js";

export function LineView({ line, color }: { line: Line; color: boolean }) {
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} {...styleOf(s.tone, color)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
