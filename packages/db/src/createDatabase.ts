import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { createPglitePreparedRunner } from "./pglitePrepared.ts";
import { textRunners } from "./queryRows.ts";

/** The drizzle handle every subgraph receives; the same type for both drivers. */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseOptions {
  /** A PostgreSQL URL. When set, the `postgres` driver is used; otherwise embedded PGlite. */
  url?: string | undefined;
  /** PGlite only: the folder the data is kept in. Default: in memory (for tests). */
  dataDir?: string | undefined;
  /** postgres driver only: pool size. Default 10. */
  maxConnections?: number | undefined;
  /** Called with the SQL of every query drizzle sends; tests count queries with it. */
  onQuery?: ((sql: string) => void) | undefined;
}

export interface DatabaseHandle {
  db: Database;
  /** Which engine is behind `db`: reported by health checks and test names. */
  kind: "postgres" | "pglite";
  /** Applies one subgraph's committed migrations; bookkeeping lives in schema `drizzle`. */
  migrate(subgraph: string, migrationsFolder: string): Promise<void>;
  /** Runs raw SQL (used for resetting schemas in tests). */
  execute(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store: PostgreSQL when a URL is given, PGlite otherwise. One handle is shared
 * by all subgraphs of a process; each still owns its own Postgres schema. PGlite takes
 * seconds and hundreds of megabytes to start, so never open one per subgraph.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  // Each subgraph keeps its migration journal in its own table of one shared `drizzle`
  // schema: drizzle-kit writes `CREATE SCHEMA "<name>"` without IF NOT EXISTS, so the
  // journal cannot live inside the schema the first migration creates.
  const logger = options.onQuery ? { logQuery: (sql: string) => options.onQuery?.(sql) } : false;
  const journal = (subgraph: string) => ({
    migrationsSchema: "drizzle",
    migrationsTable: `${subgraph}_migrations`,
  });

  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // The pause before reconnecting grows with each failure the pool has seen since its last
      // good connection; the driver's own grows to 20 s, so a server back after a restart that
      // ended connections a few times was used only that long after. At most 1 s here.
      backoff: (failures: number) => Math.min(0.05 * 2 ** failures, 1),
    });
    // Fail at start, with the URL's host in the message, rather than on the first query.
    try {
      await client`select 1`;
    } catch (error) {
      await client.end({ timeout: 1 });
      const host = new URL(options.url).host;
      throw new Error(`Cannot reach PostgreSQL at ${host}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const reading = retryingReads(client);
    const db = drizzlePostgres(reading, { logger });
    textRunners.set(db, async (text, params) => {
      options.onQuery?.(text);
      return await reading.unsafe(text, params as never[], { prepare: true });
    });
    return {
      db,
      kind: "postgres",
      // Processes started together (a subgraph's replicas, or all five at once) migrate one at a
      // time: an advisory lock, held on one reserved connection, around drizzle's migrator,
      // which also creates the shared `drizzle` schema and would race itself otherwise.
      migrate: async (subgraph, migrationsFolder) => {
        const lock = await client.reserve();
        try {
          await lock`select pg_advisory_lock(hashtext('grondslag:migrations'))`;
          await migratePostgres(db, { migrationsFolder, ...journal(subgraph) });
        } finally {
          await lock`select pg_advisory_unlock(hashtext('grondslag:migrations'))`.catch(() => {});
          lock.release();
        }
      },
      execute: async (sql) => {
        await client.unsafe(sql);
      },
      close: () => client.end({ timeout: 5 }),
    };
  }

  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const db = drizzlePglite(client, { logger });
  const runPrepared = createPglitePreparedRunner(client);
  textRunners.set(db, async (text, params) => {
    options.onQuery?.(text);
    return await runPrepared(text, params);
  });
  return {
    db,
    kind: "pglite",
    migrate: (subgraph, migrationsFolder) =>
      migratePglite(db, { migrationsFolder, ...journal(subgraph) }),
    execute: async (sql) => {
      await client.exec(sql);
    },
    close: () => client.close(),
  };
}

/**
 * How long a read waits before each retry after its connection was lost: bounded, then it fails.
 * Together (1.9 s) longer than the pool's longest pause before it reconnects (`backoff`, 1 s), so
 * a read issued as an outage ends outlasts one such pause (with 375 ms it once did not, under load).
 */
const READ_RETRY_DELAYS_MS = [25, 100, 250, 500, 1000];

/**
 * Errors of the connection, not of the statement: the server ended it (restart, failover,
 * `pg_terminate_backend`) or the socket broke. The pool reconnects on the next use.
 */
const CONNECTION_ERRORS = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "57P01", "57P02", "57P03"]);

/**
 * Retries a read whose connection was lost. After a PostgreSQL restart every pooled connection
 * is dead, and the driver learns so only when it next writes to one: without this the first
 * requests after a restart fail although the server is back. Only reads are retried, because a
 * lost connection does not say whether a write committed: a statement qualifies when it is a
 * `select` calling no function of our schemas (such as `consent.record_staff_access_v1`, which
 * inserts) and no sequence. Statements inside a transaction run on the transaction's own
 * connection, not through this wrapper, and are never retried.
 */
function retryingReads(client: postgres.Sql): postgres.Sql {
  type Unsafe = (query: string, parameters?: never[], options?: postgres.UnsafeQueryOptions) => postgres.PendingQuery<postgres.Row[]>;
  const unsafe = client.unsafe.bind(client) as Unsafe;
  const retried: Unsafe = (query, parameters, options) => {
    if (!isPlainRead(query)) return unsafe(query, parameters, options);
    // drizzle awaits the query itself or its `.values()`: either runs, and retries, on demand.
    const rows = () => withRetries(() => unsafe(query, parameters, options));
    const values = () => withRetries(() => unsafe(query, parameters, options).values());
    return { values, then: (onfulfilled, onrejected) => rows().then(onfulfilled, onrejected) } as Partial<postgres.PendingQuery<postgres.Row[]>> as never;
  };
  return new Proxy(client, { get: (target, key, receiver) => (key === "unsafe" ? retried : Reflect.get(target, key, receiver)) });
}

function isPlainRead(query: string): boolean {
  return /^\s*select\b/i.test(query) && !/"?\w+"?\s*\.\s*"?\w+"?\s*\(/.test(query) && !/\b(nextval|setval)\s*\(/i.test(query);
}

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (const delay of READ_RETRY_DELAYS_MS) {
    try {
      return await attempt();
    } catch (error) {
      if (!CONNECTION_ERRORS.has((error as { code?: string }).code ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return attempt();
}
