#!/usr/bin/env node
// The `fleet` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the package's `prepare` script), so nothing has to be built by hand.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("fleet: dist/ is missing; run `npm install` (or `npm run build`) in the fleet folder first.\n");
  process.exit(3);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
