// Records the JSON report of every scenario in scenarios/ at seeds 1-3 into
// test/golden/scenario-metrics.json: the values `test/behaviour.test.ts` compares a
// refactored fleet with. Run from the project root after `npm run build`:
//   node test/golden/record.mjs
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";

const out = {};
for (const file of readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).sort()) {
  for (const seed of [1, 2, 3]) {
    let text;
    try {
      text = execFileSync("node", ["bin/fleet.js", "chaos", `scenarios/${file}`, "--seed", String(seed), "--reporter", "json", "--no-journal"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 26 });
    } catch (e) {
      text = e.stdout;
    }
    const r = JSON.parse(text);
    out[`${file}#${seed}`] = { status: r.status, events: r.events, traceDigest: r.traceDigest, digest: r.digest, metrics: r.metrics, verdicts: r.verdicts };
    process.stderr.write(`${file} seed ${seed}: ${r.status}\n`);
  }
}
writeFileSync("test/golden/scenario-metrics.json", `${JSON.stringify(out, null, 1)}\n`);
