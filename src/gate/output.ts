// Output files of gate and sweep (--junit, --markdown, --json PATH): checked before any run
// starts, so a typo in a folder name does not cost the batch, and written whole or not at
// all (to PATH.tmp-<pid> in the same folder, then renamed), so a file at PATH is always
// complete. "-" means stdout, in place of the usual text. An existing file is never
// overwritten without --force (the check runs before any run starts), except an empty one:
// nothing is lost, and CI systems hand out empty files to fill (GitHub's
// $GITHUB_STEP_SUMMARY).
import { existsSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../base/errors.js";

/**
 * Throws UsageError (exit 2) when `path` cannot be written: no such folder, a folder, or a
 * file with something in it and no `force`.
 */
export function checkOutputPath(option: string, path: string, cwd: string, force = false): void {
  if (path === "-") return;
  const full = resolve(cwd, path);
  if (existsSync(full) && statSync(full).isDirectory()) throw new UsageError(`--${option} ${path} is a folder; give a file path`);
  if (!force && existsSync(full) && statSync(full).size > 0)
    throw new UsageError(`--${option} ${path} already exists; pass --force to overwrite it or choose another path`);
  const dir = dirname(full);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--${option} ${path}: folder ${dirname(path)} does not exist; create it or choose another path`);
}

/** Writes `text` to `path` whole (atomic rename), or to stdout for "-". */
export function writeOutput(path: string, text: string, cwd: string, out: (t: string) => void): void {
  if (path === "-") {
    out(text);
    return;
  }
  const full = resolve(cwd, path);
  const tmp = `${full}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, full);
}
