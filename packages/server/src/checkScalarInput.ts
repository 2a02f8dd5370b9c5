/**
 * What a caller may send as a scalar, checked before anything reads the database. PostgreSQL
 * refuses a NUL byte in text and a day such as 0000-01-01, and it refuses them with an error
 * that would otherwise surface from deep inside a resolver or a policy look-up, as an internal
 * error with a stack in the log. Here they are the caller's mistake, named as such.
 */

/** Ids are keys such as `anna` or a UUID; nothing longer is a key of ours. */
export const MAX_ID_LENGTH = 128;
/** Free text (a description, an address line); anything longer is not a form a person filled in. */
export const MAX_STRING_LENGTH = 10_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** Half a UTF-16 pair: JSON can carry one, UTF-8 (and so PostgreSQL) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for a day that exists in the Gregorian calendar, years 0001 to 9999 (PostgreSQL has no year 0). */
export function isCalendarDay(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC so no time zone shifts it.
  const date = new Date(Date.UTC(2000, month, 0));
  date.setUTCFullYear(year, month, 0);
  return day <= date.getUTCDate();
}

/** True for an ISO 8601 instant with an explicit offset, on a real day and a real time of day. */
export function isIsoInstant(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (!match || !isCalendarDay(match[1]!)) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  const [offsetHour, offsetMinute] = [Number(match[6] ?? 0), Number(match[7] ?? 0)];
  return hour < 24 && minute < 60 && second < 60 && offsetHour < 24 && offsetMinute < 60 && !Number.isNaN(Date.parse(value));
}

function checkText(value: string, maxLength: number): string | null {
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  if (value.includes("\u0000")) return "contains a NUL character";
  if (LONE_SURROGATE.test(value)) return "is not well-formed Unicode";
  return null;
}

/**
 * Why `value`, sent for the scalar named `typeName`, is refused; null when it is acceptable
 * here. Types graphql-js checks itself (Int, Float, Boolean, enums, and a built-in scalar sent
 * with the wrong JS type) are left to graphql-js, which refuses them with its own clear message.
 */
export function checkScalarInput(typeName: string, value: unknown): string | null {
  switch (typeName) {
    case "ID":
      if (typeof value !== "string") return null;
      if (value.length > MAX_ID_LENGTH) return `is longer than ${MAX_ID_LENGTH} characters`;
      if (CONTROL_CHARACTER.test(value)) return "contains a control character";
      return checkText(value, MAX_ID_LENGTH);
    case "String":
      return typeof value === "string" ? checkText(value, MAX_STRING_LENGTH) : null;
    // Custom scalars: the gateway's copy of the schema takes any JSON for them (only the subgraph
    // knows their rules), so a number or an object is refused here, not left to graphql-js.
    case "Date":
      return typeof value !== "string" || !isCalendarDay(value) ? "is not a calendar day YYYY-MM-DD (years 0001 to 9999)" : null;
    case "DateTime":
      return typeof value !== "string" || !isIsoInstant(value) ? "is not an ISO 8601 date and time with an offset, such as 2026-11-01T14:05:00Z" : null;
    case "_Any":
      // Federation's entity representations: keys such as an id, reaching a loader as they are.
      return checkDeep(value, 0);
    default:
      return null;
  }
}

function checkDeep(value: unknown, depth: number): string | null {
  if (depth > 8) return "is nested too deeply";
  if (typeof value === "string") return checkText(value, MAX_STRING_LENGTH);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkDeep(item, depth + 1);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) {
      const problem = checkDeep(item, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
