/**
 * The offset of Europe/Amsterdam (the Netherlands' and Belgium's clock) at an instant, as `GMT+1` or
 * `GMT+2`; before 1940 in seconds too (`GMT+0:19:32`, Amsterdam time; `GMT+0:17:30`, the local
 * mean time the zone gives days before 1892).
 */
const amsterdamOffset = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Amsterdam", timeZoneName: "shortOffset" });

/**
 * The instant a calendar day (YYYY-MM-DD, already checked by the Date scalar) begins in
 * Amsterdam. Its offset is read at the day's UTC midnight, which in Amsterdam is 01:00 or 02:00
 * of the same day: before the clocks change (02:00 in March, 03:00 in October), so it is the
 * offset at the day's own midnight.
 */
export function startOfDayInAmsterdam(day: string): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`);
  const name = amsterdamOffset.formatToParts(utcMidnight).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`Unexpected time zone offset "${name}" for Europe/Amsterdam.`);
  const seconds = match[1] ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0)) : 0;
  return new Date(utcMidnight.getTime() - seconds * 1000);
}
