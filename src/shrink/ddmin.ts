// Minimising a failing set: a list of items of which the whole still "fails" (for `fleet
// shrink`: the faults under which an SLO breaches), cut down to a 1-minimal part (removing
// any single item makes it pass). Two methods:
//
// `grow`, for a failure that only grows with more items (monotone: more faults, a worse
// metric): items in order of likely importance; a search for the shortest prefix that
// fails together with the items already known to be needed finds the next needed item
// (the prefix's last); then only the items before it remain candidates, until the needed
// items fail on their own. About k log(n) probes for k needed items of n (the scheme of
// Junker's QuickXplain, AAAI 2004, done one item at a time), and few when the heavy items
// are the ones that matter. Each search probes `width` prefixes per batch.
//
// `ddmin`, delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating
// Failure-Inducing Input", IEEE TSE 28(2), 2002), for any failure. It
// splits the current set into g parts, keeps a part that fails alone, else a complement
// (the set without one part) that fails, else splits finer, until the set is 1-minimal:
// removing any single item makes it pass. The caller has checked that the whole fails and
// that the empty set passes.
//
// Probes run in batches (a batch's runs go to the worker threads together): each step
// tries its candidates `width` at a time and stops at the first batch with a failure.
// Probe results are cached by the set they tried, so no set is run twice. A `budget` of
// runs stops the search early with the smallest failing set found so far (then not
// necessarily 1-minimal: the result says so).

/** Whether each candidate fails: one batch, run together. */
export type Probe<T> = (candidates: readonly T[]) => Promise<boolean[]>;

export interface DdminResult {
  /** The smallest failing set found, as sorted indices. */
  kept: number[];
  /** Candidates probed (cache hits are not counted). */
  probes: number;
  /** The run budget ran out before the set was shown 1-minimal. */
  exhausted: boolean;
}

/** `c` cut into `g` contiguous parts of near-equal size (g <= c.length). */
export function split(c: readonly number[], g: number): number[][] {
  const parts: number[][] = [];
  let start = 0;
  for (let i = 0; i < g; i++) {
    const end = start + Math.floor((c.length - start) / (g - i));
    parts.push(c.slice(start, end));
    start = end;
  }
  return parts;
}

/** A probe with a cache (by `keyOf`), a batch width and a budget of runs. */
export class CachedProbe<T = readonly number[]> {
  private readonly cache = new Map<string, boolean>();
  probes = 0;

  constructor(
    private readonly probe: Probe<T>,
    readonly width: number,
    private readonly budget: number,
    private readonly keyOf: (c: T) => string = (c) => (c as readonly number[]).join(","),
  ) {}

  get exhausted(): boolean {
    return this.probes >= this.budget;
  }

  /** The first of `cands` that fails (probing `width` at a time), or -1. */
  async firstFailing(cands: readonly T[]): Promise<number> {
    for (let i = 0; i < cands.length; i += this.width) {
      const batch = cands.slice(i, i + this.width);
      const todo = batch.filter((c, j) => !this.cache.has(this.keyOf(c)) && batch.findIndex((d) => this.keyOf(d) === this.keyOf(c)) === j);
      const room = this.budget - this.probes;
      if (todo.length > room) todo.length = Math.max(0, room);
      if (todo.length) {
        this.probes += todo.length;
        const got = await this.probe(todo);
        todo.forEach((c, j) => this.cache.set(this.keyOf(c), got[j]));
      }
      const hit = batch.findIndex((c) => this.cache.get(this.keyOf(c)) === true);
      if (hit >= 0) return i + hit;
      if (this.exhausted) return -1;
    }
    return -1;
  }

  /** Whether each of `cands` fails, probed in one batch (false for those past the budget). */
  async failing(cands: readonly T[]): Promise<boolean[]> {
    const todo = cands.filter((c, j) => !this.cache.has(this.keyOf(c)) && cands.findIndex((d) => this.keyOf(d) === this.keyOf(c)) === j);
    todo.length = Math.min(todo.length, Math.max(0, this.budget - this.probes));
    if (todo.length) {
      this.probes += todo.length;
      const got = await this.probe(todo);
      todo.forEach((c, j) => this.cache.set(this.keyOf(c), got[j]));
    }
    return cands.map((c) => this.cache.get(this.keyOf(c)) === true);
  }

  /** Whether `c` fails (probed if not known; false once the budget is spent). */
  async fails(c: T): Promise<boolean> {
    return (await this.firstFailing([c])) === 0;
  }
}

/**
 * A 1-minimal failing subset of items 0..count-1 (all of which fail together), for a
 * monotone failure, trying items in `order` (most likely needed first). Undefined when
 * the failure turns out not to be monotone (a prefix that should fail does not): use ddmin.
 */
export async function grow(order: readonly number[], probe: CachedProbe<readonly number[]>): Promise<DdminResult | undefined> {
  const needed: number[] = [];
  let candidates = [...order];
  const set = (prefix: number) => [...needed, ...candidates.slice(0, prefix)].sort((a, b) => a - b);
  while (!probe.exhausted) {
    if (needed.length && (await probe.fails(set(0)))) break;
    // The shortest prefix of candidates that fails with `needed`: in (lo, hi].
    let lo = 0;
    let hi = candidates.length;
    if (!(await probe.fails(set(hi)))) return undefined;
    while (hi - lo > 1 && !probe.exhausted) {
      const points = Array.from(
        { length: Math.min(probe.width, hi - lo - 1) },
        (_, i) => lo + Math.round(((i + 1) * (hi - lo)) / (Math.min(probe.width, hi - lo - 1) + 1)),
      );
      const tried = [...new Set(points)].filter((x) => x > lo && x < hi);
      const fails = await probe.failing(tried.map(set));
      const first = fails.indexOf(true);
      if (first >= 0) hi = tried[first];
      lo = first >= 0 ? (first > 0 ? tried[first - 1] : lo) : tried[tried.length - 1];
    }
    needed.push(candidates[hi - 1]);
    candidates = candidates.slice(0, hi - 1);
  }
  return { kept: [...needed].sort((a, b) => a - b), probes: probe.probes, exhausted: probe.exhausted };
}

/**
 * ddmin over `items` (all of which fail together), trying `first` (sets that are likely
 * to fail alone, e.g. the heaviest items one by one) before splitting.
 */
export async function ddmin(count: number, probe: CachedProbe<readonly number[]>, first: readonly (readonly number[])[] = []): Promise<DdminResult> {
  let c = Array.from({ length: count }, (_, i) => i);
  const hit = await probe.firstFailing(first);
  if (hit >= 0) c = [...first[hit]].sort((a, b) => a - b);
  let g = 2;
  while (c.length >= 2 && !probe.exhausted) {
    g = Math.min(g, c.length);
    const parts = split(c, g);
    const sub = await probe.firstFailing(parts);
    if (sub >= 0) {
      c = parts[sub];
      g = 2;
      continue;
    }
    if (g > 2) {
      const comps = parts.map((_, i) => parts.flatMap((p, j) => (j === i ? [] : p)));
      const comp = await probe.firstFailing(comps);
      if (comp >= 0) {
        c = comps[comp];
        g = Math.max(g - 1, 2);
        continue;
      }
    }
    if (g >= c.length) break;
    g = Math.min(c.length, 2 * g);
  }
  return { kept: c, probes: probe.probes, exhausted: probe.exhausted && c.length >= 2 };
}
