import { buildSubgraphSchema } from "@apollo/subgraph";
import { loadTypeDefs, scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { IdentityContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { persons } from "./db/tables.ts";
import { Membership } from "./resolvers/Membership.ts";
import { Organisation } from "./resolvers/Organisation.ts";
import { Person } from "./resolvers/Person.ts";
import { Query } from "./resolvers/Query.ts";

export const name = "identity";
export const typeDefs = loadTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

/** Builds the identity subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database }: SubgraphDeps): Subgraph<IdentityContext> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Query, Person, Organisation, Membership } as never,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db) }),
    migrate: () => database.migrate(name, migrationsFolder),
    hasData: async () => (await database.db.select({ id: persons.id }).from(persons).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
