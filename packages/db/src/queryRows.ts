import type { Database } from "./createDatabase.ts";
import type { SQL } from "drizzle-orm";

/** Runs raw SQL on either driver: postgres-js answers an array, PGlite an object with `rows`. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
