import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { BillingContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

interface PersonReference {
  id: string;
}

export const Person = {
  // Identity owns the person; billing only needs the id to find its invoices.
  __resolveReference: (reference: PersonReference) => ({ id: reference.id }),
  invoices: async (person: PersonReference, args: PageArgs, { loaders }: BillingContext) =>
    toConnection(await loaders.invoicesOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), (invoice) => invoice.id),
} satisfies PersonResolvers;
