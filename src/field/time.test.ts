import { describe, expect, it } from "vitest";
import { formatUtc, parseEpoch, parseIsoTime, parseZone, UTC, type Zone } from "./time.js";

function zone(name: string): Zone {
  const z = parseZone(name);
  if ("error" in z) throw new Error(z.error);
  return z;
}

const utc = (text: string) => Date.parse(text) / 1000;

describe("log times", () => {
  it("reads ISO 8601 with and without a zone", () => {
    expect(parseIsoTime("2021-05-04T17:03:13", UTC)).toEqual({ sec: utc("2021-05-04T17:03:13Z"), zoned: false });
    expect(parseIsoTime("2021-05-04T17:03:13Z", zone("-07:00"))).toEqual({ sec: utc("2021-05-04T17:03:13Z"), zoned: true });
    expect(parseIsoTime("2021-05-04 17:03:13.250+02:00", UTC)).toEqual({ sec: utc("2021-05-04T15:03:13.250Z"), zoned: true });
    expect(parseIsoTime("2021-05-04T17:03+0200", UTC)).toEqual({ sec: utc("2021-05-04T15:03:00Z"), zoned: true });
    expect(parseIsoTime("2021-05-04", zone("-07:00"))).toEqual({ sec: utc("2021-05-04T07:00:00Z"), zoned: false });
  });

  it("reads a time without zone in an IANA zone, daylight saving included", () => {
    const denver = zone("America/Denver");
    // MDT (UTC-6) in May, MST (UTC-7) in January.
    expect(parseIsoTime("2021-05-04T17:03:13", denver)).toMatchObject({ sec: utc("2021-05-04T23:03:13Z") });
    expect(parseIsoTime("2022-01-10T17:03:13", denver)).toMatchObject({ sec: utc("2022-01-11T00:03:13Z") });
    // Clocks go back at 02:00 MDT on 2021-11-07: 01:30 happens twice, read as the first.
    expect(parseIsoTime("2021-11-07T01:30:00", denver)).toMatchObject({ sec: utc("2021-11-07T07:30:00Z") });
    expect(parseIsoTime("2021-11-07T02:30:00", denver)).toMatchObject({ sec: utc("2021-11-07T09:30:00Z") });
    // Clocks skip 02:00-03:00 on 2021-03-14: 02:30 is read as if they had not moved yet.
    expect(parseIsoTime("2021-03-14T02:30:00", denver)).toMatchObject({ sec: utc("2021-03-14T09:30:00Z") });
    expect(parseIsoTime("2021-03-14T03:30:00", denver)).toMatchObject({ sec: utc("2021-03-14T09:30:00Z") });
  });

  it("says what is wrong with a time it cannot read", () => {
    const err = (t: string) => (parseIsoTime(t, UTC) as { error: string }).error;
    expect(err("04/05/2021 17:03")).toMatch(/^not an ISO 8601 time \(e\.g\. 2021-05-04T17:03:13/);
    expect(err("2021-13-04T17:03:13")).toBe("month 13 is not 01-12");
    expect(err("2021-02-29T17:03:13")).toBe("day 29 is not in 2021-02");
    expect(err("2021-05-04T24:00:00")).toBe("hour 24 is not 00-23");
    expect(err("")).toMatch(/^not an ISO 8601 time/);
    expect(parseZone("Mars/Olympus")).toEqual({ error: expect.stringMatching(/^unknown time zone "Mars\/Olympus": expected an offset like \+00:00/) });
  });

  it("reads epoch seconds and milliseconds, and suspects milliseconds given as seconds", () => {
    expect(parseEpoch("1620147793", "s")).toEqual({ sec: 1620147793 });
    expect(parseEpoch("1620147793.5", "s")).toEqual({ sec: 1620147793.5 });
    expect(parseEpoch("1620147793500", "ms")).toEqual({ sec: 1620147793.5 });
    expect(parseEpoch("1620147793500", "s")).toEqual({ error: "1620147793500 seconds is past the year 5000: milliseconds? (format: epoch-ms)" });
    expect(parseEpoch("yesterday", "s")).toEqual({ error: "not a number of seconds since 1970" });
    expect(formatUtc(1620147793)).toBe("2021-05-04T17:03:13Z");
    expect(formatUtc(1620147793.25)).toBe("2021-05-04T17:03:13.250Z");
  });
});

describe("formatUtc", () => {
  it("agrees with Date's ISO text over four centuries of days", () => {
    for (let sec = Date.UTC(1900, 0, 1) / 1000; sec < Date.UTC(2300, 0, 1) / 1000; sec += 86400 * 7 + 3661.5) {
      const iso = new Date(sec * 1000).toISOString();
      expect(formatUtc(sec)).toBe(iso.replace(".000Z", "Z"));
    }
  });
});
