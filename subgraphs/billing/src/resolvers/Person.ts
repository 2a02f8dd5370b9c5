import type { BillingContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

interface PersonReference {
  id: string;
}

export const Person = {
  // Identity owns the person; billing only needs the id to find its invoices.
  __resolveReference: (reference: PersonReference) => ({ id: reference.id }),
  invoices: (person: PersonReference, _: unknown, { loaders }: BillingContext) => loaders.invoicesOfPerson.load(person.id),
} satisfies PersonResolvers;
