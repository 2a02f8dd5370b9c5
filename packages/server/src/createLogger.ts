import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** pino level. Default "info". */
  level?: string;
  /** Extra fields on every line, such as the service name. */
  base?: Record<string, unknown>;
}

/**
 * pino rather than console: structured lines an operator can filter, and `redact` as a
 * last line of defence so a token or a code never reaches a log even if someone logs it.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? "info",
    base: options.base ?? {},
    redact: {
      paths: ["req.headers.authorization", "headers.authorization", "authorization", "token", "*.token"],
      censor: "[redacted]",
    },
  });
}
