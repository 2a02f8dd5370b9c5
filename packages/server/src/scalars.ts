import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

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
    const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError("DateTime must be an ISO 8601 string");
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO 8601 string");
    return this.parseValue!(ast.value) as Date;
  },
});

/** A calendar day, `YYYY-MM-DD`, as drizzle returns `date` columns. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "A calendar day, YYYY-MM-DD.",
  serialize(value) {
    const day = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    if (!ISO_DATE.test(day)) throw new GraphQLError("Date cannot represent this value");
    return day;
  },
  parseValue(value) {
    if (typeof value !== "string" || !ISO_DATE.test(value)) throw new GraphQLError("Date must be YYYY-MM-DD");
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !ISO_DATE.test(ast.value)) throw new GraphQLError("Date must be YYYY-MM-DD");
    return ast.value;
  },
});

/** The scalars every subgraph declares the same way. */
export const scalarResolvers = { DateTime: DateTimeScalar, Date: DateScalar };
