import { sql } from "drizzle-orm";
import { check, index, pgSchema, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Everything consent owns lives in the `consent` Postgres schema; no other subgraph reads it. */
export const consent = pgSchema("consent");

export const consentBasis = consent.enum("consent_basis", ["consent", "explicit_consent"]);
export const consentState = consent.enum("consent_state", ["given", "withdrawn", "expired"]);
export const consentMethod = consent.enum("consent_method", ["in_app", "web", "paper", "guardian"]);
// `unknown`: a send that may have left, whose partner cannot say whether it arrived (integrations/README.md).
export const disclosureOutcome = consent.enum("disclosure_outcome", ["sent", "failed", "unknown"]);
export const caseKind = consent.enum("case_kind", ["support", "access", "rectification", "erasure", "restriction", "portability", "objection"]);
export const staffAccessMode = consent.enum("staff_access_mode", ["read", "write"]);

export const purposes = consent.table("purpose", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  description: text("description").notNull(),
  lawfulBasis: consentBasis("lawful_basis").notNull(),
  noticeVersion: text("notice_version").notNull(),
});

export const consentRecords = consent.table(
  "consent_record",
  {
    id: text("id").primaryKey(),
    // No foreign key: the person lives in identity's schema, which this subgraph does not read.
    personId: text("person_id").notNull(),
    purposeId: text("purpose_id")
      .notNull()
      .references(() => purposes.id),
    // Copied from the purpose when given, so a later change to the catalogue does not rewrite what was agreed.
    lawfulBasis: consentBasis("lawful_basis").notNull(),
    noticeVersion: text("notice_version").notNull(),
    state: consentState("state").notNull(),
    givenAt: timestamp("given_at", { withTimezone: true }).notNull(),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    method: consentMethod("method").notNull(),
  },
  (table) => [index("consent_record_person_idx").on(table.personId), index("consent_record_purpose_idx").on(table.purposeId)],
);

/**
 * A documented instruction (GDPR Art. 28(3)(a)) from the practice that controls a person's care
 * data to the platform's staff, e.g. to look into a support ticket. The policy layer reads it
 * with raw SQL (`processor-on-instruction`), so these column names are a contract.
 */
export const processingInstructions = consent.table(
  "processing_instruction",
  {
    id: text("id").primaryKey(),
    // The practice organisation (identity's) that controls the data: no foreign key across schemas.
    controllerId: text("controller_id").notNull(),
    // The staff member the instruction names; null: any support staff.
    processorPersonId: text("processor_person_id"),
    // The data subject.
    personId: text("person_id").notNull(),
    // DataCategory names, e.g. {HEALTH}.
    categories: text("categories").array().notNull(),
    reason: text("reason").notNull(),
    // The person id of who issued it at the practice.
    issuedBy: text("issued_by").notNull(),
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("processing_instruction_person_idx").on(table.personId)],
);

/**
 * A support case or a data-subject request (GDPR Art. 15-22) of one person. Opened by the person
 * themself, so staff cannot grant themselves access: while it is open, support staff read the
 * person's identity and contact data (`support-case`), each read recorded; an open rectification
 * request also lets them correct it (`rectification-request`); an open restriction request stops
 * every controller and processor but the person (`basisHolds`).
 */
export const supportCases = consent.table(
  "support_case",
  {
    id: text("id").primaryKey(),
    // No foreign key: the person lives in identity's schema.
    personId: text("person_id").notNull(),
    kind: caseKind("kind").notNull(),
    // What the person asked, in their words; read by staff and the person only.
    topic: text("topic").notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    // A data-subject request is answered within a month (GDPR Art. 12(3)); null for a support case.
    dueAt: timestamp("due_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    // The person id of who closed it: the person, or the staff member who handled it.
    closedBy: text("closed_by"),
  },
  (table) => [index("support_case_person_idx").on(table.personId)],
);

/**
 * One read or write of one field of one person made by platform staff under an instruction or
 * a case: who, what and why, never the value. The table keeps its first name, `instructed_read`.
 */
export const instructedReads = consent.table(
  "instructed_read",
  {
    id: text("id").primaryKey(),
    instructionId: text("instruction_id").references(() => processingInstructions.id),
    caseId: text("case_id").references(() => supportCases.id),
    readerId: text("reader_id").notNull(),
    personId: text("person_id").notNull(),
    // `Type.field`.
    field: text("field").notNull(),
    access: staffAccessMode("access").notNull().default("read"),
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("instructed_read_person_idx").on(table.personId),
    check("instructed_read_one_basis", sql`(${table.instructionId} is null) <> (${table.caseId} is null)`),
  ],
);

/**
 * The disclosure log: one outbound call to a partner about one person, as the partner adapter
 * records it. The names of the fields sent, never their values.
 */
export const disclosures = consent.table(
  "disclosure",
  {
    id: text("id").primaryKey(),
    // The partner's name, as in `partner:<name>`, e.g. `twilio`.
    partner: text("partner").notNull(),
    // No foreign key: the person lives in identity's schema.
    personId: text("person_id").notNull(),
    // `Type.field` names of the values sent.
    fields: text("fields").array().notNull(),
    purpose: text("purpose").notNull(),
    // A LawfulBasis name, e.g. CONSENT.
    basis: text("basis").notNull(),
    // `failed` too: the request left the process, so its fields may have reached the partner.
    outcome: disclosureOutcome("outcome").notNull(),
    // The partner's id for the send (a Twilio message SID); null when the partner gave none.
    reference: text("reference"),
    // The adapter's key for the send: recording it again changes nothing.
    idempotencyKey: text("idempotency_key").notNull().unique(),
    // The partner's latest status for the send (`delivered`), from its webhooks; never moves back.
    deliveryStatus: text("delivery_status"),
    deliveryUpdatedAt: timestamp("delivery_updated_at", { withTimezone: true }),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    // The id of the request that caused the send (the gateway's x-request-id), when one was known.
    requestId: text("request_id"),
  },
  (table) => [index("disclosure_person_idx").on(table.personId), index("disclosure_partner_reference_idx").on(table.partner, table.reference)],
);

/**
 * Every status a partner reported for a send, once: a replayed webhook inserts nothing, so it
 * cannot move a disclosure's delivery status a second time.
 */
export const partnerEvents = consent.table(
  "partner_event",
  {
    partner: text("partner").notNull(),
    reference: text("reference").notNull(),
    status: text("status").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.partner, table.reference, table.status] })],
);

export type PurposeRow = typeof purposes.$inferSelect;
export type ConsentRecordRow = typeof consentRecords.$inferSelect;
export type ProcessingInstructionRow = typeof processingInstructions.$inferSelect;
export type InstructedReadRow = typeof instructedReads.$inferSelect;
export type SupportCaseRow = typeof supportCases.$inferSelect;
export type DisclosureRow = typeof disclosures.$inferSelect;
export type PartnerEventRow = typeof partnerEvents.$inferSelect;
export type ConsentState = (typeof consentState.enumValues)[number];
