import { describe, expect, it } from "vitest";
import { checkScalarInput, isCalendarDay, isIsoInstant } from "./checkScalarInput.ts";

describe("checkScalarInput", () => {
  it("knows the calendar: leap years, month lengths, no year 0", () => {
    for (const day of ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2026-04-30"]) expect(isCalendarDay(day), day).toBe(true);
    for (const day of ["2023-02-29", "1900-02-29", "2023-02-30", "0000-01-01", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-1", "20260101", " 2026-01-01"]) {
      expect(isCalendarDay(day), day).toBe(false);
    }
  });

  it("takes an instant only in ISO 8601 with an offset, at a real time of day", () => {
    for (const at of ["2026-11-01T14:05:00Z", "2026-11-01T14:05Z", "2026-11-01T14:05:00.123+01:00"]) expect(isIsoInstant(at), at).toBe(true);
    for (const at of ["2026-11-01T14:05:00", "2026-02-30T10:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T14:60:00Z", "0000-01-01T00:00:00Z", "1", "Nov 1 2026"]) {
      expect(isIsoInstant(at), at).toBe(false);
    }
  });

  it("refuses NUL and control characters in ids, NUL and half surrogate pairs in strings, and both over their length", () => {
    expect(checkScalarInput("ID", "anna")).toBeNull();
    expect(checkScalarInput("ID", "an\u0000na")).toMatch(/control character/);
    expect(checkScalarInput("ID", "anna\n")).toMatch(/control character/);
    expect(checkScalarInput("ID", "a".repeat(129))).toMatch(/longer than 128/);
    expect(checkScalarInput("String", "two\nlines\tand a tab")).toBeNull();
    expect(checkScalarInput("String", "a\u0000b")).toMatch(/NUL/);
    expect(checkScalarInput("String", "\ud83d")).toMatch(/Unicode/);
    expect(checkScalarInput("String", "\ud83d\ude00")).toBeNull();
    expect(checkScalarInput("String", "x".repeat(10_001))).toMatch(/longer than 10000/);
    expect(checkScalarInput("_Any", { __typename: "Person", id: "an\u0000na" })).toMatch(/NUL/);
    expect(checkScalarInput("Int", 3)).toBeNull();
  });
});
