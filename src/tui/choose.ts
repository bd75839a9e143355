// Which reporter `fleet chaos` uses when none is named: the dashboard when stdout is a
// terminal, not in CI (CI set to anything but "", "0" or "false") and not on a dumb
// terminal; the text reporter otherwise. `--reporter dashboard` forces the dashboard,
// `--reporter text|json` never starts Ink.

export function wantsDashboard(reporter: string | undefined, io: { isTTY: boolean; env: Record<string, string | undefined> }): boolean {
  if (reporter !== undefined) return reporter === "dashboard";
  const ci = io.env.CI;
  const inCi = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  return io.isTTY && !inCi && io.env.TERM !== "dumb";
}
