import { loadPages, selectPage, type Database } from "@grondslag/db";
import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import { sql } from "drizzle-orm";
import type { ConsentContext } from "../context.ts";
import { DISCLOSURES } from "../createLoaders.ts";
import { instructedReads } from "../db/tables.ts";

/** The whole log is one list: every row has the same parent. */
const WHOLE_LOG = { ...DISCLOSURES, parent: sql<string>`'log'::text` };
import type { FieldPolicyEntry } from "../readFieldPolicyRegister.ts";

export function createQuery(db: Database, fieldPolicies: FieldPolicyEntry[]) {
  return {
    consentPurposes: (_: unknown, __: unknown, { loaders }: ConsentContext) => loaders.purposeCatalogue(),
    instructedReads: () => db.select().from(instructedReads).orderBy(instructedReads.readAt, instructedReads.id),
    fieldPolicies: () => fieldPolicies,
    disclosures: async (_: unknown, args: PageArgs) => {
      const [page] = await loadPages([{ parentId: "log", ...readPageArgs(args) }], (ids, limit, after) => selectPage(db, WHOLE_LOG, ids, limit, after));
      return toConnection(page!, (disclosure) => disclosure.id);
    },
  };
}
