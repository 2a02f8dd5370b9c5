import { byKey, groupByKey, type Database } from "@grondslag/db";
import DataLoader from "dataloader";
import { and, desc, inArray } from "drizzle-orm";
import { WORK_TRIP_PURPOSES } from "./conditions.ts";
import { mobilityCards, trips, type MobilityCardRow, type TripRow } from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  return {
    card: new DataLoader<string, MobilityCardRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(mobilityCards).where(inArray(mobilityCards.id, [...ids])), (row) => row.id),
    ),
    cardsOfPerson: new DataLoader<string, MobilityCardRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(mobilityCards)
          .where(inArray(mobilityCards.personId, [...personIds]))
          .orderBy(mobilityCards.issuedOn, mobilityCards.id),
        (row) => row.personId,
      ),
    ),
    tripsOfPerson: new DataLoader<string, TripRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(trips)
          .where(inArray(trips.personId, [...personIds]))
          .orderBy(desc(trips.startedAt), desc(trips.id)),
        (row) => row.personId,
      ),
    ),
    // Filtered in the query: a request for work trips never loads a private trip.
    workTripsOfPerson: new DataLoader<string, TripRow[]>(async (personIds) =>
      groupByKey(
        personIds,
        await db
          .select()
          .from(trips)
          .where(and(inArray(trips.personId, [...personIds]), inArray(trips.purpose, [...WORK_TRIP_PURPOSES])))
          .orderBy(desc(trips.startedAt), desc(trips.id)),
        (row) => row.personId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
