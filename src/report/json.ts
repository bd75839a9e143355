// The JSON reporter: nothing on stdout but one JSON object at the end (the seed line and
// the progress lines go to stderr, ./progress.ts; -q leaves out the progress), so
// `fleet chaos x.yaml --reporter json | jq` works.
import type { Snapshot } from "../run/session.js";
import { Progress } from "./progress.js";
import type { EndInfo, Reporter, StartInfo } from "./reporter.js";

export class JsonReporter implements Reporter {
  private startInfo: StartInfo | undefined;
  private progress: Progress | undefined;

  constructor(private readonly o: { out: (s: string) => void; err: (s: string) => void; quiet?: boolean }) {}

  start(info: StartInfo): void {
    this.startInfo = info;
    this.o.err(`${info.seedLine}\n`);
    if (!this.o.quiet) this.progress = new Progress({ err: this.o.err, durationSec: info.durationSec, firstLane: info.policies[0] });
  }

  onSnapshot(s: Snapshot): void {
    this.progress?.onSnapshot(s);
  }

  end(info: EndInfo): void {
    const s = this.startInfo!;
    const { outcome } = info;
    const doc = {
      seedLine: s.seedLine,
      scenario: s.scenario.name,
      file: s.file,
      seed: s.seed,
      durationSec: s.durationSec,
      hosts: s.counts.hosts,
      policies: s.policies,
      status: outcome.status,
      simulatedSec: outcome.at,
      events: outcome.events,
      wallSec: info.wallSec,
      metrics: outcome.metrics,
      verdicts: outcome.footer?.verdicts ?? [],
      digest: outcome.footer?.digest ?? null,
      traceDigest: outcome.traceDigest,
      journal: info.journalPath ?? null,
      journalComplete: info.journalComplete,
      exitCode: info.exitCode,
      ...(outcome.error ? { error: outcome.error.split("\n")[0] } : {}),
    };
    this.o.out(`${JSON.stringify(doc, null, 2)}\n`);
  }
}
