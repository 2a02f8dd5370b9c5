import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { isCalendarDay, isIsoInstant } from "./checkScalarInput.ts";

// The parse functions refuse what PostgreSQL would refuse (a year 0, February 30th, an instant
// `new Date` guesses at), so a bad value is the caller's error and never a database error.

/** An instant, sent as an ISO 8601 string in UTC. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant, as an ISO 8601 string in UTC.",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError("DateTime cannot represent an invalid date");
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== "string" || !isIsoInstant(value)) throw new GraphQLError("DateTime must be an ISO 8601 date and time with an offset, such as 2026-11-01T14:05:00Z");
    return new Date(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO 8601 date and time with an offset, such as 2026-11-01T14:05:00Z");
    return this.parseValue!(ast.value) as Date;
  },
});

/** A calendar day, `YYYY-MM-DD`, as drizzle returns `date` columns. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "A calendar day, YYYY-MM-DD.",
  serialize(value) {
    const day = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    if (!isCalendarDay(day)) throw new GraphQLError("Date cannot represent this value");
    return day;
  },
  parseValue(value) {
    if (typeof value !== "string" || !isCalendarDay(value)) throw new GraphQLError("Date must be a calendar day YYYY-MM-DD");
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !isCalendarDay(ast.value)) throw new GraphQLError("Date must be a calendar day YYYY-MM-DD");
    return ast.value;
  },
});

/** The scalars every subgraph declares the same way. */
export const scalarResolvers = { DateTime: DateTimeScalar, Date: DateScalar };
