import { GraphQLError } from "graphql";

/** Told of each fetch: the subgraph, its seconds, and whether it failed (no answer, or not 2xx). */
export type FetchObserver = (subgraph: string, seconds: number, failed: boolean) => void;

/**
 * Node's fetch with a deadline for each request to a subgraph. The gateway turns the thrown
 * error into an error at the fields that subgraph serves and answers the rest, so a slow or
 * hung subgraph yields partial data and `SUBGRAPH_TIMEOUT` instead of holding the request, and
 * one that is down (refusing or dropping the connection) yields `SUBGRAPH_UNAVAILABLE` at once.
 */
export function createSubgraphFetcher(name: string, timeoutMs: number, observe?: FetchObserver): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const started = performance.now();
    try {
      // The body is read here, under the same deadline: fetch resolves once the headers arrive.
      const response = await fetch(input, { ...init, signal });
      const body = await response.arrayBuffer();
      observe?.(name, (performance.now() - started) / 1000, !response.ok);
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      observe?.(name, (performance.now() - started) / 1000, true);
      if (deadline.aborted) {
        throw new GraphQLError(`The ${name} service did not answer within ${timeoutMs} ms.`, { extensions: { code: "SUBGRAPH_TIMEOUT", service: name } });
      }
      if (isConnectionFailure(error)) {
        // Not retried: the request may be a mutation the subgraph already received.
        throw new GraphQLError(`The ${name} service is unavailable.`, { extensions: { code: "SUBGRAPH_UNAVAILABLE", service: name } });
      }
      throw error;
    }
  };
}

/** Codes of the socket errors (Node's and undici's) that mean the service cannot be reached. */
const CONNECTION_FAILURES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Node's fetch throws `TypeError("fetch failed")` with the socket's error as its cause. */
function isConnectionFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth += 1) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && CONNECTION_FAILURES.has(code)) return true;
    // Happy eyeballs: one error per address tried, all refused.
    if (cause instanceof AggregateError && cause.errors.some(isConnectionFailure)) return true;
  }
  return false;
}
