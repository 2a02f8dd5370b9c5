import { createSubgraphStore } from "@grondslag/db";
import { createPolicyContext, createPolicySchema, loadSubgraphTypeDefs, PLATFORM_CONTROLLER } from "@grondslag/policy";
import { scalarResolvers, type Subgraph, type SubgraphDeps } from "@grondslag/server";
import type { BillingContext } from "./context.ts";
import { createLoaders } from "./createLoaders.ts";
import { seedDemoData } from "./db/seedDemoData.ts";
import { invoices, type InvoiceRow } from "./db/tables.ts";
import type { Resolvers } from "./generated/resolvers.ts";
import { Invoice } from "./resolvers/Invoice.ts";
import { InvoiceLine, type PricedLine } from "./resolvers/InvoiceLine.ts";
import { Person } from "./resolvers/Person.ts";
import type { InvoiceAddress, InvoiceRecipient, Money } from "./resolvers/values.ts";

export const name = "billing";
export const typeDefs = loadSubgraphTypeDefs(new URL("./schema.graphql", import.meta.url));

/** Builds the billing subgraph; no I/O until `migrate`, `seedDemoData` or a request. */
export function createSubgraph({ database, log, partnerFields }: SubgraphDeps): Subgraph<BillingContext> {
  const { schema, prepareRootCalls } = createPolicySchema({
    typeDefs,
    partnerFields,
    resolvers: { ...scalarResolvers, Person, Invoice, InvoiceLine } satisfies Resolvers,
    // Whom each record is about, for rules such as `self`: everything on an invoice is about
    // the person it was sent to, and the resolvers hand that person on to what they build.
    subjects: {
      Person: (person: { id: string }) => person.id,
      Invoice: (invoice: InvoiceRow) => invoice.personId,
      InvoiceLine: (line: PricedLine) => line.personId,
      InvoiceRecipient: (recipient: InvoiceRecipient) => recipient.personId,
      InvoiceAddress: (address: InvoiceAddress) => address.personId,
      Money: (money: Money) => money.personId,
    },
    // The platform sends these invoices and keeps its books: it controls all of them.
    controllers: Object.fromEntries(["Person", "Invoice", "InvoiceLine", "InvoiceRecipient", "InvoiceAddress", "Money"].map((type) => [type, () => [PLATFORM_CONTROLLER]])),
    log,
  });
  return {
    name,
    typeDefs,
    schema,
    prepareExecution: prepareRootCalls,
    createContext: (caller, request) => ({ caller, loaders: createLoaders(database.db), policy: createPolicyContext(database.db, caller, new Date(), request) }),
    ...createSubgraphStore(database, { name, migrationsFolder: new URL("../drizzle", import.meta.url), probes: [invoices], seed: seedDemoData }),
  };
}

export * as tables from "./db/tables.ts";
