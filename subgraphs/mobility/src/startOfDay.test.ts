import { describe, expect, it } from "vitest";
import { startOfDayInAmsterdam } from "./startOfDay.ts";

describe("startOfDayInAmsterdam", () => {
  it("answers the instant a day begins in Amsterdam, in winter and summer time and on the days the clocks change", () => {
    expect(startOfDayInAmsterdam("2026-01-01").toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(startOfDayInAmsterdam("2026-07-01").toISOString()).toBe("2026-06-30T22:00:00.000Z");
    // The clocks go forward at 02:00 on 29 March 2026 and back at 03:00 on 25 October 2026: both days begin on the old time.
    expect(startOfDayInAmsterdam("2026-03-29").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfDayInAmsterdam("2026-03-30").toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(startOfDayInAmsterdam("2026-10-25").toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(startOfDayInAmsterdam("2026-10-26").toISOString()).toBe("2026-10-25T23:00:00.000Z");
  });

  it("answers days before the zone kept whole minutes too: a Date may be any day of the years 1 to 9999", () => {
    // Found probing as an attacker: "GMT+0:17:30" (the local mean time of days before May 1892) was a 500.
    expect(startOfDayInAmsterdam("1892-04-30").toISOString()).toBe("1892-04-29T23:42:30.000Z");
    expect(startOfDayInAmsterdam("0001-01-01").toISOString()).toBe("0000-12-31T23:42:30.000Z");
    expect(startOfDayInAmsterdam("9999-12-31").toISOString()).toBe("9999-12-30T23:00:00.000Z");
  });
});
