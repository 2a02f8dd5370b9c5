import { loadPages, selectPage, type Database } from "@grondslag/db";
import { readPageArgs, toConnection, type PageArgs } from "@grondslag/server";
import { sql } from "drizzle-orm";
import type { ConsentContext } from "../context.ts";
import { DISCLOSURES, INSTRUCTED_READS } from "../createLoaders.ts";
import type { QueryResolvers } from "../generated/resolvers.ts";
import type { FieldPolicyEntry } from "../readFieldPolicyRegister.ts";
import { builtInRequirements } from "@grondslag/policy";

/** Each whole log is one list: every row has the same parent. */
const WHOLE_LOG = { ...DISCLOSURES, parent: sql<string>`'log'::text` };
const ALL_STAFF_READS = { ...INSTRUCTED_READS, parent: sql<string>`'log'::text` };

/** The legend of the register: built-in requirements, then the parameterised ones, then the graph's record conditions. */
const policyRequirements = [
  ...Object.entries(builtInRequirements).map(([name, { description }]) => ({ name, description })),
  { name: "consent:<purpose>", description: "the person has given, and not withdrawn or let expire, consent for that ConsentPurpose" },
  { name: "partner:<name>", description: "the caller is that partner adapter with a capability for the record's person; the field is in its declared field set; the record's basis still holds" },
  { name: "work-trip", description: "the trip's purpose is business or commute (mobility)" },
  { name: "open-case", description: "the support case or data-subject request is still open (consent)" },
];

export function createQuery(db: Database, fieldPolicies: FieldPolicyEntry[]) {
  return {
    consentPurposes: (_: unknown, __: unknown, { loaders }: ConsentContext) => loaders.purposeCatalogue(),
    instructedReads: async (_: unknown, args: PageArgs) => {
      const [page] = await loadPages([{ parentId: "log", ...readPageArgs(args) }], (ids, limit, after) => selectPage(db, ALL_STAFF_READS, ids, limit, after));
      return toConnection(page!, (read) => read.id);
    },
    fieldPolicies: () => fieldPolicies,
    policyRequirements: () => policyRequirements,
    disclosures: async (_: unknown, args: PageArgs) => {
      const [page] = await loadPages([{ parentId: "log", ...readPageArgs(args) }], (ids, limit, after) => selectPage(db, WHOLE_LOG, ids, limit, after));
      return toConnection(page!, (disclosure) => disclosure.id);
    },
  } satisfies QueryResolvers;
}
