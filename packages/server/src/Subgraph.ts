import type { Caller } from "@grondslag/auth";
import type { DatabaseHandle } from "@grondslag/db";
import type { DocumentNode, GraphQLSchema } from "graphql";
import type { Logger } from "./createLogger.ts";

/** What every resolver of every subgraph finds in its context. */
export interface SubgraphContext {
  /** The verified caller, or null for a request without one (only `_service` is answered). */
  caller: Caller | null;
}

/** What a subgraph is built from: no I/O happens until `migrate` or a request. */
export interface SubgraphDeps {
  database: DatabaseHandle;
  log: Logger;
  /** The composed supergraph, for a subgraph that reports on the whole graph (consent's policy register). */
  supergraphSdl?: string;
}

/** The uniform shape of the five subgraphs, so gateway, tests and tools can loop over them. */
export interface Subgraph<TContext extends SubgraphContext = SubgraphContext> {
  name: string;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
  /** A fresh context per request: its DataLoaders batch within that request only. */
  createContext(caller: Caller | null): TContext;
  /** Applies the subgraph's committed migrations to its own Postgres schema. */
  migrate(): Promise<void>;
  /** Whether the subgraph's tables hold any rows; demo data goes only into an empty store. */
  hasData(): Promise<boolean>;
  /** Inserts the demo cast's data; running it twice changes nothing. */
  seedDemoData(): Promise<void>;
}

/** The subgraph package's front door: `name`, `typeDefs` and `createSubgraph(deps)`. */
export interface SubgraphModule {
  name: string;
  typeDefs: DocumentNode;
  createSubgraph(deps: SubgraphDeps): Subgraph;
}
