// Small trend charts: a series drawn with the eight block heights ▁..█, scaled between
// its own minimum and maximum (a flat series sits on the floor). A series longer than
// the chart is cut into equal buckets, each drawn at its mean; missing values (NaN)
// leave a blank.

const BARS = "▁▂▃▄▅▆▇█";

export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0 || values.length === 0) return "";
  const pts = values.length <= width ? [...values] : buckets(values, width);
  let min = Infinity;
  let max = -Infinity;
  for (const v of pts) {
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const span = max - min;
  return pts
    .map((v) => {
      if (!Number.isFinite(v)) return " ";
      const level = span > 0 ? Math.round(((v - min) / span) * (BARS.length - 1)) : 0;
      return BARS[level];
    })
    .join("");
}

/** `values` cut into `n` consecutive buckets of (nearly) equal length, each averaged. */
export function buckets(values: readonly number[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor((i * values.length) / n);
    const b = Math.floor(((i + 1) * values.length) / n);
    let sum = 0;
    let count = 0;
    for (let j = a; j < b; j++) {
      if (Number.isFinite(values[j])) {
        sum += values[j];
        count++;
      }
    }
    out.push(count ? sum / count : NaN);
  }
  return out;
}
