import { date, index, integer, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Everything billing owns lives in the `billing` Postgres schema; no other subgraph reads it. */
export const billing = pgSchema("billing");

export const invoiceStatus = billing.enum("invoice_status", ["open", "paid", "overdue", "cancelled"]);

// Recipient and IBAN are copied onto the invoice, not looked up in identity: an invoice must
// show what was sent, and is kept 7 years (legal obligation) even after the account closes.
export const invoices = billing.table(
  "invoice",
  {
    id: text("id").primaryKey(),
    personId: text("person_id").notNull(),
    number: text("number").notNull(),
    issuedOn: date("issued_on").notNull(),
    dueOn: date("due_on").notNull(),
    status: invoiceStatus("status").notNull().default("open"),
    currency: text("currency").notNull().default("EUR"),
    description: text("description").notNull(),
    recipientName: text("recipient_name").notNull(),
    street: text("street").notNull(),
    postalCode: text("postal_code").notNull(),
    city: text("city").notNull(),
    country: text("country").notNull(),
    iban: text("iban"),
    paidAt: timestamp("paid_at", { withTimezone: true }),
  },
  (table) => [uniqueIndex("invoice_number_key").on(table.number), index("invoice_person_idx").on(table.personId)],
);

// No amount is stored on the invoice: its total is always the sum of its lines.
export const invoiceLines = billing.table(
  "invoice_line",
  {
    id: text("id").primaryKey(),
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id),
    position: integer("position").notNull(),
    description: text("description").notNull(),
    quantity: integer("quantity").notNull(),
    unitAmountCents: integer("unit_amount_cents").notNull(),
  },
  // Leading with invoice_id, this index also serves the look-up of an invoice's lines.
  (table) => [uniqueIndex("invoice_line_invoice_position_key").on(table.invoiceId, table.position)],
);

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
