import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import type { MobilityContext } from "../context.ts";
import type { PersonResolvers } from "../generated/resolvers.ts";
import type { TripRow } from "../db/tables.ts";
import type { TripRange } from "../createLoaders.ts";
import { startOfDayInAmsterdam } from "../startOfDay.ts";
import { GraphQLError } from "graphql";

const tripId = (trip: TripRow) => trip.id;

/**
 * The first instant the database's timestamps take in ISO form: 1 January of the year 1 began at
 * 23:42:30 UTC on the day before in Amsterdam's local mean time, a year (0) PostgreSQL refuses.
 */
const EARLIEST = new Date("0001-01-01T00:00:00Z");
/** When a day begins in Amsterdam, no earlier than the database can compare (no trip is that old). */
const startOf = (day: string) => new Date(Math.max(startOfDayInAmsterdam(day).getTime(), EARLIEST.getTime()));

/** The range of start times asked for, its days (checked by the Date scalar) read in Amsterdam time. */
function tripRange({ startedFrom, startedBefore }: { startedFrom?: string | null; startedBefore?: string | null }): TripRange {
  if (startedFrom && startedBefore && startedFrom >= startedBefore) {
    throw new GraphQLError("startedBefore must be a later day than startedFrom.", { extensions: { code: "BAD_USER_INPUT", argument: "startedBefore" } });
  }
  return { ...(startedFrom ? { from: startOf(startedFrom) } : {}), ...(startedBefore ? { before: startOf(startedBefore) } : {}) };
}

/** Identity owns Person; here a reference is all we need, so resolving one costs no query. */
export const Person = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  mobilityCards: (person: { id: string }, _: unknown, { loaders }: MobilityContext) => loaders.cardsOfPerson.load(person.id),
  trips: async (person: { id: string }, args: PageArgs, { loaders }: MobilityContext) =>
    toConnection(await loaders.tripsOfPerson.load({ parentId: person.id, ...readPageArgs(args) }), tripId),
  // A subset by meaning (business and commute), the same for every caller.
  workTrips: async (person: { id: string }, args: PageArgs & { startedFrom?: string | null; startedBefore?: string | null }, { loaders }: MobilityContext) =>
    toConnection(await loaders.workTripsOfPerson(tripRange(args)).load({ parentId: person.id, ...readPageArgs(args) }), tripId),
} satisfies PersonResolvers;
