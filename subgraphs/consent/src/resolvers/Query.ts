import type { Database } from "@grondslag/db";
import { desc } from "drizzle-orm";
import type { ConsentContext } from "../context.ts";
import { disclosures, instructedReads } from "../db/tables.ts";
import type { QueryResolvers } from "../generated/resolvers.ts";
import type { FieldPolicyEntry } from "../readFieldPolicyRegister.ts";
import { builtInRequirements } from "@grondslag/policy";

/** The legend of the register: built-in requirements, then the parameterised ones, then the graph's record conditions. */
const policyRequirements = [
  ...Object.entries(builtInRequirements).map(([name, { description }]) => ({ name, description })),
  { name: "consent:<purpose>", description: "the person has given, and not withdrawn or let expire, consent for that ConsentPurpose" },
  { name: "partner:<name>", description: "the caller is that partner adapter; the field is in its declared field set" },
  { name: "work-trip", description: "the trip's purpose is business or commute (mobility)" },
];

export function createQuery(db: Database, fieldPolicies: FieldPolicyEntry[]) {
  return {
    consentPurposes: (_: unknown, __: unknown, { loaders }: ConsentContext) => loaders.purposeCatalogue(),
    instructedReads: () => db.select().from(instructedReads).orderBy(instructedReads.readAt, instructedReads.id),
    fieldPolicies: () => fieldPolicies,
    policyRequirements: () => policyRequirements,
    disclosures: () => db.select().from(disclosures).orderBy(desc(disclosures.occurredAt), desc(disclosures.id)),
  } satisfies QueryResolvers;
}
