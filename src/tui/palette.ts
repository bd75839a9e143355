// Tones to colours, and the glyph of each rack state. Every state has its own character,
// so the map reads the same without colour (NO_COLOR, https://no-color.org): colour only
// repeats what the glyph already says.
import type { Tone } from "./line.js";
import type { CellState } from "./fold.js";

/**
 * Glyph, tone and legend word of each rack state, in CellState order (healthy .. down):
 * errors = corrected or recoverable errors, some down = some of its hosts down, corrupt =
 * silent corruption (a defective core, or an error the code missed), down = every host.
 */
export const STATES: readonly { glyph: string; tone: Tone; label: string }[] = [
  { glyph: "·", tone: "healthy", label: "healthy" },
  { glyph: "+", tone: "errors", label: "errors" },
  { glyph: "~", tone: "draining", label: "draining" },
  { glyph: "x", tone: "partial", label: "some down" },
  { glyph: "!", tone: "corrupt", label: "corrupt" },
  { glyph: "█", tone: "down", label: "down" },
];

export function glyphOf(s: CellState): string {
  return STATES[s].glyph;
}

export function toneOfState(s: CellState): Tone {
  return STATES[s].tone;
}

export interface Style {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
  inverse?: boolean;
}

const STYLES: Record<Tone, Style> = {
  healthy: { color: "green" },
  errors: { color: "yellow" },
  draining: { color: "cyan" },
  partial: { color: "redBright" },
  corrupt: { color: "magentaBright", bold: true },
  down: { color: "red" },
  ok: { color: "green" },
  bad: { color: "red", bold: true },
  dim: { dimColor: true },
  title: { bold: true },
  focus: { color: "cyan", bold: true },
  warn: { color: "yellow", bold: true },
};

/** The Ink text style of a tone; none at all without colour. */
export function styleOf(tone: Tone | undefined, color: boolean): Style {
  if (!tone || !color) return {};
  return STYLES[tone];
}

/**
 * Whether to colour: NO_COLOR set to anything non-empty turns colour off (no-color.org);
 * so does TERM=dumb.
 */
export function colorWanted(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}
