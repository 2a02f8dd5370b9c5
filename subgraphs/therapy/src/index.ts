import { buildSubgraphSchema } from "@apollo/subgraph";
import { loadTypeDefs, scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { TherapyContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { practices } from "./db/tables.ts";
import { getToday } from "./getToday.ts";
import { CareRelationship } from "./resolvers/CareRelationship.ts";
import { ComplianceEntry } from "./resolvers/ComplianceEntry.ts";
import { ExerciseProgram } from "./resolvers/ExerciseProgram.ts";
import { Person } from "./resolvers/Person.ts";
import { Practice } from "./resolvers/Practice.ts";
import { Therapist } from "./resolvers/Therapist.ts";

export const name = "therapy";
export const typeDefs = loadTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

/** Builds the therapy subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database }: SubgraphDeps): Subgraph<TherapyContext> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Person, Practice, Therapist, CareRelationship, ExerciseProgram, ComplianceEntry } as never,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db), today: getToday() }),
    migrate: () => database.migrate(name, migrationsFolder),
    // Every therapy row hangs off a practice through foreign keys, so practices alone tell.
    hasData: async () => (await database.db.select({ id: practices.id }).from(practices).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
