// Reading a file the user or a scenario named (a scenario, a timeline, a policy file, an
// incident, a failure log, a mapping): only a regular file, and at most a stated number of
// bytes. A folder, a FIFO, a device (/dev/zero, /dev/stdin) or a socket is refused before
// anything is read: the file is opened without blocking (so a FIFO with no writer cannot
// hang the open) and checked with fstat on the open descriptor (so nothing can be swapped
// in between the check and the read). The byte limit is checked against the size and
// again while reading, so a file that grows while it is read is still cut off.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";

/** Why a file cannot be read, in words that follow its name: `x.yaml: is a folder, not a scenario file`. */
export class UserFileError extends Error {
  constructor(
    message: string,
    /** The file's size, when it is too large. */
    readonly tooLargeBytes?: number,
  ) {
    super(message);
    this.name = "UserFileError";
  }
}

/**
 * Opens `path` for reading when it is a regular file; throws UserFileError saying why not.
 * `what` names the kind of file for messages ("a scenario file").
 */
export function openUserFile(path: string, what: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new UserFileError(whyNot(path, e, what));
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (e) {
    closeSync(fd);
    throw new UserFileError(whyNot(path, e, what));
  }
  if (!st.isFile()) {
    closeSync(fd);
    throw new UserFileError(notRegular(st, what));
  }
  return fd;
}

/** The bytes of `path`, a regular file of at most `maxBytes` bytes. */
export function readUserFile(path: string, maxBytes: number, what: string): { ok: true; bytes: Buffer } | { ok: false; error: UserFileError } {
  let fd: number;
  try {
    fd = openUserFile(path, what);
  } catch (e) {
    if (e instanceof UserFileError) return { ok: false, error: e };
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { ok: false, error: tooLarge(size, maxBytes, what) };
    let buf = Buffer.allocUnsafe(size + 1);
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got > maxBytes) return { ok: false, error: tooLarge(undefined, maxBytes, what) };
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return { ok: true, bytes: buf.subarray(0, got) };
  } catch (e) {
    return { ok: false, error: new UserFileError(whyNot(path, e, what)) };
  } finally {
    closeSync(fd);
  }
}

/** The text of `path` as readUserFile reads it, refused when it is not UTF-8. */
export function readUserText(path: string, maxBytes: number, what: string): { ok: true; text: string } | { ok: false; error: UserFileError } {
  const r = readUserFile(path, maxBytes, what);
  if (!r.ok) return r;
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(r.bytes) };
  } catch {
    return { ok: false, error: new UserFileError("not UTF-8 text") };
  }
}

/** `size` is undefined when the file grew past the limit while it was read. */
function tooLarge(size: number | undefined, maxBytes: number, what: string): UserFileError {
  const is = size === undefined ? `holds more than ${maxBytes} bytes` : `is ${size} bytes`;
  return new UserFileError(`the file ${is}; ${what} may be at most ${maxBytes} bytes`, size ?? maxBytes + 1);
}

function notRegular(st: Stats, what: string): string {
  if (st.isDirectory()) return `is a folder, not ${what}`;
  const kind = st.isFIFO()
    ? "a FIFO"
    : st.isCharacterDevice()
      ? "a device"
      : st.isBlockDevice()
        ? "a block device"
        : st.isSocket()
          ? "a socket"
          : "something else";
  return `is not a regular file (${kind}); ${what} must be a regular file`;
}

function whyNot(path: string, e: unknown, what: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return `is a folder, not ${what}`;
  // A socket cannot be opened at all (ENXIO); say what it is.
  try {
    const st = statSync(path);
    if (!st.isFile()) return notRegular(st, what);
  } catch {}
  return `cannot read the file (${code ?? (e as Error).message})`;
}
