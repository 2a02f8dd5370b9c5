import type { Database } from "@grondslag/db";
import { desc } from "drizzle-orm";
import type { ConsentContext } from "../context.ts";
import { disclosures, instructedReads } from "../db/tables.ts";
import type { QueryResolvers } from "../generated/resolvers.ts";
import type { FieldPolicyEntry } from "../readFieldPolicyRegister.ts";

export function createQuery(db: Database, fieldPolicies: FieldPolicyEntry[]) {
  return {
    consentPurposes: (_: unknown, __: unknown, { loaders }: ConsentContext) => loaders.purposeCatalogue(),
    instructedReads: () => db.select().from(instructedReads).orderBy(instructedReads.readAt, instructedReads.id),
    fieldPolicies: () => fieldPolicies,
    disclosures: () => db.select().from(disclosures).orderBy(desc(disclosures.occurredAt), desc(disclosures.id)),
  } satisfies QueryResolvers;
}
