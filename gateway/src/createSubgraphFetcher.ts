import { GraphQLError } from "graphql";

/**
 * Node's fetch with a deadline for each request to a subgraph. The gateway turns the thrown
 * error into an error at the fields that subgraph serves and answers the rest, so a slow or
 * hung subgraph yields partial data and `SUBGRAPH_TIMEOUT` instead of holding the request.
 */
export function createSubgraphFetcher(name: string, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      // The body is read here, under the same deadline: fetch resolves once the headers arrive.
      const response = await fetch(input, { ...init, signal });
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      if (deadline.aborted) {
        throw new GraphQLError(`The ${name} service did not answer within ${timeoutMs} ms.`, { extensions: { code: "SUBGRAPH_TIMEOUT", service: name } });
      }
      throw error;
    }
  };
}
