import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { Logger } from "./createLogger.ts";
import type { Metrics } from "./createMetrics.ts";

/** What the HTTP server adds to every request's context: its id, and a logger that names it. */
export interface RequestScope {
  requestId: string;
  log: Logger;
}

/**
 * Counts and times every GraphQL request by operation name, and logs one line for it with the
 * request's logger. The line names the operation, the outcome and the error codes: never the
 * query, the variables or an error's message, which graphql-js fills with the offending value
 * (`Variable "$email" got invalid value "anna@..."`).
 */
export function createRequestObserver<TContext extends BaseContext & Partial<RequestScope>>(metrics: Metrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response, contextValue }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = metrics.operationLabel(operationName);
          const result = response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
          const errors = result.errors ?? [];
          const outcome = errors.length === 0 ? "ok" : result.data ? "partial" : "error";
          metrics.requests.inc({ operation, outcome });
          metrics.requestDuration.observe({ operation }, seconds);
          const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? "UNKNOWN")))];
          contextValue.log?.info({ operation, outcome, ms: Math.round(seconds * 1000), ...(codes.length ? { codes } : {}) }, "graphql request");
        },
      };
    },
  };
}
