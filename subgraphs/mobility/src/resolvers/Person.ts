import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { MobilityContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";
import type { TripRow } from "../db/tables.ts";

const tripId = (trip: TripRow) => trip.id;

/** Identity owns Person; here a reference is all we need, so resolving one costs no query. */
export const Person = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  mobilityCards: (person: { id: string }, _: unknown, { loaders }: MobilityContext) => loaders.cardsOfPerson.load(person.id),
  trips: async (person: { id: string }, args: PageArgs, { loaders }: MobilityContext) =>
    toConnection(await loaders.tripsOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), tripId),
  // A subset by meaning (business and commute), the same for every caller.
  workTrips: async (person: { id: string }, args: PageArgs, { loaders }: MobilityContext) =>
    toConnection(await loaders.workTripsOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), tripId),
} satisfies PersonResolvers;
