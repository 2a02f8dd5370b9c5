import type { Database } from "./createDatabase.ts";
import type { SQL } from "drizzle-orm";

/** Runs raw SQL on either driver: postgres-js answers an array, PGlite an object with `rows`. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** How each handle runs a statement given as text and parameters (`createDatabase` registers it). */
export const textRunners = new WeakMap<Database, (text: string, params: readonly unknown[]) => Promise<unknown[]>>();

/**
 * Runs a statement written as text with `$1`… parameters, on PostgreSQL as a named prepared
 * statement: the server parses and plans it once per connection, and each run is one round trip
 * instead of drizzle's two (describe, then execute), with no query building on our side either.
 * For a statement run on every request whose text does not vary with its values (the policy's
 * facts: persons as one text[] parameter), never for text built from a list's length.
 */
export async function queryPrepared<T>(db: Database, text: string, params: readonly unknown[]): Promise<T[]> {
  const run = textRunners.get(db);
  if (!run) throw new Error("This database handle was not opened by createDatabase: it has no statement runner.");
  return (await run(text, params)) as T[];
}
