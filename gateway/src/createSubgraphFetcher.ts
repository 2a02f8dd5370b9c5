import { GraphQLError } from "graphql";

/** Told of each fetch: the subgraph, its seconds, and whether it failed (no answer, or not 2xx). */
export type FetchObserver = (subgraph: string, seconds: number, failed: boolean) => void;

/**
 * Node's fetch with a deadline for each request to a subgraph. The gateway turns the thrown
 * error into an error at the fields that subgraph serves and answers the rest, so a slow or
 * hung subgraph yields partial data and `SUBGRAPH_TIMEOUT` instead of holding the request.
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
      throw error;
    }
  };
}
