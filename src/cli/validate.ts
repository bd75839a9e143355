// `fleet validate FILE...`: prints `ok` and a one-line summary per valid file, or every
// error with file:line:column; exits 2 if any file is invalid.
import { type Io, EXIT } from "../base/io.js";
import { parse, type OptionSpec } from "./args.js";
import { loadScenarioFile } from "../scenario/load.js";
import { formatIssues, formatWarnings } from "../base/issues.js";
import { summarizeScenario } from "../scenario/summary.js";
import { UsageError } from "../base/errors.js";

export const validateOptions: OptionSpec = {
  help: { type: "boolean", short: "h" },
};

export function validateCommand(argv: string[], io: Io): number {
  const p = parse("validate", argv, validateOptions);
  if (p.positionals.length === 0) throw new UsageError("validate needs at least one scenario file", "validate");
  let bad = 0;
  for (const file of p.positionals) {
    const r = loadScenarioFile(file);
    if (r.ok) {
      io.out(`ok ${file}: ${summarizeScenario(r.value)}\n`);
      if (r.value.warnings.length) io.err(`${formatWarnings(file, r.value.warnings)}\n`);
    } else {
      bad++;
      io.err(`${formatIssues(file, r.issues)}\n`);
    }
  }
  return bad ? EXIT.usage : EXIT.ok;
}
