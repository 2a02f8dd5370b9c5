import { buildSubgraphSchema } from "@apollo/subgraph";
import { loadTypeDefs, scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { BillingContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { invoices } from "./db/tables.ts";
import { Invoice } from "./resolvers/Invoice.ts";
import { InvoiceLine } from "./resolvers/InvoiceLine.ts";
import { Person } from "./resolvers/Person.ts";

export const name = "billing";
export const typeDefs = loadTypeDefs(new URL("./schema.graphql", import.meta.url));
const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

/** Builds the billing subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database }: SubgraphDeps): Subgraph<BillingContext> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { ...scalarResolvers, Person, Invoice, InvoiceLine } as never,
  });
  return {
    name,
    typeDefs,
    schema,
    createContext: (caller) => ({ caller, loaders: createLoaders(database.db) }),
    migrate: () => database.migrate(name, migrationsFolder),
    hasData: async () => (await database.db.select({ id: invoices.id }).from(invoices).limit(1)).length > 0,
    seedDemoData: () => seedDemoData(database.db),
  };
}

export * as tables from "./db/tables.ts";
