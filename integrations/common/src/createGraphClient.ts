import { checkCapability, type Caller } from "@grondslag/auth";

export interface GraphResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Runs an operation against the graph as a given caller; `requestId` ties it to the request that caused it. */
export type GraphClient = <T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown>,
  caller: Caller,
  options?: { requestId?: string | undefined },
) => Promise<GraphResponse<T>>;

export interface GraphClientOptions {
  /** The gateway's /graphql URL, or a function giving it once the gateway listens. */
  url: string | (() => string);
  /**
   * Signs a token the gateway accepts for the caller: the platform's own issuer, which signs a
   * partner only as a capability (`readFieldSet`) and refuses it a general token.
   */
  tokenFor: (caller: Caller) => Promise<string>;
  /** Gives up on an answer after this many ms (a partner's send waits on it). Default 10,000. */
  timeoutMs?: number;
}

/** Adapters reach the data over the same front door as any frontend: the gateway, under policy. */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  return async (query, variables, caller, { requestId } = {}) => {
    // A capability for another request would only be refused by the gateway: say so here, where the mistake is.
    if (caller.capability && checkCapability(caller.capability, query, variables) !== undefined) {
      throw new Error(`${caller.role}'s capability was issued for another operation or other variables than this request's.`);
    }
    const url = typeof options.url === "function" ? options.url() : options.url;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${await options.tokenFor(caller)}`,
        // The gateway keeps it (a plain token) and forwards it: one id across the whole chain.
        ...(requestId ? { "x-request-id": requestId } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    return (await response.json()) as GraphResponse<never>;
  };
}
