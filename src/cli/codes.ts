// `fleet codes`: how each memory code (none, parity, SECDED(72,64), chipkill x4 and x8)
// and end-to-end CRC-32 fare on the error patterns the fault layer injects: 1- to 4-bit
// errors, adjacent bursts, whole x4 and x8 devices. Every count comes from really
// encoding, flipping and decoding (src/checksums/table.ts); "all" rows tried every case,
// "sample" rows a deterministic sample. `--json` prints the rows as JSON.
import { type Io, EXIT } from "../base/io.js";
import { flag, int, parse, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { computeCodesTable, formatCodesTable } from "../checksums/table.js";

export const codesOptions: OptionSpec = {
  json: { type: "boolean" },
  seed: { type: "string" },
  samples: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export function codesCommand(argv: string[], io: Io): number {
  const p = parse("codes", argv, codesOptions);
  if (p.positionals.length > 0) throw new UsageError(`codes takes no file or argument, found ${JSON.stringify(p.positionals[0])}`, "codes");
  const seed = int(p, "seed", { min: 0, max: 2 ** 31 - 1 }) ?? 1;
  const sampleCases = int(p, "samples", { min: 1, max: 100_000_000 }) ?? 200_000;
  const rows = computeCodesTable({ seed, sampleCases });
  if (flag(p, "json")) {
    io.out(`${JSON.stringify({ seed, sampleCases, rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.out(`seed=${seed} samples=${sampleCases}  # reproduce: fleet codes --seed ${seed} --samples ${sampleCases}\n\n`);
  io.out(formatCodesTable(rows));
  io.out(
    `\nmethod: "all" tried every case of the pattern; "sample" a deterministic sample of --samples cases.\n` +
      `silent: undetected or miscorrected, the reader got wrong data with no error flagged.\n`,
  );
  return EXIT.ok;
}
