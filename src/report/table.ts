// Plain aligned text tables for the text reporters: the maths of layout, no colours.
export type Align = "left" | "right";

export function table(header: string[], rows: (string | number)[][], align: Align[] = []): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => ((align[c] ?? (c === 0 ? "left" : "right")) === "left" ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

export function fmtNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  return String(+x.toPrecision(digits));
}

/**
 * `text` in lines of at most `width` columns, broken between words, or with `items`
 * between the items of a comma-separated list (an item is never split); lines after the
 * first start with `indent`. A word longer than the width stands on its own line.
 * Text `keep` matches is never split.
 */
export function wrap(text: string, width: number, opts: { indent?: string; items?: boolean; keep?: RegExp } = {}): string[] {
  const indent = opts.indent ?? "";
  if (opts.keep) {
    // What `keep` matches (a global pattern: an interval "[0.39, 0.48]", a setting "(spares: 2%)") is never split.
    const glued = text.replace(opts.keep, (g) => g.replaceAll(" ", "\u00a0"));
    return wrap(glued, width, { ...opts, keep: undefined }).map((l) => l.replaceAll("\u00a0", " "));
  }
  const parts = opts.items ? text.split(", ").map((p, i, all) => (i < all.length - 1 ? `${p},` : p)) : text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line && line.length + 1 + part.length > width) {
      lines.push(line);
      line = `${indent}${part}`;
    } else line = line ? `${line} ${part}` : part;
  }
  if (line) lines.push(line);
  return lines;
}
