// What a command may touch of the outside world, passed in rather than reached for, so
// tests run commands in-process and read what they printed.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (the dashboard may be shown). */
  isTTY: boolean;
  /** stderr is a terminal (progress bars redraw in place); absent: same as isTTY. */
  errIsTTY?: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    errIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes, as DESIGN.md says; 130 is the shell's code for a run stopped by Ctrl-C. */
export const EXIT = {
  ok: 0,
  breach: 1,
  usage: 2,
  harness: 3,
  interrupted: 130,
} as const;
