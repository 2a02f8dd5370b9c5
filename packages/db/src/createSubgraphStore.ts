import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database, DatabaseHandle } from "./createDatabase.ts";

export interface SubgraphStoreOptions {
  /** The subgraph's name: its Postgres schema and its migration journal. */
  name: string;
  /** The folder of its committed drizzle migrations. */
  migrationsFolder: URL;
  /** Tables whose rows mean the subgraph holds data; any row in any of them counts. */
  probes: PgTable[];
  /** Inserts the demo cast; running it twice changes nothing. */
  seed: (db: Database) => Promise<void>;
}

/** A subgraph's storage lifecycle, the same for all five: migrate, tell whether it is empty, seed. */
export function createSubgraphStore(database: DatabaseHandle, options: SubgraphStoreOptions) {
  const migrationsFolder = fileURLToPath(options.migrationsFolder);
  return {
    migrate: () => database.migrate(options.name, migrationsFolder),
    hasData: async () => {
      for (const table of options.probes) {
        if ((await database.db.select({ one: sql`1` }).from(table).limit(1)).length > 0) return true;
      }
      return false;
    },
    seedDemoData: () => options.seed(database.db),
  };
}
