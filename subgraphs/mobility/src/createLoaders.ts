import { byKey, groupByKey, loadPages, selectPage, type Database, type Page, type PagedList, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { and, gte, inArray, lt } from "drizzle-orm";
import { WORK_TRIP_PURPOSES } from "./conditions.ts";
import { mobilityCards, trips, type MobilityCardRow, type TripRow } from "./db/tables.ts";

/** One set per request: each loader turns the N look-ups of a request into one query. */
export function createLoaders(db: Database) {
  const workTripLoaders = new Map<string, DataLoader<PageKey, Page<TripRow>, string>>();
  return {
    trip: new DataLoader<string, TripRow | undefined>(async (ids) =>
      byKey(ids, await db.select().from(trips).where(inArray(trips.id, [...ids])), (row) => row.id),
    ),
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
    tripsOfPerson: new DataLoader<PageKey, Page<TripRow>, string>((keys) => loadPages(keys, (ids, limit, after) => selectPage(db, TRIPS, ids, limit, after)), {
      cacheKeyFn: pageCacheKey,
    }),
    // Filtered in the query: a request for work trips never loads a private trip. One loader per
    // range of start times asked for in the request (a month's report asks one for every person).
    workTripsOfPerson: (range: TripRange = {}): DataLoader<PageKey, Page<TripRow>, string> => {
      const key = `${range.from?.toISOString() ?? ""}|${range.before?.toISOString() ?? ""}`;
      let loader = workTripLoaders.get(key);
      if (!loader) {
        const filter = and(inArray(trips.purpose, [...WORK_TRIP_PURPOSES]), range.from && gte(trips.startedAt, range.from), range.before && lt(trips.startedAt, range.before));
        loader = new DataLoader<PageKey, Page<TripRow>, string>((keys) => loadPages(keys, (ids, limit, after) => selectPage(db, { ...TRIPS, filter }, ids, limit, after)), {
          cacheKeyFn: pageCacheKey,
        });
        workTripLoaders.set(key, loader);
      }
      return loader;
    },
  };
}

/** Trips that started at or after `from` and before `before` (either left out: no bound there). */
export interface TripRange {
  from?: Date;
  before?: Date;
}

/** A person's trips newest first; the id breaks ties so the order, and so every page, is stable. */
const TRIPS = {
  table: trips,
  parent: trips.personId,
  id: trips.id,
  order: [
    { column: trips.startedAt, direction: "desc" },
    { column: trips.id, direction: "desc" },
  ],
} satisfies PagedList<typeof trips>;

const pageCacheKey = (key: PageKey) => JSON.stringify([key.parentId, key.first, key.after]);

export type Loaders = ReturnType<typeof createLoaders>;
