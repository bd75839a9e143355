import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openUserFile, readUserFile, readUserText, UserFileError } from "./user-file.js";

const dir = () => mkdtempSync(join(tmpdir(), "fleet-user-file-"));

describe("reading a file the user named", () => {
  it("reads a regular file up to the limit", () => {
    const file = join(dir(), "a.yaml");
    writeFileSync(file, "name: a\n");
    expect(readUserText(file, 8, "a scenario file")).toEqual({ ok: true, text: "name: a\n" });
  });

  it("refuses a file over the limit, with its size", () => {
    const file = join(dir(), "a.yaml");
    writeFileSync(file, "x".repeat(100));
    const r = readUserFile(file, 99, "a scenario file");
    expect(r.ok ? "" : r.error.message).toBe("the file is 100 bytes; a scenario file may be at most 99 bytes");
    expect(r.ok ? 0 : r.error.tooLargeBytes).toBe(100);
  });

  it("refuses a device before reading it (/dev/zero never ends)", () => {
    const r = readUserFile("/dev/zero", 1000, "a scenario file");
    expect(r.ok ? "" : r.error.message).toBe("is not a regular file (a device); a scenario file must be a regular file");
  });

  it("refuses a FIFO without waiting for a writer", () => {
    const fifo = join(dir(), "t.jsonl");
    execFileSync("mkfifo", [fifo]);
    expect(() => openUserFile(fifo, "a timeline file")).toThrow(new UserFileError("is not a regular file (a FIFO); a timeline file must be a regular file"));
  });

  it("says what is wrong with a folder, a missing file and one that is not UTF-8", () => {
    const d = dir();
    writeFileSync(join(d, "latin1.yaml"), Buffer.from([0x6e, 0xe9, 0x0a]));
    const message = (path: string) => {
      const r = readUserText(path, 1000, "a policy file");
      return r.ok ? "" : r.error.message;
    };
    expect(message(d)).toBe("is a folder, not a policy file");
    expect(message(join(d, "nope.yaml"))).toBe("no such file");
    expect(message(join(d, "latin1.yaml"))).toBe("not UTF-8 text");
  });
});
