import type { Database } from "./createDatabase.ts";
import type { SQL } from "drizzle-orm";

/** Runs raw SQL on either driver: postgres-js answers an array, PGlite an object with `rows`. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The prepared-statement runner of each PostgreSQL handle (`createDatabase` registers it). */
export const preparedRunners = new WeakMap<Database, (query: SQL) => Promise<unknown[]>>();

/**
 * Like `queryRows`, as a named prepared statement on PostgreSQL: the server parses and plans it
 * once per connection, and each run is one round trip instead of drizzle's two (describe, then
 * execute). For a statement run on every request whose text does not vary with its values (the
 * policy's facts: one text[] parameter), never for text built from a list's length. On PGlite,
 * which has no round trips, it is `queryRows`.
 */
export async function queryPreparedRows<T>(db: Database, query: SQL): Promise<T[]> {
  const run = preparedRunners.get(db);
  return run ? ((await run(query)) as T[]) : queryRows<T>(db, query);
}
