import { createPolicyContext, createPolicySchema, loadSubgraphTypeDefs } from "@grondslag/policy";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import { conditions } from "./conditions.ts";
import type { MobilityContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { mobilityCards, trips, type MobilityCardRow, type TripRow } from "./db/tables.ts";
import { MobilityCard } from "./resolvers/MobilityCard.ts";
import { Person } from "./resolvers/Person.ts";
import { Trip } from "./resolvers/Trip.ts";

export const name = "mobility";
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

/** Builds the mobility subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log }: SubgraphDeps): Subgraph<MobilityContext> {
  const { schema } = createPolicySchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Person, MobilityCard, Trip } as never,
    // Whom each record is about, for rules such as `self` and `employer-of`.
    subjects: {
      Person: (person: { id: string }) => person.id,
      MobilityCard: (card: MobilityCardRow) => card.personId,
      Trip: (trip: TripRow) => trip.personId,
    },
    conditions,
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db), policy: createPolicyContext(database.db, caller) }),
    migrate: () => database.migrate(name, migrationsFolder),
    // A person may have trips without a card and cards without trips: either counts as data.
    hasData: async () =>
      (await database.db.select({ id: trips.id }).from(trips).limit(1)).length > 0 ||
      (await database.db.select({ id: mobilityCards.id }).from(mobilityCards).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
