// Plain aligned text tables for the text reporters: the maths of layout, no colours.
export type Align = "left" | "right";

/**
 * A table; with `maxWidth`, one wider than that is cut into several by columns, each
 * repeating the first column (the row names), as many columns in each as fit.
 */
export function table(header: string[], rows: (string | number)[][], align: Align[] = [], maxWidth = Infinity): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const total = widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  if (total > maxWidth && header.length > 2) {
    const groups: number[][] = [];
    let used = 0;
    for (let c = 1; c < header.length; c++) {
      const last = groups.at(-1);
      if (last && used + 2 + widths[c] <= maxWidth) {
        last.push(c);
        used += 2 + widths[c];
      } else {
        groups.push([c]);
        used = widths[0] + 2 + widths[c];
      }
    }
    const aligns = header.map((_, c): Align => align[c] ?? (c === 0 ? "left" : "right"));
    const pick = <T>(r: T[], g: number[]) => [r[0], ...g.map((c) => r[c])];
    return groups
      .map((g) =>
        table(
          pick(header, g),
          rows.map((r) => pick(r, g)),
          pick(aligns, g),
        ),
      )
      .join("\n\n");
  }
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
