/**
 * The calendar day at the practices (NL and BE share Europe/Amsterdam's clock), as
 * `YYYY-MM-DD`. A care relationship ending "today" must not flip at midnight UTC instead.
 */
export function getToday(now: Date = new Date()): string {
  // The en-CA locale formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(now);
}
