// fleet's version, from package.json (recorded in every journal header). Found by walking
// up from this file, so it works from src/ (tests) and from dist/src/ (the built CLI).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const VERSION: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "fleet" && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return "0.0.0";
})();
