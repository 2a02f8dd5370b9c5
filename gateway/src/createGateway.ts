import type { IncomingMessage, Server } from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { InvalidTokenError, readBearerToken, type Caller, type TokenSigner, type TokenVerifier } from "@grondslag/auth";
import { createHttpServer, serveApollo, unauthenticated, validateInput, type Logger, type RouteHandler } from "@grondslag/server";

export interface GatewayContext {
  caller: Caller;
  /** The caller as the subgraphs receive it: a short-lived token the gateway signed. */
  forwardedToken: string;
}

export interface GatewayOptions {
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
}

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  http: Server;
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The one graph at /graphql. It refuses any request without a valid bearer token, and
 * forwards the verified caller to the subgraphs as a token it signs itself, so subgraphs
 * trust one key and never see the caller's own (longer-lived) credential.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const log = options.log.child({ service: "gateway" });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: log,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: options.subgraphUrls?.[name] ?? url,
        // Node's own fetch rather than make-fetch-happen: one HTTP stack for the whole platform,
        // and one that HTTP interception in tests (nock 14) passes through to loopback cleanly.
        fetcher: globalThis.fetch as never,
        willSendRequest({ request, context }) {
          request.http?.headers.set("authorization", `Bearer ${context.forwardedToken}`);
        },
      }),
  });
  // Malformed ids, days and strings are refused here, before a query plan is made for them.
  const input = validateInput();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: input.validationRules,
    plugins: [input.plugin],
    logger: log,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (stack/src/main.ts); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
  });

  async function context(req: IncomingMessage): Promise<GatewayContext> {
    let caller: Caller;
    try {
      const token = readBearerToken(req.headers.authorization);
      if (token === undefined) throw new InvalidTokenError("missing", "A bearer token is required: send 'Authorization: Bearer <token>'.");
      caller = await options.verifyToken(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
      throw error;
    }
    return { caller, forwardedToken: await options.signForwardedCaller(caller) };
  }

  const http = createHttpServer({ apollo, context, service: "gateway", log, ...(options.routes ? { routes: options.routes } : {}) });
  return { apollo, http, ...serveApollo(apollo, http) };
}
