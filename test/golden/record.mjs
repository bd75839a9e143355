// Records the JSON report of every scenario in scenarios/ at seeds 1-3 into
// test/golden/scenario-metrics.json: the values `test/behaviour.test.ts` compares a
// refactored fleet with. Besides the report, each run's journal is reduced to a digest
// that ignores the order of keys inside records (`sortedDigest`): every fault, detection,
// recovery, milestone, snapshot and footer value must stay the same even where the order
// of keys in a record changes. Run from the project root after `npm run build`:
//   node test/golden/record.mjs
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sortedDigest } from "./sorted-digest.mjs";

const out = {};
for (const file of readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).sort()) {
  for (const seed of [1, 2, 3]) {
    const journal = join(tmpdir(), `fleet-golden-${process.pid}-${seed}.jsonl`);
    let text;
    try {
      text = execFileSync("node", ["bin/fleet.js", "chaos", `scenarios/${file}`, "--seed", String(seed), "--reporter", "json", "--journal", journal, "--force"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 26 });
    } catch (e) {
      text = e.stdout;
    }
    const r = JSON.parse(text);
    const lines = readFileSync(journal, "utf8");
    rmSync(journal);
    out[`${file}#${seed}`] = { status: r.status, events: r.events, traceDigest: r.traceDigest, digest: r.digest, sortedDigest: sortedDigest(lines), metrics: r.metrics, verdicts: r.verdicts };
    process.stderr.write(`${file} seed ${seed}: ${r.status}\n`);
  }
}
writeFileSync("test/golden/scenario-metrics.json", `${JSON.stringify(out, null, 1)}\n`);
