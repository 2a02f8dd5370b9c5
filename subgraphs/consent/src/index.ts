import { buildSubgraphSchema } from "@apollo/subgraph";
import { loadTypeDefs, scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { ConsentContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { purposes } from "./db/tables.ts";
import { ConsentPurpose } from "./resolvers/ConsentPurpose.ts";
import { ConsentRecord } from "./resolvers/ConsentRecord.ts";
import { Person } from "./resolvers/Person.ts";
import { Query } from "./resolvers/Query.ts";

export const name = "consent";
export const typeDefs = loadTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

export interface ConsentDeps extends SubgraphDeps {
  /** The clock consent expiry is read against, once per request. Default: the system clock. */
  now?: () => Date;
}

/** Builds the consent subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, now = () => new Date() }: ConsentDeps): Subgraph<ConsentContext> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Query, Person, ConsentPurpose, ConsentRecord } as never,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db), now: now() }),
    migrate: () => database.migrate(name, migrationsFolder),
    // Every consent record references a purpose, so an empty catalogue means an empty store.
    hasData: async () => (await database.db.select({ id: purposes.id }).from(purposes).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
