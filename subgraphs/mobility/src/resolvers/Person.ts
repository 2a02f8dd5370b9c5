import type { MobilityContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";

/** Identity owns Person; here a reference is all we need, so resolving one costs no query. */
export const Person = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  mobilityCards: (person: { id: string }, _: unknown, { loaders }: MobilityContext) => loaders.cardsOfPerson.load(person.id),
  trips: (person: { id: string }, _: unknown, { loaders }: MobilityContext) => loaders.tripsOfPerson.load(person.id),
  // A subset by meaning (business and commute), the same for every caller.
  workTrips: (person: { id: string }, _: unknown, { loaders }: MobilityContext) => loaders.workTripsOfPerson.load(person.id),
} satisfies PersonResolvers;
