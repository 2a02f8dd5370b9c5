import type { Database } from "@grondslag/db";
import { sql } from "drizzle-orm";

/** One settled send, as the disclosure log keeps it: field names, never values. */
export interface DisclosureEntry {
  partner: string;
  personId: string;
  fields: string[];
  purpose: string;
  basis: string;
  outcome: "sent" | "failed" | "unknown";
  reference: string | null;
  idempotencyKey: string;
  requestId: string | null;
}

/**
 * The contract the outbox writes through, in the shape of the policy's published facts
 * (`verifyPolicyFacts` checks it at start, beside them): without it no send could be recorded.
 */
export const disclosureLogFacts = {
  disclosureLog: {
    owner: "consent",
    relation: "consent.record_disclosure_v1",
    kind: "function",
    columns: ["partner", "person_id", "fields", "purpose", "basis", "outcome", "reference", "idempotency_key", "request_id"],
  },
} as const;

/** A transaction of the store, as drizzle hands it to `db.transaction`'s callback. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Where the outbox records a settled send, inside the transaction that settles it. */
export interface DisclosureLog {
  record(tx: Transaction, entry: DisclosureEntry): Promise<void>;
}

/**
 * The disclosure log belongs to consent: the outbox writes it only through the versioned
 * function consent publishes for it (`consent.record_disclosure_v1`, consent's migration 0004),
 * idempotent on the send's key. The fields go as JSON, which both drivers pass as one value.
 */
export const consentDisclosureLog: DisclosureLog = {
  async record(tx, entry) {
    await tx.execute(sql`select "consent"."record_disclosure_v1"(
      ${entry.partner}, ${entry.personId}, array(select jsonb_array_elements_text(${JSON.stringify(entry.fields)}::jsonb)),
      ${entry.purpose}, ${entry.basis}, ${entry.outcome}, ${entry.reference}, ${entry.idempotencyKey}, ${entry.requestId}
    )`);
  },
};
