// Issue 20's second round of hardening, as a user meets it: a multi-policy run stopped on
// the way (Ctrl-C, --max-events) whose steps hold more events than the run loop's step
// bound exits 130 or 2 with the right footer, never "the policies produced different
// fault traces", and its journal verifies; and scenarios that `fleet validate` used to
// accept, or crash on, are refused with where and what (exit 2), never a stack trace.
//
// The Ctrl-C test runs the real binary: it needs dist/ built (`npm run build`; `npm test`
// builds first).
import { spawn } from "node:child_process";
import { readFileSync, statSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../src/journal/index.js";
import { fleet, tempDir } from "./helpers.js";

/** Two policies, millions of events in one stretch between snapshots (see the file). */
const DENSE = "test/fixtures/dense-steps.yaml";

describe("a multi-policy run stopped with more events per step than the step bound", () => {
  it("--max-events: exit 2 naming the limit, a failed footer with both policies compared, and the journal verifies", async () => {
    const dir = tempDir();
    const journal = join(dir, "limited.jsonl");
    const r = await fleet(["chaos", DENSE, "--max-events", "300000", "--journal", journal, "--reporter", "text", "-q"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/\nerror: the run passed the safety limit of 300,000 events at \d+s of simulated time; raise it with --max-events/);
    expect(r.out).not.toContain("internal error");
    const j = readJournal(journal);
    expect(j.issues).toEqual([]);
    expect(j.footer?.status).toBe("failed");
    expect(j.footer?.error).toMatch(/^the run passed the safety limit of 300,000 events/);
    // Both lanes stand at the footer's time: their metrics and one trace digest are there.
    expect(Object.keys(j.footer?.metrics ?? {}).sort()).toEqual(["hourly", "often", "traceDigest"]);
    const v = await fleet(["replay", journal, "--verify", "--max-events", "300000"]);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/\nverified/);
  });

  it("Ctrl-C: exit 130, an interrupted footer, and the journal verifies", async () => {
    const dir = tempDir();
    const journal = join(dir, "stopped.jsonl");
    const child = spawn(process.execPath, ["bin/fleet.js", "chaos", DENSE, "--journal", journal, "--reporter", "text", "-q"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    // Interrupt once the journal holds 200 kB (the run writes ~20 MB): every write to the
    // journal's folder is an event, and each looks at the journal's size.
    let sent = false;
    const watcher = watch(dir, () => {
      if (sent) return;
      try {
        if (statSync(`${journal}.partial`).size < 200_000) return;
      } catch {
        return;
      }
      sent = true;
      child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    watcher.close();
    expect(sent).toBe(true);
    expect(err).toMatch(/SIGINT: stopping/);
    expect(code, out + err).toBe(130);
    expect(out).toMatch(/\nstatus: interrupted at /);
    expect(out).not.toContain("internal error");
    const j = readJournal(journal);
    expect(j.issues).toEqual([]);
    expect(j.footer?.status).toBe("interrupted");
    expect(Object.keys(j.footer?.metrics ?? {}).sort()).toEqual(["hourly", "often", "traceDigest"]);
    const v = await fleet(["replay", journal, "--verify"]);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toMatch(/\nverified/);
  }, 60_000);
});

/** Writes `text` as `name` in a fresh folder; returns its path. */
function scenarioFile(name: string, text: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

describe("scenarios refused at load time, where validate accepted them or crashed", () => {
  const twoDcs = `name: links
seed: 1
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 16 }
    - { name: dc2, rows: 1, racksPerRow: 2, hostsPerRack: 16 }
  links:
    - { between: [dc1, dc2], bandwidth: 0Gbps, latency: 10ms }
workloads:
  - training: { name: job, hosts: 40, stepTime: 4s }
faults:
  - host: {}
`;
  const scheduledLink = "  - { at: 2h, link: dc1-dc2, latency: 50ms, duration: 1h }\n";

  it("a link of 0Gbps: an error at the bandwidth, exit 2, from validate and chaos, with or without scheduled faults", async () => {
    for (const text of [twoDcs, twoDcs + scheduledLink]) {
      const file = scenarioFile("links.yaml", text);
      for (const argv of [
        ["validate", file],
        ["chaos", file, "--no-journal", "--reporter", "text"],
      ]) {
        const r = await fleet(argv);
        expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(/links\.yaml:9:\d+ fleet\.links\[0\]\.bandwidth: expected more than zero, found "0Gbps"/);
        expect(r.err).not.toMatch(/\n\s+at /);
      }
    }
  });

  it("a training job whose hosts and spares pass the fleet: validate, chaos, gate and sweep name the path and the numbers", async () => {
    const file = scenarioFile(
      "job.yaml",
      `name: big-job
seed: 1
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 1, racksPerRow: 2, hostsPerRack: 16 }
workloads:
  - training: { name: job, hosts: 30, stepTime: 4s }
faults:
  - host: {}
policies:
  lean: { checkpoint: 1h }
  spare: { checkpoint: 1h, spares: 10% }
`,
    );
    const commands = [
      ["validate", file],
      ["chaos", file, "--no-journal", "--reporter", "text"],
      ["gate", file, "--seeds", "2", "--serial"],
      ["sweep", file, "--set", "policies.lean.checkpoint=1h..2h:2", "--seeds", "1", "--serial"],
    ];
    for (const argv of commands) {
      const r = await fleet(argv);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(
        /job\.yaml:8:\d+ workloads\[0\]\.training\.hosts: training job job needs hosts 0\.\.32 \(30 \+ 3 spares under policy spare\) but the fleet has 32 hosts/,
      );
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  const small = readFileSync("test/fixtures/small.yaml", "utf8");

  /** `validate` and `chaos` both refuse `file` with exit 2 and an error matching `want`, no stack trace. */
  async function refusedAtLoad(file: string, want: RegExp): Promise<void> {
    for (const argv of [
      ["validate", file],
      ["chaos", file, "--no-journal", "--reporter", "text"],
    ]) {
      const r = await fleet(argv);
      expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  }

  it("a scheduled disk failure on a disk the host does not have: an error naming the entry, the index and the host's disks", async () => {
    const file = scenarioFile("disk.yaml", `${small}  - { at: 1h, disk: dc1/row01/rack01/host01, index: 99 }\n`);
    await refusedAtLoad(
      file,
      /disk\.yaml:16:\d+ faults\[4\]\.index: disk fault: index is 99, but dc1\/row01\/rack01\/host01 has 4 disks \(index counts from 0 to 3\)/,
    );
  });

  it("the same in a timeline CSV file: the error names the file and its line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "incident.csv"), "at,kind,target,index\n1h,disk,dc1/row01/rack01/host01,1\n2h,disk,dc1/row01/rack01/host02,4\n");
    const file = join(dir, "timeline.yaml");
    writeFileSync(file, `${small}  - timeline: incident.csv\n`);
    await refusedAtLoad(
      file,
      /timeline\.yaml:16:\d+ faults\[4\]\.timeline: incident\.csv:3: disk fault: index is 4, but dc1\/row01\/rack01\/host02 has 4 disks \(index counts from 0 to 3\)/,
    );
  });
  it("a scheduled upset on a word or bits the host's memory does not have: an error naming the parameter", async () => {
    for (const [entry, want] of [
      ["word: 99999999999", /faults\[4\]\.word: cosmic fault: word is 99999999999, but dc1\/row01\/rack01\/host01 has \d+ memory words/],
      ["bits: 4, bit: 70", /faults\[4\]\.bit: cosmic fault: bit is 70, but dc1\/row01\/rack01\/host01 has 69 first positions/],
    ] as const) {
      const file = scenarioFile("upset.yaml", `${small}  - { at: 1h, cosmic: dc1/row01/rack01/host01, ${entry} }\n`);
      const r = await fleet(["validate", file]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
  it("a second link between the same two datacenters (found by the fuzzer: the loader threw): an error at the link", async () => {
    const links = "  links:\n    - { between: [dc1, dc2], latency: 2ms, bandwidth: 10Gbps }\n    - { between: [dc2, dc1], latency: 3ms, bandwidth: 10Gbps }\n";
    const file = scenarioFile("links.yaml", small.replace(/\nfaults:/, `\n${links}faults:`));
    await refusedAtLoad(file, /links\.yaml:\d+:\d+ fleet\.links\[1\]: a second link between dc1 and dc2 \(links\[0\] is the first\)/);
    const loop = scenarioFile("loop.yaml", small.replace(/\nfaults:/, "\n  links:\n    - { between: [dc1, dc1], latency: 2ms, bandwidth: 10Gbps }\nfaults:"));
    await refusedAtLoad(loop, /loop\.yaml:\d+:\d+ fleet\.links\[0\]\.between: a link joins two different datacenters, found dc1 twice/);
  });
});
