import type { Database } from "@grondslag/db";
import { queryRows } from "@grondslag/db";
import { sql } from "drizzle-orm";

/** A fact a subgraph publishes for other subgraphs' policies: a view or a function in its own migrations. */
export interface PolicyFact {
  /** The subgraph whose migrations create it. */
  owner: string;
  /** `schema.name`, versioned: a breaking change publishes `_v2` beside `_v1`. */
  relation: string;
  kind: "view" | "function";
  /** A view's columns, or a function's parameters, by name. */
  columns: readonly string[];
}

/**
 * The published contract the policy layer reads, and nothing else: a subgraph may rename and
 * reshape its own tables freely as long as its migrations keep these views and this function
 * answering with these columns. `verifyPolicyFacts` checks it at start.
 */
export const policyFacts = {
  careRelationships: {
    owner: "therapy",
    relation: "therapy.policy_care_relationship_v1",
    kind: "view",
    columns: ["patient_id", "therapist_person_id", "practice_id", "started_on", "ended_on"],
  },
  memberships: {
    owner: "identity",
    relation: "identity.policy_membership_v1",
    kind: "view",
    columns: ["person_id", "organisation_id", "role", "started_on", "ended_on"],
  },
  consents: {
    owner: "consent",
    relation: "consent.policy_active_consent_v1",
    kind: "view",
    columns: ["person_id", "purpose_id"],
  },
  instructions: {
    owner: "consent",
    relation: "consent.policy_open_instruction_v1",
    kind: "view",
    columns: ["id", "person_id", "controller_id", "processor_person_id", "categories"],
  },
  openCases: {
    owner: "consent",
    relation: "consent.policy_open_case_v1",
    kind: "view",
    columns: ["id", "person_id", "kind"],
  },
  recordStaffAccess: {
    owner: "consent",
    relation: "consent.record_staff_access_v1",
    kind: "function",
    columns: ["instruction_id", "case_id", "reader_id", "person_id", "field", "access"],
  },
} as const satisfies Record<string, PolicyFact>;

/**
 * Fails, naming the fact and its owner, when a published fact is missing or lacks a column the
 * policy layer reads: run once the subgraphs' migrations are applied, before serving.
 */
export async function verifyPolicyFacts(db: Database, facts: Record<string, PolicyFact> = policyFacts): Promise<void> {
  const problems: string[] = [];
  for (const [name, fact] of Object.entries(facts)) {
    const [schema, relation] = fact.relation.split(".") as [string, string];
    const found =
      fact.kind === "view"
        ? await queryRows<{ name: string }>(
            db,
            sql`select column_name as name from information_schema.columns where table_schema = ${schema} and table_name = ${relation}`,
          )
        : await queryRows<{ name: string }>(
            db,
            sql`
              select unnest(p.proargnames) as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname = ${schema} and p.proname = ${relation}`,
          );
    const present = new Set(found.map((row) => row.name));
    if (present.size === 0) problems.push(`policy fact ${name} (${fact.kind} ${fact.relation}, published by ${fact.owner}) does not exist`);
    else {
      const missing = fact.columns.filter((column) => !present.has(column));
      if (missing.length > 0) problems.push(`policy fact ${name} (${fact.relation}, published by ${fact.owner}) lacks ${missing.join(", ")}`);
    }
  }
  if (problems.length > 0) throw new Error(`The policy facts the subgraphs publish do not match what the policy reads:\n- ${problems.join("\n- ")}`);
}
