import { describe, expect, it } from "vitest";
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
