// Tones to colours, and the glyph of each rack state. Every state has its own character,
// so the map reads the same without colour (NO_COLOR, https://no-color.org): colour only
// repeats what the glyph already says.
import type { Line, Tone } from "./line.js";
import type { CellState } from "./fold.js";

/**
 * Glyph, tone and legend words (long, short) of each rack state, in CellState order (healthy .. down):
 * hit = in the footprint of a recent correlated incident (a burst, a bus bar...), errors =
 * corrected or recoverable errors, some down = some of its hosts down, corrupt = silent
 * corruption (a defective core, or an error the code missed), down = every host.
 */
export const STATES: readonly { glyph: string; tone: Tone; label: string; short: string }[] = [
  { glyph: "·", tone: "healthy", label: "healthy", short: "ok" },
  { glyph: "░", tone: "dim", label: "hit lately", short: "hit" },
  { glyph: "+", tone: "errors", label: "errors", short: "err" },
  { glyph: "~", tone: "draining", label: "draining", short: "drain" },
  { glyph: "x", tone: "partial", label: "some down", short: "some" },
  { glyph: "!", tone: "corrupt", label: "corrupt", short: "corrupt" },
  { glyph: "█", tone: "down", label: "down", short: "down" },
];

export function glyphOf(s: CellState): string {
  return STATES[s].glyph;
}

export function toneOfState(s: CellState): Tone {
  return STATES[s].tone;
}

/** SGR parameters of each tone (30-37 colours, 90-97 bright colours, 1 bold, 2 dim). */
const SGR: Record<Tone, number[]> = {
  healthy: [32],
  errors: [33],
  draining: [36],
  partial: [91],
  corrupt: [95, 1],
  down: [31],
  ok: [32],
  bad: [31, 1],
  dim: [2],
  title: [1],
  focus: [36, 1],
  warn: [33, 1],
};

/**
 * A line as one string, each toned segment wrapped in its SGR codes (and reset after);
 * plain text without colour. One string per line keeps Ink's work per frame small: a
 * frame is a few dozen text nodes, not one per segment.
 */
export function ansiLine(line: Line, color: boolean): string {
  let out = "";
  for (const s of line) out += color && s.tone ? `\x1b[${SGR[s.tone].join(";")}m${s.text}\x1b[0m` : s.text;
  return out;
}

/**
 * Whether to colour: NO_COLOR set to anything non-empty turns colour off (no-color.org);
 * so does TERM=dumb.
 */
export function colorWanted(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}
