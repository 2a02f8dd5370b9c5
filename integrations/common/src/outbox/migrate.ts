import { fileURLToPath } from "node:url";
import type { DatabaseHandle } from "@grondslag/db";

/** The outbox's committed migrations (drizzle-kit, from `src/outbox/tables.ts`). */
export const outboxMigrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Applies the outbox's migrations to its own schema, `partner_outbox`; the stack runs it beside the subgraphs'. */
export function migratePartnerOutbox(database: Pick<DatabaseHandle, "migrate">): Promise<void> {
  return database.migrate("partner_outbox", outboxMigrationsFolder);
}
