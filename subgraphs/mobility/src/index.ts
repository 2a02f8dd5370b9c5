import { buildSubgraphSchema } from "@apollo/subgraph";
import { loadTypeDefs, scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { MobilityContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { mobilityCards, trips } from "./db/tables.ts";
import { MobilityCard } from "./resolvers/MobilityCard.ts";
import { Person } from "./resolvers/Person.ts";
import { Trip } from "./resolvers/Trip.ts";

export const name = "mobility";
export const typeDefs = loadTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

/** Builds the mobility subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database }: SubgraphDeps): Subgraph<MobilityContext> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Person, MobilityCard, Trip } as never,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db) }),
    migrate: () => database.migrate(name, migrationsFolder),
    // A person may have trips without a card and cards without trips: either counts as data.
    hasData: async () =>
      (await database.db.select({ id: trips.id }).from(trips).limit(1)).length > 0 ||
      (await database.db.select({ id: mobilityCards.id }).from(mobilityCards).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
