// The `fleet` command line: one table of commands, each a function of (argv, io) that
// returns an exit code. Usage errors and bad input are printed in one line with what to
// fix and exit 2; only a bug in fleet itself prints a stack trace, and exits 3.
import { UsageError } from "../base/errors.js";
import { EXIT, processIo, type Io } from "../base/io.js";
import { validateCommand } from "./validate.js";
import { chaosCommand } from "./chaos.js";
import { codesCommand } from "./codes.js";
import { VERSION } from "../base/version.js";
import { faultsCommand, faultsUsage } from "./faults.js";
import { workerCommand, workerUsage } from "./worker.js";
import { gateCommand, gateUsage } from "./gate.js";
import { sweepCommand, sweepUsage } from "./sweep.js";
import { replayCommand, replayUsage } from "./replay/index.js";
import { importCommand, importUsage } from "./import.js";
import { fitCommand, fitUsage } from "./fit.js";
import { explainCommand, explainUsage } from "./explain.js";
import { shrinkCommand, shrinkUsage } from "./shrink.js";
import { metricsCommand, metricsUsage } from "./metrics.js";
import { redisTimeoutDefault } from "./redis-timeout.js";

type Command = (argv: string[], io: Io) => number | Promise<number>;

interface CommandInfo {
  run: Command;
  summary: string;
  usage: string;
}

const commands: Record<string, CommandInfo> = {
  chaos: {
    run: chaosCommand,
    summary: "run a scenario: faults, workloads and policies, judged on its SLOs",
    usage: `fleet chaos SCENARIO [options]

Runs every policy of the scenario against the same fault trace and prints the
verdicts. The first line printed names the seed and the main parameters: it
reproduces the run.

Options:
  --seed N            seed of every random stream (default: the scenario's seed)
  --duration D        simulated time, e.g. 72h or 30d (default: the scenario's)
  --reporter R        dashboard, text or json (default: the live dashboard when
                      stdout is a terminal and CI is not set, text otherwise)
  --journal PATH|URL  where to write the run journal (default:
                      runs/<scenario>-<seed>-<time>.jsonl); written to
                      PATH.partial and renamed when the run ends; a Redis
                      stream with redis://[:password@]host:port/key[?db=N]
                      (rediss:// for TLS)
  --redis-timeout D   with --journal redis://: how long Redis has to answer
                      (default ${redisTimeoutDefault}): to connect (else exit 2, before the
                      run), and each write (else the journal is incomplete:
                      said, exit 3)
  --no-journal        do not write a journal (the digest is still computed)
  --force             overwrite an existing journal file
  --max-hosts N       raise the safety limit on fleet size (default 2,000,000)
  --max-events N      raise the safety limit on events per run (default 2e9)
  --max-memory SIZE   raise the safety limit on the run's resident memory, e.g.
                      8GiB (default 75% of the machine's; limits.maxMemory in
                      the scenario)
  --max-journal SIZE  raise the safety limit on the journal's size, e.g. 4GiB
                      (default 1GiB; limits.maxJournal in the scenario): a run
                      that reaches it stops, exit 2
  -q, --quiet         print only the seed line and the verdicts

Exit codes: 0 every SLO holds, 1 an SLO is breached, 2 bad input, 3 fleet
failed, 130 interrupted (Ctrl-C: the journal is kept up to its last complete
record).

Examples:
  fleet chaos scenarios/cosmic.yaml
  fleet chaos scenarios/cosmic.yaml --seed 7731 --duration 24h --reporter json
  fleet chaos scenarios/cosmic.yaml --journal runs/today.jsonl --force`,
  },
  replay: {
    run: replayCommand,
    summary: "postmortem of a journal: view, --verify, --policy what-if, --import",
    usage: replayUsage,
  },
  faults: {
    run: faultsCommand,
    summary: "the fault trace alone: counts by kind and domain, correlated events",
    usage: faultsUsage,
  },
  import: {
    run: importCommand,
    summary: "a failure log (CSV) as an incident timeline, through a mapping file",
    usage: importUsage,
  },
  explain: {
    run: explainCommand,
    summary: "why an SLO breached: the shortfall by fault model and incident",
    usage: explainUsage,
  },
  shrink: {
    run: shrinkCommand,
    summary: "the smallest fault schedule that still breaches an SLO, to commit",
    usage: shrinkUsage,
  },
  fit: {
    run: fitCommand,
    summary: "fit the disk or host failure model to a real log, with its fit",
    usage: fitUsage,
  },
  gate: {
    run: gateCommand,
    summary: "CI gate: many seeds, SLOs with 95% intervals, JUnit/Markdown/JSON",
    usage: gateUsage,
  },
  sweep: {
    run: sweepCommand,
    summary: "a grid of one or two settings over seeds: table, plot, best point",
    usage: sweepUsage,
  },
  worker: {
    run: workerCommand,
    summary: "run the jobs of distributed gates and sweeps from a Redis queue",
    usage: workerUsage,
  },
  codes: {
    run: codesCommand,
    summary: "how each memory code and CRC-32 fare on each error pattern",
    usage: `fleet codes [options]

Prints, for every memory code (none, parity, SECDED(72,64), chipkill x4 and x8)
and for CRC-32 blocks, how many errors of each pattern are corrected, detected
or silent (undetected or miscorrected): 1- to 4-bit errors anywhere in the
codeword, 2- to 4-bit adjacent bursts, and any value on a whole x4 or x8 device.
Each case is a real encode, flip and decode. Method "all": every case was tried
(all 1-, 2- and 3-bit errors); "sample": a deterministic sample.

Options:
  --json                print the rows as JSON
  --seed N              seed of the clean data and of the samples (default 1)
  --samples N           cases per sampled pattern (default 200,000)

Examples:
  fleet codes
  fleet codes --json > codes.json
  fleet codes --seed 7 --samples 1000000`,
  },
  metrics: {
    run: metricsCommand,
    summary: "every metric an SLO may name: unit, what changes it, meaning",
    usage: metricsUsage,
  },
  validate: {
    run: validateCommand,
    summary: "check scenario files; every error with file:line:column and a hint",
    usage: `fleet validate FILE...

Prints "ok FILE: <summary>" for each valid file, or every error found in it
(file:line:column, the path inside the file, what was expected and found).
Exit codes: 0 all valid, 2 any invalid.

Examples:
  fleet validate scenarios/cosmic.yaml
  fleet validate scenarios/*.yaml`,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join("\n");
  return `fleet ${VERSION}: a reliability and fault-injection harness for large clusters

Usage: fleet <command> [options]

Commands:
${list}

Run "fleet <command> --help" for a command's options.

Examples:
  fleet chaos scenarios/cosmic.yaml                 run the showcase scenario
  fleet chaos scenarios/cosmic.yaml --seed 7 --reporter json
  fleet validate scenarios/*.yaml                   check scenario files
  fleet codes                                       what each ECC code catches
`;
}

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic && commands[topic]) io.out(`${commands[topic].usage}\n`);
    else io.out(mainHelp());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    io.out(`fleet ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    const { didYouMean } = await import("../base/issues.js");
    const guess = didYouMean(name, Object.keys(commands));
    io.err(`fleet: unknown command "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}\nRun "fleet --help" for the list of commands.\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`fleet ${name}: ${e.message}\nRun "fleet ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    io.err(`fleet ${name}: internal error (this is a bug in fleet, please report it)\n${(e as Error).stack ?? String(e)}\n`);
    return EXIT.harness;
  }
}
