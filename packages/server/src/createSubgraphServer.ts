import type { IncomingMessage, Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { InvalidTokenError, readBearerToken, type TokenVerifier } from "@grondslag/auth";
import { createHttpServer, serveApollo, type Readiness } from "./createHttpServer.ts";
import type { Logger } from "./createLogger.ts";
import { requireCaller, unauthenticated } from "./requireCaller.ts";
import type { Subgraph, SubgraphContext } from "./Subgraph.ts";
import { validateInput } from "./validateInput.ts";

export interface SubgraphServerOptions {
  /** Verifies the caller the gateway forwards (its short-lived, gateway-signed token). */
  verifyCaller: TokenVerifier;
  log: Logger;
  /** Readiness at `/ready` (split processes: the database and the policy facts). */
  ready?: () => Promise<Readiness>;
}

export interface SubgraphServer {
  name: string;
  apollo: ApolloServer<SubgraphContext>;
  http: Server;
  /** Starts Apollo and listens; resolves with the port taken. */
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

export function createSubgraphServer(subgraph: Subgraph, options: SubgraphServerOptions): SubgraphServer {
  const log = options.log.child({ subgraph: subgraph.name });
  // The gateway checks input too; a subgraph checks again because it can be called directly.
  const input = validateInput();
  const apollo = new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    validationRules: input.validationRules,
    plugins: [requireCaller(), input.plugin],
    logger: log,
    // Subgraphs are reached only through the gateway; their own error detail stays in the log.
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (stack/src/main.ts); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
  });

  async function context(req: IncomingMessage): Promise<SubgraphContext> {
    let token: string | undefined;
    try {
      token = readBearerToken(req.headers.authorization);
      if (token === undefined) return subgraph.createContext(null);
      return subgraph.createContext(await options.verifyCaller(token));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(`Caller refused: ${error.message}`);
      throw error;
    }
  }

  const http = createHttpServer({ apollo, context, service: subgraph.name, log, ...(options.ready ? { ready: options.ready } : {}) });
  return { name: subgraph.name, apollo, http, ...serveApollo(apollo, http) };
}
