// Journal fuzzing: journals recorded by `fleet chaos` (complete, interrupted, and one whose
// scenario uses YAML anchors and aliases) are mutated at random: header fields (duration,
// seed, format, options, the scenario's text and its sha256) set to huge, negative,
// non-finite or mistyped values; JSON nested deep; the footer forged (verdicts flipped,
// status, counts, metrics, digest); lines dropped, repeated, swapped, cut, blanked or
// bit-flipped; aliases, alias bombs, tags, junk and a far shorter duration (far more
// snapshots over the header's) in the recorded scenario. Each mutant is
// resealed as a forger would, or not: no CRC recomputed, each edited line's CRC, or also
// the scenario's sha256 and the footer's digest. `fleet replay J`, `--verify`, `--verify
// --prefix` and `--policy` then exit 0, 1 or 2 (the summary 0 or 2), never 3, never with a
// stack trace, and whatever `--verify` says it verified is the recorded records, footer
// included (see expectRecorded for what a header may change).
//
// `npm test` runs a short pass; `npm run fuzz` runs FUZZ_RUNS / 10 cases and prints the
// counts, the slowest case and the peak memory.
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalLine, digestOfRecords } from "../src/journal/index.js";
import { VERSION } from "../src/base/version.js";
import { recordRun, resealed } from "../src/replay/testing.js";
import { type CliResult, fleet, tempDir } from "./helpers.js";
import { expectClean, FuzzTally } from "./fuzz.js";

const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 150) / 10);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
/** Replay runs are capped like the scenario fuzzer's chaos runs, so that no mutant runs long. */
const CAPS = ["--max-hosts", "20000", "--max-events", "100000"];

interface Source {
  name: string;
  /** The journal's lines, without their "\n". */
  lines: string[];
  /** What `--policy` asks of it. */
  policy: string;
}

let dir: string;
const sources: Source[] = [];

/** The replay fixture with anchors and aliases: a rack failing four times, each repaired after `*repair`. */
const withAliases = readFileSync("test/fixtures/replay.yaml", "utf8")
  .replace("    repair: 2h\n", `    repair: &repair 2h\n${"  - { at: 3h, rack: dc1/row01/rack02, repair: *repair }\n".repeat(3)}`)
  .replace("  baseline: { checkpoint: 2h }", "  baseline: { checkpoint: &every 2h }\n  often: { checkpoint: *every, spares: 1% }");

async function record(name: string, file: string, duration: string, policy: string): Promise<void> {
  const path = join(dir, `${name}.jsonl`);
  const r = await fleet(["chaos", file, "--duration", duration, "--journal", path, "-q"]);
  expect(r.err).toBe("");
  sources.push({ name, lines: readFileSync(path, "utf8").trimEnd().split("\n"), policy });
}

beforeAll(async () => {
  dir = tempDir("fleet-fuzz-journal-");
  await record("replay", "test/fixtures/replay.yaml", "6h", "hardened");
  await record("small", "test/fixtures/small.yaml", "2h", "test/fixtures/policy-strict.yaml");
  writeFileSync(join(dir, "aliases.yaml"), withAliases);
  await record("aliases", join(dir, "aliases.yaml"), "6h", "often");
  const interrupted = await recordRun({ durationSec: 6 * 3600, stopAfterSteps: 20 });
  expect(interrupted.footer.status).toBe("interrupted");
  sources.push({ name: "interrupted", lines: interrupted.text.trimEnd().split("\n"), policy: "baseline" });
});

// ---- mutations ------------------------------------------------------------------------

const JUNK: unknown[] = [
  1e308,
  -1e308,
  -1,
  0,
  -0.5,
  1.5,
  2 ** 53 + 1,
  1e-320,
  "NaN",
  "Infinity",
  "2h",
  "-5h",
  "",
  "x".repeat(300),
  null,
  true,
  [],
  {},
  [1, [2, [3]]],
  { durationSec: 1 },
];
/** Tokens written into a line's text in place of a number: some are not JSON, 1e999 reads as Infinity. */
const RAW = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-400", "0x10", "01", "-0", "1_000", '"\\ud800"', '"12"'];
const HEADER_FIELDS = [
  ["options", "durationSec"],
  ["seed"],
  ["format"],
  ["fleetVersion"],
  ["scenario"],
  ["scenarioSha256"],
  ["scenarioText"],
  ["options"],
  ["options", "file"],
  ["options", "reporter"],
  ["t"],
  ["wall"],
  ["extra"],
];
const FOOTER_EDITS = [
  "verdicts-all-ok",
  "verdicts-flipped",
  "verdicts-dropped",
  "status-complete",
  "status-interrupted",
  "status-failed",
  "status-junk",
  "records-plus-one",
  "records-huge",
  "at-zero",
  "at-doubled",
  "sim-events",
  "metric",
  "error",
  "no-digest",
  "digest-zero",
  "records-by-type",
] as const;
const LINE_OPS = ["drop", "repeat", "swap", "move", "cut", "blank", "junk", "flip", "splice"] as const;
const SCENARIO_EDITS = ["anchors", "alias-overrun", "alias-bomb", "deep", "tag", "other", "insert", "truncate", "second-doc", "empty", "short"] as const;
const ENDINGS = ["none", "truncate", "crlf", "bom", "no-newline", "trailing-junk"] as const;

const op = fc.oneof(
  fc.record({ kind: fc.constant("header" as const), field: fc.nat(HEADER_FIELDS.length - 1), value: fc.nat(JUNK.length - 1) }),
  fc.record({ kind: fc.constant("raw" as const), line: fc.nat(), nth: fc.nat(), token: fc.constantFrom(...RAW) }),
  fc.record({ kind: fc.constant("deep" as const), line: fc.nat(), depth: fc.constantFrom(10, 62, 63, 64, 65, 200, 100_000), objects: fc.boolean() }),
  fc.record({ kind: fc.constant("footer" as const), edit: fc.constantFrom(...FOOTER_EDITS) }),
  fc.record({ kind: fc.constant("lines" as const), op: fc.constantFrom(...LINE_OPS), a: fc.nat(), b: fc.nat(), junk: fc.string({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant("scenario" as const), edit: fc.constantFrom(...SCENARIO_EDITS), at: fc.nat(), junk: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant("event" as const), line: fc.nat(), key: fc.nat(), value: fc.nat(JUNK.length - 1), remove: fc.boolean() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const mutation = fc.record({
  source: fc.nat(3), // one of the four sources recorded below
  ops: fc.array(op, { minLength: 1, maxLength: 3 }),
  /** How the forger covers its tracks: not at all, each edited line's CRC, or also the scenario's sha256 and the footer's digest. */
  reseal: fc.constantFrom("none", "crc", "digest", "digest"),
  /** Mostly none: the other endings damage the whole file. */
  ending: fc.oneof({ arbitrary: fc.constant("none" as const), weight: 5 }, fc.constantFrom(...ENDINGS)),
  endingAt: fc.nat(),
  json: fc.boolean(),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

interface Draft {
  lines: string[];
  /** Lines edited (their CRCs are recomputed when resealing). */
  touched: Set<number>;
  scenarioEdited: boolean;
}

type Rec = Record<string, unknown>;

/**
 * Edits line i as a record, keeping its CRC as it was (resealing comes later). Lines that
 * are not JSON, or nest too deep for JSON.stringify, are left alone.
 */
function editRecord(d: Draft, i: number, edit: (r: Rec) => void): void {
  try {
    const rec = JSON.parse(d.lines[i]) as Rec;
    if (!rec || typeof rec !== "object") return;
    const { crc, ...rest } = rec;
    edit(rest);
    d.lines[i] = `${JSON.stringify(rest).slice(0, -1)},"crc":${JSON.stringify(crc ?? "")}}`;
    d.touched.add(i);
  } catch {}
}

function setPath(r: Rec, path: string[], value: unknown): void {
  let node = r;
  for (const p of path.slice(0, -1)) {
    if (!node[p] || typeof node[p] !== "object") node[p] = {};
    node = node[p] as Rec;
  }
  node[path[path.length - 1]] = structuredClone(value);
}

function editScenario(text: string, edit: (typeof SCENARIO_EDITS)[number], at: number, junk: string): string {
  const i = at % (text.length + 1);
  switch (edit) {
    case "anchors":
      return text.replace(/^( {2}- host: )(\{[^}\n]*\})/m, "$1&h $2").replace(/^( {2}- disk: \{\})/m, "$1\n  - host: *h");
    case "alias-overrun":
      return `x: &x { host: {} }\n${text.replace(/^faults:\n/m, `faults:\n${"  - *x\n".repeat(1001 + (at % 50))}`)}`;
    case "alias-bomb":
      return `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n${text}`;
    case "deep":
      return `${text.slice(0, i)}${"[{".repeat(50 + (at % 1000))}${text.slice(i)}`;
    case "tag":
      return text.replace(/^seed: (\d+)/m, `seed: !!js/function "function () { return $1 }"`);
    case "other":
      return readFileSync("test/fixtures/small.yaml", "utf8");
    case "insert":
      return text.slice(0, i) + junk + text.slice(i);
    case "truncate":
      return text.slice(0, i);
    case "second-doc":
      return `${text}\n---\nname: other\n`;
    case "empty":
      return "";
    case "short": // the header's duration stays: snapshots every duration / 100 of this one
      return text.replace(/^duration: .*$/m, `duration: ${["1s", "10ms", "1e-200"][at % 3]}`);
  }
}

function apply(d: Draft, o: Op, other: string[]): void {
  const n = d.lines.length;
  switch (o.kind) {
    case "header":
      return editRecord(d, 0, (r) => setPath(r, HEADER_FIELDS[o.field], JUNK[o.value]));
    case "raw": {
      const i = o.line % n;
      const numbers = [...d.lines[i].matchAll(/"\w+":(-?\d[\d.e+-]*)/g)];
      if (numbers.length === 0) return;
      const m = numbers[o.nth % numbers.length];
      const start = (m.index ?? 0) + m[0].length - m[1].length;
      d.lines[i] = d.lines[i].slice(0, start) + o.token + d.lines[i].slice(start + m[1].length);
      d.touched.add(i);
      return;
    }
    case "deep": {
      const i = o.line % n;
      const [open, close] = o.objects ? ['{"a":', "}"] : ["[", "]"];
      const nested = `${open.repeat(o.depth)}1${close.repeat(o.depth)}`;
      const line = d.lines[i];
      d.lines[i] = `${line.slice(0, -18)},"x":${nested}${line.slice(-18)}`;
      d.touched.add(i);
      return;
    }
    case "footer":
      return editRecord(d, n - 1, (r) => forgeFooter(r, o.edit));
    case "lines": {
      const a = o.a % n;
      const b = o.b % n;
      const lines = d.lines;
      if (o.op === "drop") lines.splice(a, 1);
      else if (o.op === "repeat") lines.splice(b, 0, lines[a]);
      else if (o.op === "swap") [lines[a], lines[b]] = [lines[b], lines[a]];
      else if (o.op === "move") lines.splice(b, 0, ...lines.splice(a, 1));
      else if (o.op === "cut") lines[a] = lines[a].slice(0, o.b % (lines[a].length + 1));
      else if (o.op === "blank") lines.splice(a, 0, "");
      else if (o.op === "junk") lines.splice(a, 0, o.junk);
      else if (o.op === "flip") {
        const at = o.b % lines[a].length;
        lines[a] = lines[a].slice(0, at) + String.fromCharCode(lines[a].charCodeAt(at) ^ (1 << (o.b % 7))) + lines[a].slice(at + 1);
        d.touched.add(a);
      } else lines.splice(a, 1, other[b % other.length]);
      return;
    }
    case "scenario":
      d.scenarioEdited = true;
      return editRecord(d, 0, (r) => {
        if (typeof r.scenarioText === "string") r.scenarioText = editScenario(r.scenarioText, o.edit, o.at, o.junk);
      });
    case "event": {
      if (n < 3) return;
      const i = 1 + (o.line % (n - 2));
      return editRecord(d, i, (r) => {
        const keys = Object.keys(r);
        const key = keys[o.key % keys.length];
        if (o.remove) delete r[key];
        else r[key] = structuredClone(JUNK[o.value]);
      });
    }
  }
}

function forgeFooter(r: Rec, edit: (typeof FOOTER_EDITS)[number]): void {
  const verdicts = Array.isArray(r.verdicts) ? (r.verdicts as Rec[]) : [];
  const metrics = r.metrics && typeof r.metrics === "object" ? (r.metrics as Record<string, Rec>) : {};
  switch (edit) {
    case "verdicts-all-ok":
      for (const v of verdicts) v.ok = true;
      return;
    case "verdicts-flipped":
      for (const v of verdicts) v.ok = !v.ok;
      return;
    case "verdicts-dropped":
      r.verdicts = [];
      return;
    case "status-complete":
    case "status-interrupted":
    case "status-failed":
      r.status = edit.slice("status-".length);
      return;
    case "status-junk":
      r.status = 7;
      return;
    case "records-plus-one":
      r.records = Number(r.records) + 1;
      return;
    case "records-huge":
      r.records = 1e308;
      return;
    case "at-zero":
      r.at = 0;
      return;
    case "at-doubled":
      r.at = Number(r.at) * 2;
      return;
    case "sim-events":
      r.simEvents = -1;
      return;
    case "metric": {
      const lane = Object.values(metrics).find((m) => m && typeof m === "object");
      const key = lane && Object.keys(lane).find((k) => typeof lane[k] === "number");
      if (lane && key) lane[key] = (lane[key] as number) + 1;
      return;
    }
    case "error":
      r.error = "forged";
      return;
    case "no-digest":
      delete r.digest;
      return;
    case "digest-zero":
      r.digest = "0".repeat(64);
      return;
    case "records-by-type":
      r.recordsByType = { fault: -1 };
      return;
  }
}

/** Recomputes what a careful forger would: edited lines' CRCs, then (digest) the scenario's sha256 and the footer's digest. */
function reseal(d: Draft, how: Mutation["reseal"]): void {
  if (how === "none") return;
  if (how === "digest" && d.scenarioEdited) {
    editRecord(d, 0, (r) => {
      if (typeof r.scenarioText === "string") r.scenarioSha256 = createHash("sha256").update(r.scenarioText, "utf8").digest("hex");
    });
  }
  for (const i of d.touched) if (i < d.lines.length && d.lines[i].length >= 18) d.lines[i] = resealed(d.lines[i]);
  if (how !== "digest") return;
  const f = d.lines.length - 1;
  const records: object[] = [];
  for (const line of d.lines) {
    try {
      records.push(JSON.parse(line) as object);
    } catch {}
  }
  const footer = records[records.length - 1] as Rec | undefined;
  if (!footer || footer.t !== "footer" || typeof d.lines[f] !== "string" || !d.lines[f].includes('"digest":"')) return;
  let digest: string;
  try {
    digest = digestOfRecords(records);
  } catch {
    return; // nested too deep for JSON.stringify: the forger gives up too
  }
  d.lines[f] = resealed(d.lines[f].replace(/"digest":"[^"]*"/, `"digest":"${digest}"`));
}

function finish(lines: string[], ending: Mutation["ending"], at: number): string {
  const text = lines.map((l) => `${l}\n`).join("");
  switch (ending) {
    case "none":
      return text;
    case "truncate":
      return text.slice(0, at % (text.length + 1));
    case "crlf":
      return text.replaceAll("\n", "\r\n");
    case "bom":
      return `\ufeff${text}`;
    case "no-newline":
      return text.slice(0, -1);
    case "trailing-junk":
      return `${text}{"t":"fault","at":1e308}\n`;
  }
}

function mutate(m: Mutation): { original: string[]; text: string } {
  const src = sources[m.source % sources.length];
  const other = sources[(m.source + 1) % sources.length].lines;
  const d: Draft = { lines: [...src.lines], touched: new Set(), scenarioEdited: false };
  for (const o of m.ops) if (d.lines.length > 0) apply(d, o, other);
  reseal(d, m.reseal);
  return { original: src.lines, text: finish(d.lines, m.ending, m.endingAt) };
}

/**
 * A run stopped by Ctrl-C at its last check for a stop, after its last slice, writes the
 * complete run's footer with status "interrupted" (src/run/session.ts checks after every
 * slice, the last one too): a complete footer relabelled so is one a real run writes, and
 * verifies. Read as complete for the comparison.
 */
function stoppedLast(r: Rec, horizonSec: number): Rec {
  return r.t === "footer" && r.status === "interrupted" && r.at === horizonSec ? { ...r, status: "complete" } : r;
}

/**
 * The records `fleet replay` said it verified (the first `n` lines) must be the recorded
 * ones, footer included, as the digest sees them (no crc, wall or footer digest). The
 * header may differ where the run does not (a comment in the scenario text, the file name
 * in its options): the re-run takes it as written, and what is verified is that these
 * records follow from it. Its fleet version is the one field a re-run cannot check (it
 * runs this version): replay warns when it names another.
 */
function expectRecorded(text: string, original: string[], r: CliResult, json: boolean): void {
  const said = json ? (JSON.parse(r.out) as { kind: string; lines: number }) : /verified(?: prefix)?: ([\d,]+) records/.exec(r.out);
  if (!said || (json && (said as { kind: string }).kind !== "verified")) throw new Error(`exit 0 without saying what was verified:\n${r.out}`);
  const n = json ? (said as { lines: number }).lines : Number((said as RegExpExecArray)[1].replaceAll(",", ""));
  const horizonSec = (JSON.parse(original[0]) as { options: { durationSec: number } }).options.durationSec;
  const canonical = (lines: string[]) => lines.map((l) => canonicalLine(stoppedLast(JSON.parse(l) as Rec, horizonSec)));
  const [header, ...records] = text.split("\n").slice(0, n);
  expect(canonical(records)).toEqual(canonical(original.slice(1, n)));
  const { fleetVersion } = JSON.parse(header) as { fleetVersion: unknown };
  if (fleetVersion !== VERSION) expect(r.err).toContain(`written by fleet ${String(fleetVersion)}, this is fleet ${VERSION}`);
}

describe(`journal fuzzing (${RUNS} cases, seed ${SEED})`, () => {
  it("the recorded journals verify unmutated", async () => {
    expect(sources.map((s) => s.name)).toEqual(["replay", "small", "aliases", "interrupted"]);
    for (const s of sources) {
      const path = join(dir, `${s.name}-copy.jsonl`);
      writeFileSync(path, `${s.lines.join("\n")}\n`);
      const r = await fleet(["replay", path, "--verify"]);
      expect([r.code, r.err]).toEqual([0, ""]);
    }
  });

  it(
    "mutated journals: replay exits 0, 1 or 2 with no stack trace, and verifies only the recorded records",
    async () => {
      const path = join(dir, "case.jsonl");
      const tally = new FuzzTally("mutated journals");
      let n = 0;
      await fc.assert(
        fc.asyncProperty(mutation, (m) =>
          tally.time(
            `case ${++n}`,
            async () => {
              const { original, text } = mutate(m);
              writeFileSync(path, text);
              const reporter = m.json ? ["--reporter", "json"] : [];
              const policy = sources[m.source % sources.length].policy;
              for (const [label, args, codes] of [
                ["summary", [], [0, 2]],
                ["verify", ["--verify", ...CAPS], [0, 1, 2]],
                ["prefix", ["--verify", "--prefix", ...CAPS], [0, 1, 2]],
                ["policy", ["--policy", policy, ...CAPS], [0, 1, 2]],
              ] as const) {
                const argv = ["replay", path, ...args, ...reporter];
                const r = await fleet(argv);
                expectClean(argv, r, codes);
                tally.exit(label, r.code);
                if (r.code === 0 && (label === "verify" || label === "prefix")) expectRecorded(text, original, r, m.json);
              }
            },
            path,
          ),
        ),
        { numRuns: RUNS, seed: SEED + 10 },
      );
      console.log(tally.summary());
    },
    RUNS * 20_000,
  );
});
