import type { IncomingMessage, Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { InvalidTokenError, readBearerToken, type TokenVerifier } from "@grondslag/auth";
import { Kind, parse } from "graphql";
import { createHttpServer, requestIdOf, serveApollo, type HttpAnswer, type Readiness } from "./createHttpServer.ts";
import type { Logger } from "./createLogger.ts";
import { createMetrics, type Metrics } from "./createMetrics.ts";
import { createRequestObserver } from "./createRequestObserver.ts";
import { requireCaller, unauthenticated } from "./requireCaller.ts";
import type { Subgraph, SubgraphContext } from "./Subgraph.ts";
import { validateInput } from "./validateInput.ts";

export interface SubgraphServerOptions {
  /** Verifies the caller the gateway forwards (its short-lived, gateway-signed token). */
  verifyCaller: TokenVerifier;
  log: Logger;
  /** Readiness at `/ready` (split processes: the database and the policy facts). */
  ready?: () => Promise<Readiness>;
  /** The scraper's bearer token for `/metrics`; unset, `/metrics` is open (development). */
  metricsToken?: string;
  /** How long `stop` lets requests in flight finish. Default SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
  /** Most operations in one batch. Default MAX_BATCH_OPERATIONS; the gateway sends at most as many. */
  maxBatchOperations?: number;
}

export interface SubgraphServer {
  name: string;
  apollo: ApolloServer<SubgraphContext>;
  http: Server;
  /** This server's metrics, served at `GET /metrics`. */
  metrics: Metrics;
  /** Starts Apollo and listens; resolves with the port taken. */
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Operations in one batch, by default: the gateway's own limits (root fields, aliases) keep what
 * one request fetches far below this, and the gateway splits a larger set of fetches at it.
 */
export const MAX_BATCH_OPERATIONS = 128;

/**
 * Before graphql-js sees a request. A batch is the gateway's (one request's fetches to this
 * subgraph): it carries the gateway's forwarded caller, holds at most `maxBatchOperations`
 * operations, and only queries (the gateway never batches a mutation; a batch's operations share
 * one context and run at once). Anything else is refused whole, before any operation runs: an
 * anonymous batch would turn the `_service` answer into an amplifier. A single operation without
 * a caller is refused here when it is too long to be `_service` alone (`ANONYMOUS_QUERY_CHARS`).
 */
function screenRequest(req: IncomingMessage, body: unknown, maxOperations: number, queriesOnly: (query: string) => boolean): { body: unknown } | { answer: HttpAnswer } {
  const refuse = (status: number, code: string, message: string) => ({ answer: { status, json: { errors: [{ message, extensions: { code } }] } } });
  if (!Array.isArray(body)) {
    // Without a caller only `{ _service { sdl } }` is answered (`requireCaller`): a long document
    // cannot be that, and is refused before graphql-js parses and validates it.
    const query = (body as { query?: unknown } | null)?.query;
    if (!req.headers.authorization && typeof query === "string" && query.length > ANONYMOUS_QUERY_CHARS) {
      return refuse(401, "UNAUTHENTICATED", "This subgraph answers only callers forwarded by the gateway.");
    }
    return { body };
  }
  if (!req.headers.authorization) return refuse(401, "UNAUTHENTICATED", "A batch carries the gateway's forwarded caller.");
  if (body.length === 0 || body.length > maxOperations) return refuse(400, "BATCH_TOO_LARGE", `A batch holds 1 to ${maxOperations} operations.`);
  const allQueries = body.every((operation) => {
    const query = (operation as { query?: unknown } | null)?.query;
    return typeof query === "string" && queriesOnly(query);
  });
  if (!allQueries) return refuse(400, "BATCH_NOT_QUERIES", "A batch holds queries only: send a mutation on its own.");
  return { body };
}

/** The longest document a request without a caller may send: `{ _service { sdl } }`, named and spaced as tools send it, fits many times over. */
export const ANONYMOUS_QUERY_CHARS = 1_024;

/** Whether a document holds queries only (no mutation, no subscription); one that does not parse does not. */
function isQueriesOnly(query: string): boolean {
  try {
    return parse(query).definitions.every((definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition.operation === "query");
  } catch {
    return false;
  }
}

/** The longest document whose verdict `createQueriesOnlyCheck` keeps; a longer one is parsed every time. */
const KEPT_QUERY_CHARS = 4_000;

/**
 * `isQueriesOnly`, remembered by the document's text: the gateway sends the same entity fetches
 * request after request (a list of 50 aliases is 50 documents in every batch), and parsing each
 * again cost CPU and garbage on every request. The verdict depends on the text alone. At most
 * `max` short texts are kept (`KEPT_QUERY_CHARS` each: a few MB at most), the oldest dropped first.
 */
export function createQueriesOnlyCheck(max = 1_000): (query: string) => boolean {
  const known = new Map<string, boolean>();
  return (query) => {
    const kept = known.get(query);
    if (kept !== undefined) return kept;
    const verdict = isQueriesOnly(query);
    if (query.length <= KEPT_QUERY_CHARS) {
      if (known.size >= max) known.delete(known.keys().next().value!);
      known.set(query, verdict);
    }
    return verdict;
  };
}

/**
 * Whether a request's operations can only read: every operation is a POSTed document without the
 * word `mutation` or `subscription` anywhere in it, in any case. A document holding a mutation
 * must spell the keyword, so a false "reads only" cannot happen; a false "may write" (the word in
 * a string or a name) only costs the sharing that `readOnly` allows. A GET, or an operation sent
 * by hash alone, counts as writing.
 */
export function readsOnly(body: unknown): boolean {
  const operations = Array.isArray(body) ? body : [body];
  return (
    operations.length > 0 &&
    operations.every((operation) => {
      const query = (operation as { query?: unknown } | null)?.query;
      return typeof query === "string" && !/mutation|subscription/i.test(query);
    })
  );
}

export function createSubgraphServer(subgraph: Subgraph, options: SubgraphServerOptions): SubgraphServer {
  const log = options.log.child({ subgraph: subgraph.name });
  // The gateway checks input too; a subgraph checks again because it can be called directly.
  const input = validateInput();
  const metrics = createMetrics({ service: subgraph.name });
  const denials = metrics.counter("policy_denials_total", "Fields the access policy refused, by field coordinate and declared policy.", ["subgraph", "field", "policy"]);
  const onPolicyDenial = ({ field, policy }: { field: string; policy: string }) => denials.inc({ subgraph: subgraph.name, field, policy });
  const apollo = new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    validationRules: input.validationRules,
    plugins: [
      // Also runs the subgraph's `prepareExecution` (the policy's root calls decided ahead).
      requireCaller(subgraph.prepareExecution?.bind(subgraph)),
      input.plugin,
      createRequestObserver(metrics),
      // No field declares a cache hint and no subgraph answer is cached (the gateway reads a missing
      // Cache-Control as max-age 0): Apollo's cache-control plugin only cost a hook call and two
      // objects per resolved field (2 – 3 ms of CPU per list request in the bench's profiles), and
      // it is the one hook that made Apollo wrap every resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Federated tracing (`ftv1`) is for Apollo GraphOS, which this graph does not report to; left
      // on, anyone reaching a subgraph with the trace header would get its per-field timings.
      ApolloServerPluginInlineTraceDisabled(),
    ],
    logger: log,
    // The gateway sends the fetches of one request to this subgraph as one batch (gateway's
    // batchSubgraphFetches.ts): its operations share one context, so one set of DataLoaders.
    allowBatchedHttpRequests: true,
    // Subgraphs are reached only through the gateway; their own error detail stays in the log.
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (stack/src/main.ts); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
  });

  async function context(req: IncomingMessage, body: unknown): Promise<SubgraphContext> {
    const requestId = requestIdOf(req);
    // The subgraph builds its own context; the request's id, logger and denial counter go beside it.
    const scope = { requestId, log: log.child({ requestId }), onPolicyDenial };
    let token: string | undefined;
    try {
      token = readBearerToken(req.headers.authorization);
      if (token === undefined) return Object.assign(subgraph.createContext(null, { readOnly: readsOnly(body) }), scope);
      const caller = await options.verifyCaller(token);
      const request = { readOnly: readsOnly(body), ...(caller.tokenId !== undefined ? { gatewayRequest: caller.tokenId } : {}) };
      return Object.assign(subgraph.createContext(caller, request), scope);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(`Caller refused: ${error.message}`);
      throw error;
    }
  }

  const queriesOnly = createQueriesOnlyCheck();
  const http = createHttpServer({
    apollo,
    context,
    service: subgraph.name,
    log,
    metrics,
    screen: async (req, body) => screenRequest(req, body, options.maxBatchOperations ?? MAX_BATCH_OPERATIONS, queriesOnly),
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    ...(options.ready ? { ready: options.ready } : {}),
  });
  return { name: subgraph.name, apollo, http, metrics, ...serveApollo(apollo, http, options.shutdownGraceMs) };
}
