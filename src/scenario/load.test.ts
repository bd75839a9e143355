import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, loadScenarioText } from "./load.js";
import { formatIssues, type Issue } from "../base/issues.js";

const GOOD = `name: small
seed: 7
duration: 72h
fleet:
  host: { dimms: 16, dimmGiB: 32, ecc: secded }
  datacenters:
    - name: dc1
      altitudeM: 1500
      rows: 4
      racksPerRow: 10
      hostsPerRack: 16
      power: { busbarsPerRow: 2 }
`;

function issues(text: string): Issue[] {
  const r = loadScenarioText(text, "x.yaml");
  if (r.ok) throw new Error("expected the scenario to be rejected");
  return r.issues;
}

describe("loading a scenario", () => {
  it("fills documented defaults", () => {
    const r = loadScenarioText(GOOD, "x.yaml");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.value;
    expect(s.seed).toBe(7);
    expect(s.durationSec).toBe(72 * 3600);
    expect(s.snapshotEverySec).toBe((72 * 3600) / 100);
    const dc = s.fleet.datacenters[0];
    expect(dc.facing).toBe("alternate");
    expect(dc.aisleAzimuthDeg).toBe(90);
    expect(dc.power).toEqual({ busbarsPerRow: 2, busbarsPerPdu: "auto", assign: "contiguous" });
    expect(dc.host).toEqual({ dimms: 16, dimmBytes: 32 * 2 ** 30, ecc: "secded", disks: 4, diskBytes: 8e12, accelerators: 8 });
    expect(s.faults).toEqual([]);
    expect(s.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reports an unknown key with line, column, path and a did-you-mean", () => {
    const [i] = issues(GOOD.replace("racksPerRow: 10", "racksPerRow: 10\n      hostPerRack: 3"));
    expect(i).toMatchObject({ code: "unknown_key", line: 11, column: 7, path: ["fleet", "datacenters", 0, "hostPerRack"] });
    expect(i.hint).toBe('did you mean "hostsPerRack"?');
  });

  it("reports a wrong type", () => {
    const [i] = issues(GOOD.replace("rows: 4", "rows: four"));
    expect(i).toMatchObject({ code: "invalid_type", line: 9, column: 13 });
    expect(i.message).toBe('expected a whole number, found "four"');
  });

  it("reports a bad unit and a negative duration", () => {
    expect(issues(GOOD.replace("duration: 72h", "duration: 72 parsecs"))[0]).toMatchObject({ code: "bad_unit", line: 3, column: 11 });
    const neg = issues(GOOD.replace("duration: 72h", "duration: -3h"))[0];
    expect(neg).toMatchObject({ code: "bad_unit", line: 3 });
    expect(neg.message).toMatch(/not negative/);
  });

  it("reports every error at once, in file order", () => {
    const text = GOOD.replace("rows: 4", "rows: -4").replace("ecc: secded", "ecc: chipkil").replace("hostsPerRack: 16", "hostsPerRack: 1.5");
    const all = issues(text);
    expect(all.map((i) => i.line)).toEqual([5, 9, 11]);
    expect(all[0].hint).toBe('did you mean "chipkill"?');
  });

  it("rejects an empty file, a non-map and text that is not YAML", () => {
    expect(issues("")[0]).toMatchObject({ code: "empty", line: 1, column: 1 });
    expect(issues("# only a comment\n")[0].code).toBe("empty");
    expect(issues("- a\n- b\n")[0]).toMatchObject({ code: "invalid_type", line: 1 });
    const junk = issues("name: [unclosed\nduration: {\n");
    expect(junk[0].code).toBe("yaml_syntax");
    expect(junk[0].line).toBeGreaterThan(0);
  });

  it("refuses YAML tags: nothing constructs or executes", () => {
    const i = issues(GOOD.replace("name: small", "name: !!js/function 'function(){}'"));
    expect(i[0]).toMatchObject({ code: "yaml_tag", line: 1 });
    expect(issues(GOOD.replace("seed: 7", "seed: !!binary aGVsbG8="))[0].code).toBe("yaml_tag");
  });

  it("bounds alias expansion (no alias bombs)", () => {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    let prev = "a";
    for (let i = 0; i < 9; i++) {
      const name = `l${i}`;
      bomb += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
      prev = name;
    }
    bomb += `name: bomb\nduration: 1h\nfleet:\n  datacenters:\n    - { name: dc1, rows: 1, racksPerRow: 1, hostsPerRack: 1 }\n`;
    const r = loadScenarioText(bomb, "bomb.yaml");
    expect(r.ok).toBe(false);
  });

  it("stops a typo such as hostsPerRack: 1e9 with the way to raise the limit", () => {
    const [i] = issues(GOOD.replace("hostsPerRack: 16", "hostsPerRack: 1000000000"));
    expect(i.code).toBe("limit");
    expect(i.hint).toMatch(/limits\.maxHosts/);
    const big = issues(GOOD.replace("rows: 4", "rows: 5000").replace("racksPerRow: 10", "racksPerRow: 100").replace("hostsPerRack: 16", "hostsPerRack: 40"));
    expect(big[0]).toMatchObject({ code: "limit" });
    expect(big[0].message).toMatch(/2,000,000 hosts/);
    const raised = loadScenarioText(
      `limits: { maxHosts: 30000000 }\n${GOOD.replace("rows: 4", "rows: 5000").replace("racksPerRow: 10", "racksPerRow: 100").replace("hostsPerRack: 16", "hostsPerRack: 40")}`,
      "x.yaml",
    );
    expect(raised.ok).toBe(true);
  });

  it("checks links between datacenters", () => {
    const text = `${GOOD}    - { name: dc2, rows: 1, racksPerRow: 2, hostsPerRack: 4 }\n  links:\n    - { between: [dc1, dc3], latency: 5ms }\n`;
    const [i] = issues(text);
    expect(i).toMatchObject({ code: "unknown_name", line: 15 });
    expect(i.hint).toBe('did you mean "dc1"?');
  });

  it("formats issues as file:line:column path: message (hint)", () => {
    const text = formatIssues("x.yaml", issues(GOOD.replace("racksPerRow: 10", "racksPerRow: 10\n      hostPerRack: 3")));
    expect(text).toBe('x.yaml:11:7 fleet.datacenters[0].hostPerRack: unknown key "hostPerRack" (did you mean "hostsPerRack"?)\n1 error in x.yaml');
  });

  it("reads files: missing, binary junk and invalid UTF-8 are clear errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-load-"));
    expect(loadScenarioFile(join(dir, "nope.yaml"))).toMatchObject({ ok: false, issues: [{ message: "no such file" }] });
    const bin = join(dir, "bin.yaml");
    writeFileSync(bin, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x01]));
    const r = loadScenarioFile(bin);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].message).toMatch(/not UTF-8/);
    const good = join(dir, "good.yaml");
    writeFileSync(good, GOOD);
    expect(loadScenarioFile(good).ok).toBe(true);
  });
});

describe("hostile scenario files get one clear error each", () => {
  it("refuses a device or a FIFO before reading it", () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "fleet-load-")), "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    for (const [file, kind] of [
      ["/dev/null", "a device"],
      [fifo, "a FIFO"],
    ]) {
      expect(loadScenarioFile(file)).toEqual({
        ok: false,
        issues: [{ code: "invalid_value", path: [], message: `is not a regular file (${kind}); a scenario file must be a regular file` }],
      });
    }
  });

  it("an alias budget overrun is one error, not one per alias after it", () => {
    const text = `${GOOD}faults:\n  - host: &h {}\n${"  - host: *h\n".repeat(1100)}`;
    expect(issues(text)).toEqual([
      {
        code: "yaml_alias",
        path: ["faults", 1001, "host"],
        line: 1015,
        column: 11,
        message: "too many alias expansions",
        hint: "a file may expand at most 1000 aliases",
      },
    ]);
  });

  it("nesting deeper than 100 levels is one error where it passes the limit, not a stack overflow per bracket", () => {
    for (const deep of ["[".repeat(3000), `${"[".repeat(1000)}${"]".repeat(1000)}`, `${"{x: ".repeat(1000)}1${"}".repeat(1000)}`]) {
      const all = issues(`${GOOD}description: ${deep}\n`);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ code: "yaml_syntax", line: 13, message: "lists and maps nested more than 100 levels deep" });
    }
    // 99 levels under description: is deep but allowed, and reported as what it is.
    expect(issues(`${GOOD}description: ${"[".repeat(99)}${"]".repeat(99)}\n`)).toMatchObject([
      { path: ["description"], message: "expected text, found a list" },
    ]);
  });

  it("an SLO threshold is finite, and a percentage lies between 0% and 100%", () => {
    const slo = (metric: string, comparison: string) => issues(`${GOOD}slo:\n  ${metric}: "${comparison}"\n`);
    expect(slo("training.goodput", ">= -5%")).toMatchObject([
      { path: ["slo", "training.goodput"], line: 14, message: 'a percentage lies between 0% and 100%, found "-5%"' },
    ]);
    expect(slo("serving.availability", ">= 150%")[0].message).toBe('a percentage lies between 0% and 100%, found "150%"');
    expect(slo("training.goodput", ">= -0.5")[0].message).toBe('training.goodput is a fraction, never below 0; found "-0.5"');
    expect(slo("training.interruptions", "<= 1e400")).toMatchObject([
      { path: ["slo", "training.interruptions"], message: 'expected a finite threshold, found "1e400"' },
    ]);
    expect(slo("storage.lostBytes", ">= -1e400")[0].message).toBe('expected a finite threshold, found "-1e400"');
    expect(formatIssues("x.yaml", slo("training.goodput", ">= -5%"))).toMatch(/^x\.yaml:14:\d+ slo\["training\.goodput"\]: a percentage/);
  });
});
