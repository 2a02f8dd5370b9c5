import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** pino level. Default "info". */
  level?: string;
  /** Extra fields on every line, such as the service name. */
  base?: Record<string, unknown>;
  /** Where lines go. Default stdout; tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * pino rather than console: structured lines an operator can filter, and `redact` as a
 * last line of defence so a token or a code never reaches a log even if someone logs it.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? "info",
    base: options.base ?? {},
    serializers: { err: serializeError },
    redact: {
      paths: ["req.headers.authorization", "headers.authorization", "authorization", "token", "*.token"],
      censor: "[redacted]",
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * Where values hide in a message: drizzle's query parameters, and graphql-js's coercion errors,
 * which quote the variable's value (`Variable "$email" got invalid value "anna@..."`).
 */
const VALUES_IN_MESSAGE = /\nparams:[\s\S]*$|(?<=got invalid value)[\s\S]*$/;

/**
 * Errors are logged by kind, never by the values they carry: drizzle puts a failed query's
 * parameters in its message, PostgreSQL puts the offending row in `detail`, and a partner's
 * message may quote the phone number it refused. Only name, code, status and a message with
 * its parameters cut off are kept, for the error and its causes.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { code, status } = error as { code?: unknown; status?: unknown };
  const fromPartner = status !== undefined;
  const message = fromPartner ? "(partner message withheld)" : error.message.replace(VALUES_IN_MESSAGE, "");
  return {
    type: error.name,
    message,
    ...(code !== undefined ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
    stack: (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")).slice(0, 12).join("\n"),
    ...(error.cause !== undefined && depth < 3 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}
