import { index, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** Everything consent owns lives in the `consent` Postgres schema; no other subgraph reads it. */
export const consent = pgSchema("consent");

export const consentBasis = consent.enum("consent_basis", ["consent", "explicit_consent"]);
export const consentState = consent.enum("consent_state", ["given", "withdrawn", "expired"]);
export const consentMethod = consent.enum("consent_method", ["in_app", "web", "paper", "guardian"]);

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

export type PurposeRow = typeof purposes.$inferSelect;
export type ConsentRecordRow = typeof consentRecords.$inferSelect;
export type ConsentState = (typeof consentState.enumValues)[number];
