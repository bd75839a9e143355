// Overlapping episodes on one thing (a host's slowdowns, a rack's packet loss, a link's
// latency spikes), kept as one flat list [value, untilSec, value, untilSec, ...]: what is
// in force is the largest value of the episodes not yet over.

/** Drops the episodes over by `nowSec` (in place); returns how many values remain. */
export function dropEnded(episodes: number[], nowSec: number): number {
  let w = 0;
  for (let i = 0; i < episodes.length; i += 2) {
    if (episodes[i + 1] > nowSec) {
      episodes[w++] = episodes[i];
      episodes[w++] = episodes[i + 1];
    }
  }
  episodes.length = w;
  return w / 2;
}

/** The largest value of the episodes in force at `nowSec` (all of them by default), at least `floor`. */
export function largestInForce(episodes: readonly number[] | undefined, floor: number, nowSec = -Infinity): number {
  let v = floor;
  if (episodes) for (let i = 0; i < episodes.length; i += 2) if (episodes[i + 1] > nowSec && episodes[i] > v) v = episodes[i];
  return v;
}
