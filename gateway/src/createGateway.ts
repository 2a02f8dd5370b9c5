import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import {
  CapabilityRefusedError,
  InvalidTokenError,
  checkCapability,
  readBearerToken,
  type Caller,
  type TokenSigner,
  type TokenVerifier,
} from "@grondslag/auth";
import {
  createHttpServer,
  createMetrics,
  createRequestObserver,
  requestIdOf,
  serveApollo,
  unauthenticated,
  validateInput,
  REQUEST_ID_HEADER,
  type Logger,
  type Metrics,
  type Readiness,
  type RouteHandler,
} from "@grondslag/server";
import { GraphQLError, Kind, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { allowOrigin } from "./allowOrigin.ts";
import { createPersistedOperations } from "./createPersistedOperations.ts";
import { createRateLimiter } from "./createRateLimiter.ts";
import { batchSubgraphFetches } from "./batchSubgraphFetches.ts";
import { createSubgraphFetcher } from "./createSubgraphFetcher.ts";
import { newApolloGateway } from "./newApolloGateway.ts";
import type { GatewayEdgeOptions } from "./GatewayEdgeOptions.ts";
import { refusalBody, type Refusal } from "./Refusal.ts";
import { createOperationScreen } from "./screenOperation.ts";
import { serveExplorer } from "./serveExplorer.ts";
import { SubgraphDataSource } from "./SubgraphDataSource.ts";

export interface GatewayContext {
  caller: Caller;
  /** The caller as the subgraphs receive it: a short-lived token the gateway signed. */
  forwardedToken: string;
  /** The request's id: forwarded to every subgraph fetch, named in every log line. */
  requestId: string;
  log: Logger;
}

export interface GatewayOptions extends GatewayEdgeOptions {
  /** The composed supergraph (schema/supergraph/supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph is reached, by name. Default: the URLs in the supergraph. */
  subgraphUrls?: Record<string, string>;
  /** Verifies the bearer token of an incoming request. */
  verifyToken: TokenVerifier;
  /** Signs the caller for the subgraphs. */
  signForwardedCaller: TokenSigner;
  log: Logger;
  /** Partners' webhooks, served beside /graphql (they verify their own signatures). */
  routes?: Record<string, RouteHandler>;
  /** Readiness at `/ready` (split processes: the supergraph and the subgraphs answering). */
  ready?: () => Promise<Readiness>;
}

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  http: Server;
  /** The gateway's metrics, served at `GET /metrics`. */
  metrics: Metrics;
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The one graph at /graphql. It refuses any request without a valid bearer token, and
 * forwards the verified caller to the subgraphs as a token it signs itself, so subgraphs
 * trust one key and never see the caller's own (longer-lived) credential.
 *
 * What a request meets, in order: the head's size, CORS and the explorer (before the body is
 * read); the body's size; persisted operations and the operation limits (before Apollo parses,
 * validates or plans anything); then the token and the caller's rate, in Apollo's context. A
 * refusal before the token is verified counts against the client's IP.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const log = options.log.child({ service: "gateway" });
  const production = options.production ?? false;
  const subgraphTimeoutMs = options.subgraphTimeoutMs ?? 10_000;
  const maxAuthorizationBytes = options.maxAuthorizationBytes ?? 8 * 1024;
  const cors = options.cors ?? { allowLocalhost: !production };
  const callers = createRateLimiter(options.callerRateLimit ?? { burst: 100, perSecond: 20 });
  const refusals = createRateLimiter(options.refusalRateLimit ?? { burst: 50, perSecond: 5 });
  const persisted = createPersistedOperations({
    requireRegistered: production,
    ...(options.persistedOperations ? { manifest: options.persistedOperations } : {}),
  });

  const metrics = createMetrics({ service: "gateway" });
  const refused = metrics.counter("gateway_refusals_total", "Requests the gateway refused itself, by error code (the limit or check that refused).", ["code"]);
  const fetchDuration = metrics.histogram("subgraph_fetch_duration_seconds", "Fetches from the gateway to a subgraph, by subgraph.", ["subgraph"]);
  const fetchErrors = metrics.counter("subgraph_fetch_errors_total", "Fetches to a subgraph that got no answer or a non-2xx one, by subgraph.", ["subgraph"]);
  const observeFetch = (subgraph: string, seconds: number, failed: boolean) => {
    fetchDuration.observe({ subgraph }, seconds);
    if (failed) fetchErrors.inc({ subgraph });
  };
  const countRefusal = (code: string) => refused.inc({ code });

  const gateway = newApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: log,
    buildService: ({ name, url }) =>
      new SubgraphDataSource<GatewayContext>({
        url: options.subgraphUrls?.[name] ?? url,
        // Node's own fetch rather than make-fetch-happen: one HTTP stack for the whole platform,
        // and one that HTTP interception in tests (nock 14) passes through to loopback cleanly.
        // One request's parallel fetches to a subgraph go as one batch: see batchSubgraphFetches.ts.
        fetcher: batchSubgraphFetches(createSubgraphFetcher(name, subgraphTimeoutMs, observeFetch), options.maxBatchOperations) as never,
        willSendRequest({ request, context }) {
          request.http?.headers.set("authorization", `Bearer ${context.forwardedToken}`);
          request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
        },
      }),
  });
  // Malformed ids, days and strings are refused here, before a query plan is made for them.
  const input = validateInput();
  // The limits measure operations against the API schema, the one clients see.
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => (apiSchema = schema));

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: input.validationRules,
    logger: log,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? !production,
    // Apollo's landing pages load from its CDN; the explorer is served here (serveExplorer.ts).
    plugins: [operationResolved(countRefusal), input.plugin, capabilityScope(countRefusal, options.partnerOperations), ApolloServerPluginLandingPageDisabled(), createRequestObserver(metrics)],
    // The process owns shutdown (stack/src/main.ts); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
    formatError: withoutVariableValues,
  });

  /** Counts a refusal against the client's IP; past its rate, the answer becomes 429. */
  function refuseBeforeAuth(req: IncomingMessage, refusal: Refusal): Refusal {
    // The socket's address: behind a proxy, key on the address it forwards (X-Forwarded-For
    // as set by your own proxy only) instead, or every client shares the proxy's bucket.
    const wait = refusals.take(`ip:${req.socket.remoteAddress ?? "unknown"}`);
    const answer = wait === undefined ? refusal : rateLimited(wait);
    countRefusal(answer.code);
    return answer;
  }

  async function context(req: IncomingMessage): Promise<GatewayContext> {
    let caller: Caller;
    try {
      const token = readBearerToken(req.headers.authorization);
      if (token === undefined) throw new InvalidTokenError("missing", "A bearer token is required: send 'Authorization: Bearer <token>'.");
      caller = await options.verifyToken(token);
    } catch (error) {
      if (error instanceof CapabilityRefusedError) {
        countRefusal("CAPABILITY_REFUSED");
        throw capabilityRefused(error);
      }
      if (!(error instanceof InvalidTokenError)) throw error;
      const refusal = refuseBeforeAuth(req, { status: 401, code: "UNAUTHENTICATED", message: error.message });
      throw refusal.status === 401 ? unauthenticated(error.message) : asGraphQLError(refusal);
    }
    const wait = callers.take(`subject:${caller.subject}`);
    if (wait !== undefined) {
      countRefusal("RATE_LIMITED");
      throw asGraphQLError(rateLimited(wait));
    }
    const requestId = requestIdOf(req);
    return { caller, forwardedToken: await options.signForwardedCaller(caller), requestId, log: log.child({ requestId }) };
  }

  function intercept(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if ((req.headers.authorization?.length ?? 0) > maxAuthorizationBytes) {
      const refusal = { status: 431, code: "HEADERS_TOO_LARGE", message: `The Authorization header is larger than ${maxAuthorizationBytes} bytes.` };
      return send(res, refuseBeforeAuth(req, refusal));
    }
    const origin = allowOrigin(req, res, cors);
    if (origin === true) return true;
    if (origin !== false) {
      countRefusal(origin.code);
      return send(res, origin);
    }
    if (!production && serveExplorer(req, res, url)) return true;
    // Operations come by POST only: bearer tokens make answers uncacheable anyway, and a GET
    // would need its own path through persisted operations and the limits.
    if (url.pathname === "/graphql" && req.method !== "POST") {
      res.setHeader("allow", "POST");
      countRefusal("METHOD_NOT_ALLOWED");
      return send(res, { status: 405, code: "METHOD_NOT_ALLOWED", message: "Send GraphQL operations with POST." });
    }
    return false;
  }

  const screenKept = createOperationScreen(options.limits);
  async function screen(req: IncomingMessage, body: unknown) {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return { body };
    const resolved = persisted.resolve(body as Record<string, unknown>);
    let refusal = "refusal" in resolved ? resolved.refusal : undefined;
    if (!refusal && "body" in resolved && typeof resolved.body.query === "string" && apiSchema) {
      const { query, operationName, variables } = resolved.body as { query: string; operationName?: string; variables?: Record<string, unknown> };
      refusal = screenKept(apiSchema, query, { operationName, variables: typeof variables === "object" && variables ? variables : undefined });
    }
    if (!refusal) return { body: "body" in resolved ? resolved.body : body };
    const answer = refuseBeforeAuth(req, refusal);
    return { answer: { status: answer.status, ...(answer.headers ? { headers: answer.headers } : {}), json: refusalBody(answer) } };
  }

  const http = createHttpServer({
    apollo,
    context,
    service: "gateway",
    log,
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
    maxHeaderBytes: options.maxHeaderBytes ?? 64 * 1024,
    intercept,
    screen,
    metrics,
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    onRefusal: countRefusal,
    // A body too large or not JSON counts against the client's address like any refusal before
    // authentication: past the address's rate it is answered 429, so oversized bodies cannot be
    // sent without limit.
    refuse: refuseBeforeAuth,
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.ready ? { ready: options.ready } : {}),
  });
  return { apollo, http, metrics, ...serveApollo(apollo, http, options.shutdownGraceMs) };
}

/**
 * The operation to run must be one the document holds, and a query or a mutation: several
 * operations without an `operationName`, a name the document does not hold, or a subscription
 * (not served) are the caller's mistake, answered 400 before the gateway plans anything. Left to
 * the gateway's planner they came back as 500 with federation's `INVALID_GRAPHQL`.
 */
function operationResolved(countRefusal: (code: string) => void): ApolloServerPlugin<GatewayContext> {
  const refuse = (message: string) => {
    countRefusal("OPERATION_RESOLUTION_FAILURE");
    return new GraphQLError(message, { extensions: { code: "OPERATION_RESOLUTION_FAILURE", http: { status: 400 } } });
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (operation?.operation === "subscription") throw refuse("Subscriptions are not served: send a query or a mutation.");
          if (operation) return;
          const named = typeof request.operationName === "string" && request.operationName !== "";
          const count = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
          throw refuse(named ? "The document holds no operation of that `operationName`." : `The document holds ${count} operations: name the one to run in \`operationName\`.`);
        },
      };
    },
  };
}

/**
 * A partner capability covers one operation with the variables it was issued for. Checked once
 * the operation is known and before the gateway plans it: a capability for anna's SMS number
 * cannot run another operation, nor the same one for bram. (Its person is checked again in the
 * subgraphs, by the `partner:<name>` requirement, against each record's subject.)
 */
function capabilityScope(countRefusal: (code: string) => void, declared: GatewayEdgeOptions["partnerOperations"]): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source, request, document }) {
          const capability = contextValue.caller.capability;
          if (!capability) return;
          // A declaration is one operation: a document holding more could pick another by operationName.
          const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
          const outside = operations === 1 ? checkCapability(capability, source, request.variables) : "other-operation";
          // A capability the platform signed for an operation none of the partner's declarations is
          // (a fault, or a key misused) opens nothing: grants are per declared field, not per operation.
          const reason = outside ?? (declared && !(declared[contextValue.caller.role] ?? []).includes(capability.operation) ? "undeclared-operation" : undefined);
          if (reason === undefined) return;
          countRefusal("CAPABILITY_REFUSED");
          throw capabilityRefused(new CapabilityRefusedError(reason));
        },
      };
    },
  };
}

/**
 * The policy's own error (`UNAUTHORIZED_FIELD_OR_TYPE`) for a capability used outside its scope
 * or after it expired, answered with 403 and no data. It names the reason and nothing else: not
 * the person, not the variables, not whether a record exists.
 */
function capabilityRefused(error: CapabilityRefusedError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: "UNAUTHORIZED_FIELD_OR_TYPE",
      policy: "partner capability: one operation, its variables, one person, about a minute",
      reason: ({ expired: "CAPABILITY_EXPIRED", "other-operation": "OTHER_OPERATION", "other-variables": "OTHER_VARIABLES", "undeclared-operation": "UNDECLARED_OPERATION" } as const)[error.reason],
      http: { status: 403 },
    },
  });
}

/**
 * graphql-js's own refusal of a variable quotes the value sent (`Variable "$x" got invalid value {
 * instructions: "…" }`), personal data among it: answered without the value, naming the variable
 * (`extensions.variable`) and where in it the fault is. The gateway's own input checks, which run
 * first for what they know, already answer without values.
 */
const VARIABLE_REFUSAL = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value[\s\S]*?(?: at "([^"]{1,200})")?;/;
function withoutVariableValues(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const match = VARIABLE_REFUSAL.exec(formatted.message);
  if (!match) return formatted;
  const [, variable, place] = match;
  return {
    ...formatted,
    message: `Variable "$${variable}" got an invalid value${place ? ` at "${place}"` : ""}; the value is not repeated here.`,
    extensions: { ...formatted.extensions, variable },
  };
}

function rateLimited(waitSeconds: number): Refusal {
  return { status: 429, code: "RATE_LIMITED", message: `Too many requests: try again in ${waitSeconds} s.`, headers: { "retry-after": String(waitSeconds) } };
}

function asGraphQLError(refusal: Refusal): GraphQLError {
  return new GraphQLError(refusal.message, {
    extensions: { code: refusal.code, http: { status: refusal.status, headers: new HeaderMap(Object.entries(refusal.headers ?? {})) } },
  });
}

function send(res: ServerResponse, refusal: Refusal): true {
  res.statusCode = refusal.status;
  for (const [key, value] of Object.entries(refusal.headers ?? {})) res.setHeader(key, value);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(refusalBody(refusal)));
  return true;
}
