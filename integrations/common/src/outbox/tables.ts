import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The partner outbox: its own Postgres schema, owned by this package (as each subgraph owns
 * its own), migrated by the stack beside the subgraphs. It holds sends, never personal values:
 * the person's id and the names of the fields, as the disclosure log does. It never holds the
 * adapter's input either (an SMS or mail's text, a one-time code: personal data, a secret): a send
 * is delivered in the caller's request only. A settled send is deleted after a retention period
 * (`settledRetentionMs`, default 7 days; the runner's `prune`): the disclosure log in consent is
 * the record, and the row is kept only so a retry of its key is answered, not sent again.
 */
export const partnerOutbox = pgSchema("partner_outbox");

/**
 * `pending`: written, not yet settled (being delivered, waiting for a retry, or waiting to be
 * reconciled when `in_flight_since` is set). `sent`, `failed`, `unknown`: settled, each with its
 * disclosure record written in the same transaction (except a `failed` send that never left).
 */
export const sendStatus = partnerOutbox.enum("send_status", ["pending", "sent", "failed", "unknown"]);

export const sends = partnerOutbox.table(
  "send",
  {
    id: text("id").primaryKey(),
    partner: text("partner").notNull(),
    // The registry's channel the adapter serves (`one-time-code:sms`): the worker finds the adapter by it after a restart.
    channel: text("channel").notNull(),
    purpose: text("purpose").notNull(),
    basis: text("basis").notNull(),
    // The data subject; no foreign key: the person lives in identity's schema.
    personId: text("person_id").notNull(),
    // The field set's variables (ids, never personal values).
    variables: jsonb("variables").$type<Record<string, string>>().notNull(),
    // The caller's key: unique, so a send happens once across restarts and processes.
    idempotencyKey: text("idempotency_key").notNull().unique(),
    // `Type.field` names of the values the partner receives.
    fields: text("fields").array().notNull(),
    status: sendStatus("status").notNull().default("pending"),
    // Attempts that were started (each marked in flight before the partner is called).
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    // Set, and committed, before the partner is called; cleared when the attempt is known not to
    // have sent. A pending row with it set may have reached the partner: it is reconciled, never re-sent blindly.
    inFlightSince: timestamp("in_flight_since", { withTimezone: true }),
    // Questions to the partner about a send in flight that got no answer; bounded, then `unknown`.
    reconcileAttempts: integer("reconcile_attempts").notNull().default(0),
    // A worker's claim on the row; a claim that ran out (the worker died) is taken over.
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    reference: text("reference"),
    // The partner's error code, or why the send was settled as it was; never personal data.
    lastError: text("last_error"),
    requestId: text("request_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp("settled_at", { withTimezone: true }),
  },
  (table) => [
    index("send_due_idx").on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    // The retention sweep's: settled sends, oldest first.
    index("send_settled_idx").on(table.settledAt).where(sql`${table.status} <> 'pending'`),
  ],
);

export type SendRow = typeof sends.$inferSelect;
