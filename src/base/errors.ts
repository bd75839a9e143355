// A usage error: bad command-line input. The CLI prints its message in one line (with the
// command's name) and exits 2; any layer that reads user input may throw it.
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
