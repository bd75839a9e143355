// What every pane of the dashboard renders: lines of segments, each segment a piece of
// text with an optional tone (a meaning, not a colour: palette.ts turns tones into colours,
// or into nothing under NO_COLOR). The view functions build these; the Ink components only
// draw them, so everything about layout is tested without a terminal.

export type Tone =
  // rack states (see fold.ts)
  | "healthy"
  | "errors"
  | "draining"
  | "partial"
  | "corrupt"
  | "down"
  // verdicts and emphasis
  | "ok"
  | "bad"
  | "dim"
  | "title"
  | "focus"
  | "warn";

export interface Seg {
  text: string;
  tone?: Tone;
}

export type Line = Seg[];

/** Display width of a string: one column per code point (the dashboard uses no wide characters). */
export function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `s` cut to `w` columns, with "…" as its last column when it was cut. */
export function clip(s: string, w: number): string {
  if (w <= 0) return "";
  const cps = [...s];
  if (cps.length <= w) return s;
  return `${cps.slice(0, w - 1).join("")}…`;
}

/** `s` cut or padded with spaces to exactly `w` columns. */
export function padEnd(s: string, w: number): string {
  const c = clip(s, w);
  return c + " ".repeat(Math.max(0, w - width(c)));
}

/** `s` right-aligned in `w` columns (cut on the right if too long). */
export function fitRight(s: string, w: number): string {
  const c = clip(s, w);
  return " ".repeat(Math.max(0, w - width(c))) + c;
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + width(s.text), 0);
}

/** A line cut to `w` columns (segment by segment, the last cut one ending in "…"). */
export function clipLine(line: Line, w: number): Line {
  const out: Line = [];
  let left = w;
  for (let i = 0; i < line.length && left > 0; i++) {
    const s = line[i];
    const sw = width(s.text);
    if (sw <= left) {
      out.push(s);
      left -= sw;
    } else {
      out.push({ ...s, text: clip(s.text, left) });
      left = 0;
    }
  }
  // A cut that fell exactly on a segment boundary still has to say so.
  if (left === 0 && lineWidth(line) > w && out.length) {
    const last = out[out.length - 1];
    if (!last.text.endsWith("…")) out[out.length - 1] = { ...last, text: clip(`${last.text}…`, width(last.text)) };
  }
  return out;
}

/** A line cut or padded to exactly `w` columns. */
export function fitLine(line: Line, w: number): Line {
  const c = clipLine(line, w);
  const pad = w - lineWidth(c);
  return pad > 0 ? [...c, { text: " ".repeat(pad) }] : c;
}

/** Joins adjacent segments of the same tone (fewer Ink nodes per frame). */
export function merge(line: Line): Line {
  const out: Line = [];
  for (const s of line) {
    if (!s.text) continue;
    const last = out[out.length - 1];
    if (last && last.tone === s.tone) out[out.length - 1] = { text: last.text + s.text, tone: s.tone };
    else out.push(s);
  }
  return out;
}

export const text = (t: string, tone?: Tone): Seg => (tone ? { text: t, tone } : { text: t });
