// What a fault kind is. Each fault model declares its kinds once, in its own file
// (`cosmic.upset` in cosmic.ts, `power.busbar` in power.ts, ...), with everything the
// other layers need to know about it; every list of kinds elsewhere (which kinds take hosts
// down, which are correlated incidents, which the detection layer decodes, what the map
// draws) is derived from these declarations, never written by hand.
//
//   code        a fixed number, used by the trace digest and the trace's counters: never
//               an array position, never reused (a kind that goes away retires its code).
//   effect      what the kind does to the fleet, as the layers that react see it: a class
//               (down, slow, errors, corrupt, link, warning, none) and what it acts on.
//               A kind whose class is `none` says why no layer reacts to it; any other
//               class has at least one consumer (test: src/faults/kinds.test.ts).
//   correlated  it hits a whole failure domain at once (a burst, a bus bar, a rack, a
//               link): a correlated incident in timelines, summaries and explanations.
//   power       a loss of power (a host that loses power may not come back:
//               storage's no-reboot model).
//   episode     the incident parameter that says how long one fault lasts (`repair`,
//               `duration`, `replace`), when it ends.
//   fields      the kind-specific fields of its journal `fault` records, with their meaning
//               (every record also has kind, target and until; see COMMON_FIELDS).

/** What a fault acts on, by effect class. */
export type FaultEffect =
  /** Hosts lose power or crash (until repaired), or a disk is gone (until replaced). */
  | { class: "down"; on: "hosts" | "disk" }
  /** A host or a disk runs slow by `detail.factor` until `untilSec`. */
  | { class: "slow"; on: "host" | "disk" }
  /** Bits in error: one memory word, a count of single-bit upsets on a rack, a disk sector. */
  | { class: "errors"; on: "memory-word" | "memory-count" | "disk-sector" }
  /** Silent corruption: a result miscomputed, a host carrying a defective core, a disk block garbled. */
  | { class: "corrupt"; on: "result" | "core" | "disk-block" }
  /** The network: a link cut or slowed, or a rack's hosts losing packets. */
  | { class: "link"; on: "cut" | "latency" | "rack-loss" }
  /** A warning before another fault (a bus bar overheating before it trips). */
  | { class: "warning"; on: "power" }
  /** Nothing reacts: the kind is a marker or ground truth; `because` says why. */
  | { class: "none"; because: string };

export type EffectClass = FaultEffect["class"];

type KeyOf<E> = E extends { class: infer C extends string; on: infer O extends string } ? `${C}:${O}` : never;
/** `down:hosts`, `errors:memory-word`, ...: what a consumer says it reacts to. */
export type EffectKey = KeyOf<FaultEffect>;

export interface FaultKindDecl {
  /** `power.busbar`: the model's key, a dot, the kind. */
  readonly name: string;
  /** Fixed code for the trace digest and counters (0 .. MAX_KIND_CODE). */
  readonly code: number;
  /** One line for `fleet faults`, docs and the map legend. */
  readonly summary: string;
  readonly effect: FaultEffect;
  readonly correlated: boolean;
  readonly power: boolean;
  /** Incident parameter giving the length of one fault (`repair`, `duration`, `replace`). */
  readonly episode?: string;
  /** Kind-specific journal fields and their meaning. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Highest code a kind may have: counters are arrays of this size + 1. */
export const MAX_KIND_CODE = 63;

/** Fields every `fault` record may carry, whatever its kind. */
export const COMMON_FIELDS: Readonly<Record<string, string>> = {
  kind: "the fault kind",
  target: "the id of what was hit (absent for fleet-wide events)",
  until: "simulated second the fault ends (null: never)",
  repair: "seconds until the hosts come back (faults that take hosts down)",
  hosts: "hosts taken down (faults that take hosts down)",
  cause: "what set it off: the model's cause, or incident for a scheduled fault",
  aggregated: "true: a summary of many events over a window, not one event",
};

export interface KindOptions {
  code: number;
  summary: string;
  effect: FaultEffect;
  correlated?: boolean;
  power?: boolean;
  episode?: string;
  fields?: Record<string, string>;
}

/** Declares one fault kind (frozen). */
export function defineKind(name: string, o: KindOptions): FaultKindDecl {
  if (!/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)?$/.test(name))
    throw new RangeError(`fault kind name ${JSON.stringify(name)}: expected model.kind in lower camel case`);
  if (!Number.isInteger(o.code) || o.code < 0 || o.code > MAX_KIND_CODE)
    throw new RangeError(`fault kind ${name}: code ${o.code} is not an integer in 0..${MAX_KIND_CODE}`);
  if (o.effect.class === "none" && !o.effect.because.trim()) throw new RangeError(`fault kind ${name}: an effect of none says why`);
  return Object.freeze({
    name,
    code: o.code,
    summary: o.summary,
    effect: Object.freeze({ ...o.effect }),
    correlated: o.correlated ?? false,
    power: o.power ?? false,
    ...(o.episode === undefined ? {} : { episode: o.episode }),
    fields: Object.freeze({ ...(o.fields ?? {}) }),
  });
}

/** `down:hosts`, or undefined for an effect of `none`. */
export function effectKey(e: FaultEffect): EffectKey | undefined {
  return e.class === "none" ? undefined : (`${e.class}:${e.on}` as EffectKey);
}

/** Whether a fault of this kind takes hosts down (host crash, machine check, power, rack). */
export function takesHostsDown(k: FaultKindDecl): boolean {
  return k.effect.class === "down" && k.effect.on === "hosts";
}

/**
 * A table of kinds, checked: names and codes unique. Built once from the models'
 * declarations (./registry.ts); tests build their own.
 */
export class KindTable {
  private readonly byName = new Map<string, FaultKindDecl>();
  private readonly byCode: (FaultKindDecl | undefined)[] = [];

  constructor(readonly all: readonly FaultKindDecl[]) {
    for (const k of all) {
      const other = this.byCode[k.code];
      if (other) throw new RangeError(`fault kinds ${other.name} and ${k.name} share code ${k.code}`);
      if (this.byName.has(k.name)) throw new RangeError(`fault kind ${k.name} is declared twice`);
      this.byCode[k.code] = k;
      this.byName.set(k.name, k);
    }
  }

  get(name: string): FaultKindDecl | undefined {
    return this.byName.get(name);
  }

  ofCode(code: number): FaultKindDecl | undefined {
    return this.byCode[code];
  }

  /** Every kind, in code order (the order reports list them). */
  inOrder(): FaultKindDecl[] {
    return this.byCode.filter((k): k is FaultKindDecl => k !== undefined);
  }

  names(): string[] {
    return this.inOrder().map((k) => k.name);
  }

  /** The names of the kinds that satisfy `pred`. */
  namesWhere(pred: (k: FaultKindDecl) => boolean): Set<string> {
    return new Set(
      this.inOrder()
        .filter(pred)
        .map((k) => k.name),
    );
  }
}
