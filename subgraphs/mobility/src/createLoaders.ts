import { byKey, groupByKey, keysetAfter, loadPages, rankWithin, type Database, type KeysetOrder, type Page, type PageKey } from "@grondslag/db";
import DataLoader from "dataloader";
import { and, eq, getTableColumns, inArray, lte, type SQL } from "drizzle-orm";
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
    tripsOfPerson: new DataLoader<PageKey, Page<TripRow>, string>((keys) => loadPages(keys, (ids, limit, after) => selectTrips(db, ids, limit, after), (row) => row.personId), {
      cacheKeyFn: pageCacheKey,
    }),
    // Filtered in the query: a request for work trips never loads a private trip.
    workTripsOfPerson: new DataLoader<PageKey, Page<TripRow>, string>(
      (keys) => loadPages(keys, (ids, limit, after) => selectTrips(db, ids, limit, after, inArray(trips.purpose, [...WORK_TRIP_PURPOSES])), (row) => row.personId),
      { cacheKeyFn: pageCacheKey },
    ),
  };
}

/** Newest first; the id breaks ties so the order, and so every page, is stable. */
const TRIP_ORDER: KeysetOrder = [
  { column: trips.startedAt, direction: "desc" },
  { column: trips.id, direction: "desc" },
];

const pageCacheKey = (key: PageKey) => JSON.stringify([key.parentId, key.first, key.after]);

/**
 * Up to `limit` trips of each person, after the trip `after`: one query for all the persons,
 * ranking each person's trips with a window function, plus one to find where `after` stands.
 */
async function selectTrips(db: Database, personIds: string[], limit: number, after: string | null, filter?: SQL): Promise<TripRow[]> {
  let from: SQL | undefined;
  if (after !== null) {
    const [cursor] = await db.select({ personId: trips.personId, startedAt: trips.startedAt, id: trips.id }).from(trips).where(eq(trips.id, after));
    // A cursor of a trip that is gone, or of someone else's list, ends this list: it never
    // tells the caller whether such a trip exists.
    if (!cursor || !personIds.includes(cursor.personId)) return [];
    personIds = [cursor.personId];
    from = keysetAfter(TRIP_ORDER, [cursor.startedAt, cursor.id]);
  }
  const ranked = db
    .select({ ...getTableColumns(trips), rank: rankWithin(trips.personId, TRIP_ORDER).as("rank") })
    .from(trips)
    .where(and(inArray(trips.personId, personIds), filter, from))
    .as("ranked");
  const rows = await db.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(ranked.personId, ranked.rank);
  return rows.map(({ rank: _, ...row }) => row);
}

export type Loaders = ReturnType<typeof createLoaders>;
