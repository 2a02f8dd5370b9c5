import { createDatabase, queryRows, type DatabaseHandle } from "@grondslag/db";
import type { Subgraph } from "@grondslag/server";
import { sql } from "drizzle-orm";

export interface TestDatabase extends DatabaseHandle {
  /** Queries sent since the last `resetQueryCount()`: for batching tests. */
  readonly queryCount: number;
  resetQueryCount(): void;
}

const shared = globalThis as { __grondslagTestDatabase?: Promise<TestDatabase> };

/**
 * The suite's one database: PostgreSQL when DATABASE_URL is set, else in-memory PGlite.
 * Created once per test process (vitest runs the suite in one non-isolated worker), because
 * a PGlite instance costs seconds and hundreds of megabytes. Never closed by a test file:
 * the process ends with the suite. When DATABASE_URL is set but unreachable, this throws.
 */
export function getTestDatabase(): Promise<TestDatabase> {
  shared.__grondslagTestDatabase ??= open();
  return shared.__grondslagTestDatabase;
}

/** The suite's PostgreSQL URL (DATABASE_URL), for a test that opens the store from a process of its own; undefined on PGlite. */
export function getTestDatabaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

async function open(): Promise<TestDatabase> {
  let count = 0;
  const handle = await createDatabase({
    url: process.env.DATABASE_URL || undefined,
    maxConnections: 4,
    onQuery: () => {
      count += 1;
    },
  });
  await dropMigratedSchemas(handle);
  return {
    ...handle,
    get queryCount() {
      return count;
    },
    resetQueryCount() {
      count = 0;
    },
  };
}

/**
 * A PostgreSQL database outlives the suite: drop every schema a previous run migrated (named
 * by the journals in `drizzle`), so a regenerated migration never meets yesterday's tables.
 */
async function dropMigratedSchemas(handle: DatabaseHandle): Promise<void> {
  if (handle.kind !== "postgres") return;
  const journals = await queryRows<{ table_name: string }>(
    handle.db,
    sql`select table_name from information_schema.tables where table_schema = 'drizzle' and table_name like '%\_migrations'`,
  );
  const schemas = journals.map((row) => row.table_name.replace(/_migrations$/, ""));
  await handle.execute([...schemas.map((name) => `DROP SCHEMA IF EXISTS "${name}" CASCADE;`), "DROP SCHEMA IF EXISTS drizzle CASCADE;"].join("\n"));
}

/**
 * Starts a test clean: drops the subgraphs' schemas and their migration journals, then
 * migrates and seeds the demo data again, as drizzle's own integration tests do.
 */
export async function resetDatabase(database: DatabaseHandle, subgraphs: readonly Subgraph[]): Promise<void> {
  const drops = subgraphs.map((subgraph) => `DROP SCHEMA IF EXISTS "${subgraph.name}" CASCADE;`);
  const journals = subgraphs.map((subgraph) => `DROP TABLE IF EXISTS "drizzle"."${subgraph.name}_migrations";`);
  await database.execute([...drops, "CREATE SCHEMA IF NOT EXISTS drizzle;", ...journals].join("\n"));
  for (const subgraph of subgraphs) await subgraph.migrate();
  for (const subgraph of subgraphs) await subgraph.seedDemoData();
}
