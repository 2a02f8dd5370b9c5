import { GraphQLError } from "graphql";

/** The caller's mistake: BAD_USER_INPUT, naming the argument at fault where one is. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", ...(argument !== undefined ? { argument } : {}) } });
}

/** What `parseArguments` needs of a schema: zod's `safeParse`, or anything shaped like it. */
export interface ArgumentsSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string; path: readonly PropertyKey[] }[] } };
}

/**
 * A resolver's arguments checked by `schema`: the parsed values, or BAD_USER_INPUT with every
 * issue's message and, as `argument`, the first argument at fault, so a client can put the message
 * beside its input. With `message` (arguments whose issues must all be answered alike, such as a
 * one-time code and its challenge), that message alone, naming no argument.
 */
export function parseArguments<T>(schema: ArgumentsSchema<T>, args: unknown, message?: string): T {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  if (message !== undefined) throw badUserInput(message);
  const argument = parsed.error.issues.map((issue) => issue.path[0]).find((key): key is string => typeof key === "string");
  throw badUserInput(parsed.error.issues.map((issue) => issue.message).join("; "), argument);
}
